"""The labelled-request generator: valid records, reproducible, split by agency, with the
held-out-only variants kept out of training."""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any

import phonenumbers
import pytest

from exigent.verification.corpus.agencies import foreign_agencies, split_of, us_agencies
from exigent.verification.corpus.fraud_patterns import HELDOUT_THREATS
from exigent.verification.corpus.generate import PATTERNS, generate, main, validate
from exigent.verification.corpus.people import area_codes_by_state
from exigent.verification.corpus.tricks import HELDOUT_ONLY

SAMPLE = Path(__file__).parent / "data" / "fraud-dev.jsonl"
COUNT = 1500
FREE_MAIL_PATTERNS = ("freemail", "foreign_us_statute")


@pytest.fixture(scope="module")
def train() -> list[dict[str, Any]]:
    return generate(11, COUNT, "train")


@pytest.fixture(scope="module")
def heldout() -> list[dict[str, Any]]:
    return generate(11, COUNT, "heldout")


def _addresses(record: dict[str, Any]) -> list[str]:
    found = [record["requester"].get("email", "")]
    mail = record.get("email") or {}
    found += [
        mail.get("from", ""),
        mail.get("reply_to", ""),
        mail.get("authentication_results", ""),
    ]
    return [a for a in found if a]


def _domain(record: dict[str, Any]) -> str:
    return str(record["requester"]["email"]).rpartition("@")[2]


def test_every_record_is_a_valid_intake_record_with_label_and_pattern(
    train: list[dict[str, Any]], heldout: list[dict[str, Any]]
) -> None:
    sample_order = list(json.loads(SAMPLE.read_text().splitlines()[0]))
    for record in train + heldout:
        validate(record)
        assert record["label"] in ("fraud", "legit")
        assert record["pattern"] in PATTERNS
        assert record["id"].startswith("gen-")
        keys = [k for k in sample_order if k in record]
        assert [k for k in record if k in sample_order] == keys


def test_the_same_seed_gives_the_same_file_and_another_seed_another(tmp_path: Path) -> None:
    assert generate(3, 200, "train") == generate(3, 200, "train")
    assert generate(3, 200, "train") != generate(4, 200, "train")
    out = tmp_path / "corpus.jsonl"
    assert main(["--seed", "3", "--count", "50", "--split", "heldout", "--out", str(out)]) == 0
    assert len(out.read_text().splitlines()) == 50
    assert len(generate(3, 777, "train")) == 777


def test_no_agency_is_in_both_splits(
    train: list[dict[str, Any]], heldout: list[dict[str, Any]]
) -> None:
    def agencies(records: list[dict[str, Any]]) -> set[tuple[str, str]]:
        return {
            (r["requester"]["agency_name"], r["requester"].get("agency_state", "")) for r in records
        }

    assert not agencies(train) & agencies(heldout)

    def own_domains(records: list[dict[str, Any]]) -> set[str]:
        # Free-mail providers are shared by everyone; every other domain is one agency's.
        return {_domain(r) for r in records if r["pattern"] not in FREE_MAIL_PATTERNS}

    assert not own_domains(train) & own_domains(heldout)
    everyone = us_agencies() + foreign_agencies()
    share = sum(split_of(a) == "train" for a in everyone) / len(everyone)
    assert 0.7 < share < 0.8
    assert all(split_of(a) == split_of(a) for a in everyone[:50])


def _reserved_hits(records: list[dict[str, Any]]) -> Counter[str]:
    hits: Counter[str] = Counter()
    free = HELDOUT_ONLY["free_mail"]
    for r in records:
        text = " ".join(_addresses(r))
        facts = r["emergency"]["facts"]
        if facts.startswith("SUMMARY:"):
            hits["style"] += 1
        if any(f"@{d}" in text or f"={d}" in text for d in free):
            hits["free_mail"] += 1
        if any("ARMENIAN" in unicodedata.name(ch, "") for ch in text):
            hits["homoglyph_script"] += 1
        domain = _domain(r)
        if r["pattern"] == "lookalike_subdomain" and (".us.com" in domain or ".us.org" in domain):
            hits["subdomain_family"] += 1
        if r["pattern"] == "lookalike_tld" and domain.endswith(".info"):
            hits["tld_swap"] += 1
        if r["pattern"] == "lookalike_addword" and domain.split(".")[0].endswith("records"):
            hits["add_word"] += 1
        why = r["emergency"]["why_no_legal_process"]
        if any(t.split("{")[0] in facts + why for t in HELDOUT_THREATS):
            hits["threat"] += 1
    return hits


def test_reserved_variants_appear_only_in_heldout(
    train: list[dict[str, Any]], heldout: list[dict[str, Any]]
) -> None:
    assert _reserved_hits(train) == Counter()
    seen = _reserved_hits(heldout)
    for family in ("style", "free_mail", "homoglyph_script", "subdomain_family", "tld_swap"):
        assert seen[family] > 0, family


def test_about_a_third_is_fraud(train: list[dict[str, Any]], heldout: list[dict[str, Any]]) -> None:
    for records in (train, heldout):
        share = sum(r["label"] == "fraud" for r in records) / len(records)
        assert 0.30 <= share <= 0.40


def test_every_pattern_of_the_sample_and_every_new_variant_is_present(
    train: list[dict[str, Any]], heldout: list[dict[str, Any]]
) -> None:
    sample = {json.loads(line)["pattern"] for line in SAMPLE.read_text().splitlines()}
    for records in (train, heldout):
        made = {r["pattern"] for r in records}
        assert sample <= made
        assert set(PATTERNS) == made


def test_history_effects_arise_within_a_file(train: list[dict[str, Any]]) -> None:
    by_sender: dict[str, list[datetime]] = defaultdict(list)
    for r in train:
        if r["pattern"] == "comp_burst":
            by_sender[r["requester"]["email"]].append(datetime.fromisoformat(r["received_at"]))
    bursts = [sorted(times) for times in by_sender.values() if len(times) >= 4]
    assert bursts
    assert all((t[-1] - t[0]).total_seconds() < 3 * 3600 for t in bursts)
    reused = [r for r in train if r["pattern"] == "template_reuse"]
    assert len({r["requester"]["email"] for r in reused}) > 3


def test_genuine_callback_numbers_fit_the_agency(train: list[dict[str, Any]]) -> None:
    codes = area_codes_by_state()
    for r in train:
        who = r["requester"]
        if r["label"] == "legit" and who["agency_country"] == "US":
            assert who["phone"][2:5] in codes[who["agency_state"]], who
        elif r["label"] == "legit":
            number = phonenumbers.parse(who["phone"])
            assert phonenumbers.region_code_for_number(number) == who["agency_country"]


def test_homoglyph_domains_reach_the_mail_server_as_punycode(
    train: list[dict[str, Any]],
) -> None:
    mails = [r["email"] for r in train if r["pattern"] == "lookalike_homoglyph" and "email" in r]
    assert mails
    non_ascii = [m for m in mails if not m["authentication_results"].isascii()]
    assert not non_ascii
    assert any("xn--" in m["authentication_results"] for m in mails)


def test_no_template_slot_or_doubled_punctuation_is_left_in_the_text(
    train: list[dict[str, Any]], heldout: list[dict[str, Any]]
) -> None:
    for r in train + heldout:
        text = json.dumps(r, ensure_ascii=False)
        assert not re.search(r"\{[a-z_]+\}", text), text
        assert ".." not in text and "  " not in text, text
