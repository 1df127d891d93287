"""The demo platform store: accounts found by any identifier, records streamed by range."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from exigent.config import Settings
from exigent.platform_data.adapter import AdapterUnavailable
from exigent.platform_data.demo import DemoAdapter
from exigent.platform_data.generate import generate_one, generate_store
from exigent.platform_data.registry import get_adapter

NOW = datetime(2026, 11, 24, tzinfo=UTC)
ALL = ["subscriber_info", "account_activity", "connections", "message_metadata", "location",
       "content"]  # fmt: skip


@pytest.fixture
def store(tmp_path: Path) -> Path:
    path = tmp_path / "platform.db"
    generate_one(path, username="Night.Owl.77", records=2000, now=NOW, days=30)
    return path


def test_an_account_is_found_by_each_kind_of_identifier(store: Path) -> None:
    adapter = DemoAdapter(store)
    account = adapter.find_account("username", "@night.owl.77")
    assert account is not None
    row = next(adapter.stream(account, "subscriber"))
    fields = dict(zip(adapter.datasets()[0].fields, row, strict=True))
    for kind in ("user_id", "email", "phone"):
        found = adapter.find_account(kind, str(fields[kind]))
        assert found is not None and found.account_id == account.account_id
    assert adapter.find_account("username", "nobody.here") is None
    assert adapter.find_account("ip", "1.2.3.4") is None


def test_availability_counts_every_record_and_its_span(store: Path) -> None:
    adapter = DemoAdapter(store)
    account = adapter.find_account("username", "night.owl.77")
    assert account is not None
    found = adapter.availability(account, ALL)
    assert sum(a.records for a in found) == 2000
    logins = next(a for a in found if a.dataset == "logins")
    assert logins.first_at is not None and logins.first_at >= "2026-10-25"
    assert logins.last_at is not None and logins.last_at < "2026-11-24"
    assert [a.dataset for a in adapter.availability(account, ["content"])] == ["messages", "posts"]


def test_a_range_streams_in_time_order_and_nothing_outside_it(store: Path) -> None:
    adapter = DemoAdapter(store)
    account = adapter.find_account("username", "night.owl.77")
    assert account is not None
    start, end = "2026-11-01T00:00:00Z", "2026-11-08T00:00:00Z"
    times = [row[0] for row in adapter.stream(account, "locations", start=start, end=end)]
    everything = [row[0] for row in adapter.stream(account, "locations")]
    assert times == sorted(times)
    assert times and all(start <= t < end for t in times)
    assert times == [t for t in everything if start <= t < end]


def test_message_headers_never_carry_bodies(store: Path) -> None:
    adapter = DemoAdapter(store)
    account = adapter.find_account("username", "night.owl.77")
    assert account is not None
    header_fields = next(d for d in adapter.datasets() if d.name == "message_headers").fields
    assert "body" not in header_fields
    headers = list(adapter.stream(account, "message_headers"))
    messages = list(adapter.stream(account, "messages"))
    assert len(headers) == len(messages) > 0
    assert all(len(h) == len(header_fields) for h in headers)


def test_generated_store_has_realistic_accounts_some_of_them_children(tmp_path: Path) -> None:
    path = tmp_path / "platform.db"
    made = generate_store(
        path, accounts=150, records_per_account=40, usernames=["Wanted.One"], now=NOW
    )
    assert len(made) == 151
    adapter = DemoAdapter(path)
    wanted = adapter.find_account("username", "wanted.one")
    assert wanted is not None
    ages = []
    for generated in made:
        account = adapter.find_account("username", generated.username)
        assert account is not None
        ages.append(account.age_on(date(2026, 11, 24)))
    assert any(a is not None and a < 13 for a in ages)
    assert sum(1 for a in ages if a is not None and a >= 13) > 100
    # Adding the same wanted name again adds nothing twice.
    again = generate_store(path, accounts=0, records_per_account=40, usernames=["wanted.one"])
    assert again == []


def test_the_adapter_is_chosen_by_setting(tmp_path: Path, store: Path) -> None:
    adapter = get_adapter(Settings(platform_store=store))
    assert adapter.name == "demo"
    with pytest.raises(AdapterUnavailable, match="warehouse"):
        get_adapter(Settings(platform_adapter="warehouse"))
    missing = get_adapter(Settings(platform_store=tmp_path / "none.db"))
    with pytest.raises(AdapterUnavailable, match="exigent demo"):
        missing.find_account("username", "x")
