"""Reworded copies: a template passed on with the trade's words added still reads as the same
text, while genuine narratives that share only the trade's words do not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from exigent.cases.schemas import IntakeRecord
from exigent.verification.corpus.generate import generate
from exigent.verification.engine import Assessor, past_request
from exigent.verification.history import InMemoryHistory
from exigent.verification.history_signals import TEMPLATE_THRESHOLD
from exigent.verification.reworded import REWORDED_THRESHOLD, RewordedIndex
from exigent.verification.text import fingerprint, jaccard

from .test_content_signals_general import ABDUCTION, UNRELATED, RecordFactory, with_facts

# The abduction story again, with the words every request uses worked in: most of its word
# runs are broken, none of its own words are lost.
PADDED = (
    "On 05/18/2026 at approximately 0801 hrs a 33 year old female was abducted by a known "
    "suspect, who is using the account {target} to contact the family. The suspect has sent the "
    "victim's family photos by message showing her restrained and has threatened to kill her if "
    "police are contacted. We have reason to believe the victim is being moved across state "
    "lines tonight. The only current lead is the suspect's activity on your platform, so we "
    "need the subscriber information and IP logs for the account."
)
# A genuine abduction of its own: same kind of emergency, same trade words, another story.
OTHER_ABDUCTION = (
    "At 16:40 a 15 year old boy was pulled into a grey van outside Lincoln Middle School by an "
    "unknown man. A classmate saw the van turn north on Route 9. The boy's phone was found in "
    "the road. An hour later the account {target} messaged his sister demanding money. We need "
    "the subscriber information and IP logs for the account to find where the van went."
)


@pytest.fixture(scope="module")
def background() -> list[IntakeRecord]:
    """Genuine requests received earlier: they teach the history which words are the trade's."""
    start = datetime(2026, 2, 1, tzinfo=UTC)
    records = []
    for index, raw in enumerate(r for r in generate(5, 300, "train") if r["label"] == "legit"):
        raw = {key: value for key, value in raw.items() if key not in ("label", "pattern")}
        raw["received_at"] = (start + timedelta(minutes=index)).isoformat()
        records.append(IntakeRecord.model_validate(raw))
    return records


def history_of(assessor: Assessor, records: list[IntakeRecord]) -> InMemoryHistory:
    history = InMemoryHistory()
    for index, record in enumerate(records):
        ctx = assessor.context(record, history)
        history.add(past_request(ctx, f"background-{index}"), ctx.fingerprint)
    return history


def record(make_record: RecordFactory, text: str, email: str, minutes: int) -> IntakeRecord:
    changes: dict[str, Any] = with_facts(text, f"user{minutes}", email, minutes)
    return make_record(**changes)


def test_a_template_with_the_trades_words_worked_in_is_reuse(
    assessor: Assessor, make_record: RecordFactory, background: list[IntakeRecord]
) -> None:
    original = fingerprint([ABDUCTION.format(target="a")], ["a"])
    padded = fingerprint([PADDED.format(target="b")], ["b"])
    assert jaccard(original, padded) < TEMPLATE_THRESHOLD  # the word runs alone miss it
    history = history_of(assessor, background)
    first = record(make_record, ABDUCTION, "griffinm@cloverdale.net", 0)
    ctx = assessor.context(first, history)
    history.add(past_request(ctx, "first"), ctx.fingerprint)
    copy = assessor.assess(record(make_record, PADDED, "erin@silverthorne.org", 90), history)
    found = {s.code: s.detail for s in copy.signals}
    assert "template_reuse" in found and "cloverdale.net" in found["template_reuse"]


def test_a_genuine_story_of_the_same_kind_is_not_reuse(
    assessor: Assessor, make_record: RecordFactory, background: list[IntakeRecord]
) -> None:
    history = history_of(assessor, background)
    first = record(make_record, ABDUCTION, "griffinm@cloverdale.net", 0)
    ctx = assessor.context(first, history)
    history.add(past_request(ctx, "first"), ctx.fingerprint)
    for minutes, text in ((90, OTHER_ABDUCTION), (95, UNRELATED)):
        other = assessor.assess(
            record(make_record, text, "erin@silverthorne.org", minutes), history
        )
        assert "template_reuse" not in {s.code for s in other.signals}


def test_shared_common_words_weigh_little_and_shared_rare_words_much() -> None:
    index = RewordedIndex()
    trade = frozenset(range(100, 130))
    for request in range(200):
        # Every earlier request uses the trade's words, plus a few of its own.
        index.add(f"r{request}", trade | {10_000 + 3 * request + k for k in range(3)})
    story = frozenset(range(1, 16))
    template = story | set(range(100, 110))
    index.add("template", template)
    copy = story | set(range(110, 125))  # the same story, other trade words around it
    genuine = frozenset(range(500, 515)) | set(range(100, 125))  # another story, same trade
    assert index.similarity(copy, template) >= REWORDED_THRESHOLD
    assert index.similarity(genuine, template) < 0.2
    found = dict(index.candidates(copy))
    assert found.get("template", 0) >= REWORDED_THRESHOLD
    assert "template" not in dict(index.candidates(genuine))
