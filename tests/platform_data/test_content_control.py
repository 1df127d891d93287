"""Content on the demo platform: found by any URL form people paste, restricted in the EU under
an order's reference, lifted, and refused when the platform cannot act."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from exigent.errors import BadInput, Conflict
from exigent.platform_data.adapter import (
    AdapterUnavailable,
    Content,
    ContentControl,
    content_control,
)
from exigent.platform_data.demo import INDEXES, SCHEMA, DemoAdapter
from exigent.platform_data.generate import generate_one

NOW = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def adapter(tmp_path: Path, clock: Clock) -> DemoAdapter:
    path = tmp_path / "platform.db"
    generate_one(path, username="Night.Owl.77", records=50, now=NOW, days=30)
    return DemoAdapter(path, clock=clock)


def items(adapter: DemoAdapter) -> dict[str, Content]:
    """The account's content by role: an ordinary post, a stand-in post, a comment, a media."""
    account = adapter.find_account("username", "night.owl.77")
    assert account is not None
    stand_in = adapter.content.stand_ins(limit=1)[0]
    found = {"stand-in": stand_in}
    for item in adapter.content.of_account(account.account_id):
        if item != stand_in:
            found.setdefault(item.kind, item)
    return found


def test_the_demo_adapter_offers_content_control(adapter: DemoAdapter) -> None:
    control = content_control(adapter)
    assert control is adapter
    assert isinstance(control, ContentControl)


class DataOnly:
    """A platform that answers for its data but lets nobody act on its content."""

    name = "data-only"

    def datasets(self) -> list[object]:
        return []

    def find_account(self, identifier_type: str, value: str) -> None:
        return None

    def availability(self, account: object, categories: object) -> list[object]:
        return []

    def stream(self, account: object, dataset: str, **bounds: object) -> list[object]:
        return []

    def close(self) -> None:
        pass


def test_an_adapter_without_content_control_says_so() -> None:
    assert content_control(DataOnly()) is None  # type: ignore[arg-type]


def test_a_post_is_found_by_every_url_form_and_by_its_id(adapter: DemoAdapter) -> None:
    post = items(adapter)["stand-in"]
    assert post.url == f"https://platform.example/p/{post.content_id}"
    assert "no real material" in post.text
    forms = [
        post.url,
        post.content_id,
        f"  {post.content_id.upper()}  ",
        f"http://platform.example/p/{post.content_id}/",
        f"https://www.platform.example/p/{post.content_id}?utm_source=share#top",
        f"https://m.platform.example/p/{post.content_id}",
        f"HTTPS://Platform.Example/P/{post.content_id.upper()}",
        f"platform.example/p/{post.content_id}",
        f"https://platform.example/@night.owl.77/p/{post.content_id}",
    ]
    for locator in forms:
        assert adapter.find_content(locator) == post, locator


def test_a_comment_and_a_media_item_are_found_by_their_own_urls(adapter: DemoAdapter) -> None:
    found = items(adapter)
    comment, media, post = found["comment"], found["media"], found["post"]
    assert comment.url == f"https://platform.example/p/{post.content_id}/c/{comment.content_id}"
    assert adapter.find_content(comment.url) == comment
    assert adapter.find_content(comment.content_id) == comment
    assert adapter.find_content(f"https://platform.example/m/{media.content_id}") == media
    assert media.text.startswith("video/mp4") and "stand-in" in media.text


def test_a_locator_naming_nothing_finds_nothing(adapter: DemoAdapter) -> None:
    found = items(adapter)
    post, media = found["post"], found["media"]
    for locator in [
        "zzzzzz",
        "https://platform.example/p/zzzzzz",
        f"https://elsewhere.example/p/{post.content_id}",
        f"ftp://platform.example/p/{post.content_id}",
        # The URL must say rightly what the item is, under whom and under which post.
        f"https://platform.example/p/{media.content_id}",
        f"https://platform.example/@someone.else/p/{post.content_id}",
        f"https://platform.example/p/zzzzzz/c/{found['comment'].content_id}",
        "https://platform.example/about",
        "",
        "not a url at all",
    ]:
        assert adapter.find_content(locator) is None, locator


def test_restricting_under_the_same_order_twice_gives_the_same_restriction(
    adapter: DemoAdapter, clock: Clock
) -> None:
    post = items(adapter)["stand-in"]
    first = adapter.restrict_content(post, regions=["eu"], reference="FR-2026-0042", reason="TCO")
    clock.now += timedelta(minutes=5)
    again = adapter.restrict_content(post, regions=["EU"], reference="FR-2026-0042", reason="TCO")
    assert again == first
    assert first.restricted_at == "2026-11-24T09:30:00Z" and first.active
    assert first.regions == ("EU",)
    assert first.covers("de") and first.covers("GR") and not first.covers("US")
    assert adapter.restriction_of(post) == [first]


def test_another_order_is_a_restriction_of_its_own(adapter: DemoAdapter) -> None:
    post = items(adapter)["stand-in"]
    eu = adapter.restrict_content(post, regions=["EU"], reference="FR-1", reason="TCO")
    national = adapter.restrict_content(post, regions=["de", "EL"], reference="DE-7", reason="DSA")
    assert national.regions == ("DE", "GR")
    assert {r.reference for r in adapter.restriction_of(post)} == {"FR-1", "DE-7"}
    assert eu in adapter.restriction_of(post)
    # Other content is untouched.
    assert adapter.restriction_of(items(adapter)["post"]) == []


def test_a_lifted_restriction_says_when_and_no_longer_covers_anyone(
    adapter: DemoAdapter, clock: Clock
) -> None:
    post = items(adapter)["stand-in"]
    adapter.restrict_content(post, regions=["EU"], reference="FR-1", reason="TCO")
    clock.now += timedelta(days=2)
    lifted = adapter.lift_restriction(post, reference="FR-1")
    assert lifted is not None and lifted.lifted_at == "2026-11-26T09:30:00Z"
    assert not lifted.covers("FR")
    # Lifting again keeps the first lift's time; a reference that restricted nothing is None.
    clock.now += timedelta(days=1)
    assert adapter.lift_restriction(post, reference="FR-1") == lifted
    assert adapter.lift_restriction(post, reference="NL-9") is None
    assert adapter.restriction_of(post) == [lifted]
    # The same order restricting again puts it back.
    back = adapter.restrict_content(post, regions=["EU"], reference="FR-1", reason="TCO")
    assert back.active and back.restricted_at == "2026-11-27T09:30:00Z"


def test_bad_regions_or_reference_are_refused_naming_the_field(adapter: DemoAdapter) -> None:
    post = items(adapter)["stand-in"]
    for regions in ([], ["Germany"], ["E1"]):
        with pytest.raises(BadInput) as refused:
            adapter.restrict_content(post, regions=regions, reference="FR-1", reason="TCO")
        assert refused.value.detail["field"] == "regions"
    with pytest.raises(BadInput, match="reference"):
        adapter.restrict_content(post, regions=["EU"], reference=" ", reason="TCO")
    adapter.restrict_content(post, regions=["EU"], reference="FR-1", reason="TCO")
    with pytest.raises(Conflict, match="regions"):
        adapter.restrict_content(post, regions=["FR"], reference="FR-1", reason="TCO")
    assert [r.regions for r in adapter.restriction_of(post)] == [("EU",)]


def test_a_platform_that_cannot_act_says_so_and_changes_nothing(
    adapter: DemoAdapter, tmp_path: Path
) -> None:
    post = items(adapter)["stand-in"]
    adapter.restrict_content(post, regions=["EU"], reference="FR-1", reason="TCO")
    # The switch is on the store: an adapter opened later for the same work fails too.
    adapter.fail_content_control("moderation backend offline")
    other = DemoAdapter(tmp_path / "platform.db")
    with pytest.raises(AdapterUnavailable, match="moderation backend offline") as refused:
        other.restrict_content(post, regions=["EU"], reference="FR-2", reason="TCO")
    assert refused.value.status_code == 503
    with pytest.raises(AdapterUnavailable):
        other.lift_restriction(post, reference="FR-1")
    # Content is still found, so the caller can say the order could not be executed.
    assert other.find_content(post.url) == post
    assert [(r.reference, r.active) for r in other.restriction_of(post)] == [("FR-1", True)]
    adapter.fail_content_control(None)
    assert other.restrict_content(post, regions=["EU"], reference="FR-2", reason="TCO").active


def test_a_store_made_before_content_existed_finds_none(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    sqlite3.connect(path).executescript(SCHEMA + INDEXES)
    assert DemoAdapter(path).find_content("https://platform.example/p/00002s") is None


def test_the_platform_names_the_address_of_the_account_behind_an_item(
    adapter: DemoAdapter,
) -> None:
    control = content_control(adapter)
    assert isinstance(control, ContentControl)
    stand_in = items(adapter)["stand-in"]
    assert control.provider_address(stand_in) == "night_owl_77@icloud.com"
    adapter.connection.execute("UPDATE accounts SET email = NULL")
    assert control.provider_address(stand_in) is None
