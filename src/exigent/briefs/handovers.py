"""Hand-overs found in the published roster: the moments the set of people on shift changes.

Shifts are UTC intervals, so a change of clocks needs no special case: a 08:00 New York
shift starts at 13:00 UTC in winter and 12:00 UTC in summer, and the hand-over moves with it.
A person whose shifts meet end to start stays on; a change where nobody comes on (people only
leave) needs no brief, since there is nobody new to tell.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from exigent.staffing.models import Shift

LEAD = "lead"


@dataclass(frozen=True)
class Handover:
    at: datetime
    # The shifts of the people who come on at `at`, and of those who leave.
    incoming: tuple[Shift, ...]
    outgoing: tuple[Shift, ...]

    @property
    def until(self) -> datetime:
        return max(s.ends_at for s in self.incoming)

    @property
    def incoming_ids(self) -> list[int]:
        return sorted({s.user_id for s in self.incoming})

    @property
    def outgoing_ids(self) -> list[int]:
        return sorted({s.user_id for s in self.outgoing})

    @property
    def incoming_lead_ids(self) -> list[int]:
        return sorted({s.user_id for s in self.incoming if LEAD in s.skills})

    @property
    def outgoing_lead_ids(self) -> list[int]:
        return sorted({s.user_id for s in self.outgoing if LEAD in s.skills})


def _on_after(shifts: Sequence[Shift], at: datetime) -> dict[int, Shift]:
    return {s.user_id: s for s in shifts if s.starts_at <= at < s.ends_at}


def _on_before(shifts: Sequence[Shift], at: datetime) -> dict[int, Shift]:
    return {s.user_id: s for s in shifts if s.starts_at < at <= s.ends_at}


def handover_at(shifts: Sequence[Shift], at: datetime) -> Handover | None:
    """The hand-over at `at`, if someone comes on shift then."""
    before, after = _on_before(shifts, at), _on_after(shifts, at)
    incoming = tuple(after[u] for u in sorted(set(after) - set(before)))
    if not incoming:
        return None
    outgoing = tuple(before[u] for u in sorted(set(before) - set(after)))
    return Handover(at=at, incoming=incoming, outgoing=outgoing)


def handovers(shifts: Sequence[Shift], since: datetime, until: datetime) -> list[Handover]:
    """Every hand-over from `since` (inclusive) to `until` (exclusive), in order.

    `shifts` must hold every shift that touches the window, so that whoever is on just before
    `since` is known.
    """
    moments = sorted({s.starts_at for s in shifts} | {s.ends_at for s in shifts})
    found = []
    for at in moments:
        if since <= at < until and (handover := handover_at(shifts, at)) is not None:
            found.append(handover)
    return found
