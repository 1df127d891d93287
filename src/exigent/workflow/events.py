"""Who listens to the events lower domains publish (`notifications.events`).

Legal's SLA clocks, verification's callbacks, approval and the case's assignment sit below on
call and briefs; they publish, and on call's triggers (rows, one per event name) decide
whether a page opens, while briefs send legal and leadership the critical-event briefs their
distribution lists ask for. `create_app`, `exigent worker` and the demo call `wire_events` at
start-up.
"""

from __future__ import annotations

from exigent.briefs import automatic
from exigent.notifications.events import EVERY, subscribe
from exigent.oncall.assignment import tell_if_off_shift
from exigent.oncall.triggers import on_event

CASE_ASSIGNED = "case_assigned"


def wire_events() -> None:
    subscribe(EVERY, on_event)
    subscribe(CASE_ASSIGNED, tell_if_off_shift)
    automatic.subscribe()
