"""A November of operations for the workload tests: shifts, reveals, pages and case actions at
known instants, either side of shifts, of 08:00-20:00 on people's home clocks and of the period.

Ana (New York) and Carla and Dev (Singapore) are on the roster; Ben (Dublin) has no shift, so
the 08:00-20:00 rule applies to him. The independent counts at the end read the raw rows with
plain SQL and apply the after-hours rule with loops, not with the code under test.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from statistics import median
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.orm import Session

from exigent.auth.models import Role, User
from exigent.cases.models import Document, TimelineEvent
from exigent.oncall.models import Alert, AlertStatus, DeliveryAttempt
from exigent.staffing.models import Shift, ShiftType
from exigent.wellbeing.models import ExposureEvent

SINCE = datetime(2026, 11, 1, tzinfo=UTC)
UNTIL = datetime(2026, 12, 1, tzinfo=UTC)
ZONES = {
    "ana": "America/New_York",
    "ben": "Europe/Dublin",
    "carla": "Asia/Singapore",
    "dev": "Asia/Singapore",
}
NAMES = {
    "ana": "Ana Workload",
    "ben": "Ben Workload",
    "carla": "Carla Workload",
    "dev": "Dev Workload",
}


def t(value: str) -> datetime:
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


@dataclass
class OpsWorld:
    users: dict[str, int]
    accounts: dict[str, Any]


def build_ops(factory: Any, make_account: Any, case_id: int, officer_id: int) -> OpsWorld:
    accounts = {handle: make_account(Role.analyst, f"{handle}@workload.test") for handle in ZONES}
    for role in (Role.lead, Role.scheduler, Role.leadership, Role.legal, Role.admin):
        accounts[str(role)] = make_account(role, f"{role}@workload.test")
    users = {handle: a.user.id for handle, a in accounts.items()}
    with factory() as session:
        for handle, zone in ZONES.items():
            user = session.get(User, users[handle])
            user.timezone, user.name = zone, NAMES[handle]
        _shifts(session, users)
        document = Document(
            request_id=case_id, sha256="0" * 64, filename="x.png", media_type="image/png"
        )
        session.add(document)
        session.flush()
        _exposure(session, users, case_id, document.id)
        _pages(session, users)
        _actions(session, users, case_id, officer_id)
        session.commit()
    return OpsWorld(users=users, accounts=accounts)


def _shifts(session: Session, u: dict[str, int]) -> None:
    day = ShiftType(code="WD", name="Day", local_start=t("2026-01-01T09:00").time(), minutes=480)
    night = ShiftType(
        code="WN", name="Night", local_start=t("2026-01-01T22:00").time(), minutes=480, night=True
    )
    session.add_all([day, night])
    session.flush()
    rows = [
        # Ana's day shifts (09:00-17:00 in New York), one ending after the period's start.
        ("ana", day.id, "2026-10-31T20:00", "2026-11-01T04:00"),
        ("ana", day.id, "2026-11-02T14:00", "2026-11-02T22:00"),
        ("ana", day.id, "2026-11-03T14:00", "2026-11-03T22:00"),
        # A shift made by hand, with no type: grouped by the band it starts in.
        ("ana", None, "2026-11-12T14:00", "2026-11-12T22:00"),
        # The night of 10 November, three people.
        ("ana", night.id, "2026-11-10T02:00", "2026-11-10T10:00"),
        ("carla", night.id, "2026-11-10T02:00", "2026-11-10T10:00"),
        ("dev", night.id, "2026-11-10T02:00", "2026-11-10T10:00"),
        # Running over the period's end: only the hours inside count.
        ("dev", night.id, "2026-11-30T20:00", "2026-12-01T04:00"),
    ]
    for handle, type_id, start, end in rows:
        session.add(
            Shift(user_id=u[handle], shift_type_id=type_id, starts_at=t(start), ends_at=t(end))
        )


def _exposure(session: Session, u: dict[str, int], case_id: int, document_id: int) -> None:
    for handle, at, seconds in (
        ("ana", "2026-11-02T15:00", 700),
        ("ana", "2026-11-10T03:00", 900),
        ("ana", "2026-11-05T03:00", 60),
        ("carla", "2026-11-10T05:00", 650),
        ("ben", "2026-11-06T03:00", 300),
        ("ben", "2026-11-06T12:00", 30),
        ("ben", "2026-10-31T23:00", 900),
    ):
        session.add(
            ExposureEvent(
                user_id=u[handle],
                request_id=case_id,
                document_id=document_id,
                harm_category="child_safety",
                revealed_at=t(at),
                hidden_at=t(at) + timedelta(seconds=seconds),
                seconds=seconds,
                shift_on=t(at).date(),
            )
        )


def _alert(session: Session, opened: str, acked_by: int | None, acked: str | None) -> int:
    alert = Alert(
        trigger="p0_new",
        summary="New P0 emergency",
        dedup_key=f"test:{opened}",
        status=AlertStatus.acknowledged if acked_by else AlertStatus.open,
        opened_at=t(opened),
        acknowledged_by_id=acked_by,
        acknowledged_at=t(acked) if acked else None,
    )
    session.add(alert)
    session.flush()
    return alert.id


def _pages(session: Session, u: dict[str, int]) -> None:
    first = _alert(session, "2026-11-10T04:00", u["ana"], "2026-11-10T04:04:01")
    second = _alert(session, "2026-11-06T02:00", u["ana"], "2026-11-06T02:20")
    last = _alert(session, "2026-11-30T23:59", None, None)
    after = _alert(session, "2026-12-01T00:00", None, None)
    for alert_id, handle, at in (
        (first, "ana", "2026-11-10T04:00:01"),
        (first, "ana", "2026-11-10T04:00:21"),
        (second, "ben", "2026-11-06T02:00:01"),
        (second, "ana", "2026-11-06T02:10"),
        (last, "ben", "2026-11-30T23:59:30"),
        (after, "ben", "2026-12-01T00:00"),
    ):
        session.add(
            DeliveryAttempt(
                alert_id=alert_id, user_id=u[handle], channel="email", at=t(at), delivered=True
            )
        )


def _actions(session: Session, u: dict[str, int], case_id: int, officer_id: int) -> None:
    for actor_id, at in (
        (u["ana"], "2026-11-02T16:00"),
        (u["ana"], "2026-11-07T01:00"),
        (u["ben"], "2026-11-06T10:00"),
        (u["ben"], "2026-11-06T21:00"),
        (u["carla"], "2026-11-10T06:00"),
        (officer_id, "2026-11-06T10:00"),
        (None, "2026-11-06T10:00"),
    ):
        session.add(
            TimelineEvent(request_id=case_id, at=t(at), kind="note", actor_id=actor_id, actor="x")
        )


# The independent count: plain SQL over the raw rows, and the rule applied with loops.


def _aware(value: Any) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _expected_place(
    shifts: dict[int, list[tuple[datetime, datetime, str]]],
    zones: dict[int, str],
    who: int,
    at: datetime,
) -> tuple[str, bool]:
    for start, end, group in shifts.get(who, []):
        if start <= at < end:
            return group, False
    hour = at.astimezone(ZoneInfo(zones.get(who) or "UTC")).hour
    band = (
        "night (00-08 local)"
        if hour < 8
        else "day (08-16 local)"
        if hour < 16
        else "evening (16-24 local)"
    )
    return f"no shift: {band}", (who in shifts) or not 8 <= hour < 20


def expected(session: Session) -> dict[str, dict[Any, dict[str, Any]]]:
    """Per person id and per shift group, every figure the workload page shows."""
    zones = dict(session.execute(text("SELECT id, timezone FROM users")).all())
    shifts: dict[int, list[tuple[datetime, datetime, str]]] = defaultdict(list)
    hours: list[tuple[int, str, float]] = []
    for who, start, end, name in session.execute(
        text(
            "SELECT s.user_id, s.starts_at, s.ends_at, st.name FROM shifts s "
            "LEFT JOIN shift_types st ON st.id = s.shift_type_id"
        )
    ):
        start, end = _aware(start), _aware(end)
        local = start.astimezone(ZoneInfo(zones[who])).hour
        band = (
            "night (00-08 local)"
            if local < 8
            else "day (08-16 local)"
            if local < 16
            else "evening (16-24 local)"
        )
        group = name or f"shift starting {band}"
        shifts[who].append((start, end, group))
        inside = (min(end, UNTIL) - max(start, SINCE)).total_seconds()
        if inside > 0:
            hours.append((who, group, inside / 3600))
    people: dict[int, dict[str, Any]] = defaultdict(lambda: defaultdict(int))
    groups: dict[str, dict[str, Any]] = defaultdict(lambda: defaultdict(int))
    members: dict[str, set[int]] = defaultdict(set)

    def add(who: int, group: str, name: str, amount: float = 1) -> None:
        people[who][name] += amount
        groups[group][name] += amount
        members[group].add(who)

    for who, group, h in hours:
        add(who, group, "hours", h)
    for who, at, seconds in session.execute(
        text("SELECT user_id, revealed_at, seconds FROM exposure_events")
    ):
        at = _aware(at)
        if SINCE <= at < UNTIL:
            group, _ = _expected_place(shifts, zones, who, at)
            add(who, group, "exposures")
            add(
                who,
                group,
                "severe" if seconds >= 600 else "moderate" if seconds >= 120 else "light",
            )
    roles = dict(session.execute(text("SELECT id, role FROM users")).all())
    for who, at in session.execute(text("SELECT actor_id, at FROM timeline_events")):
        at = _aware(at)
        if who is None or roles[who] == "requester" or not SINCE <= at < UNTIL:
            continue
        group, late = _expected_place(shifts, zones, who, at)
        add(who, group, "case_actions")
        add(who, group, "case_actions_after_hours", int(late))
    firsts: dict[tuple[int, int], datetime] = {}
    for alert_id, who, at in session.execute(
        text("SELECT alert_id, user_id, at FROM oncall_deliveries")
    ):
        at = _aware(at)
        key = (alert_id, who)
        firsts[key] = min(firsts.get(key, at), at)
    acked = {
        a: (who, _aware(at))
        for a, who, at in session.execute(
            text("SELECT id, acknowledged_by_id, acknowledged_at FROM oncall_alerts")
        )
        if who is not None
    }
    waits: dict[Any, list[float]] = defaultdict(list)
    for (alert_id, who), at in firsts.items():
        if not SINCE <= at < UNTIL:
            continue
        group, late = _expected_place(shifts, zones, who, at)
        add(who, group, "pages")
        add(who, group, "pages_after_hours", int(late))
        if alert_id in acked and acked[alert_id][0] == who:
            add(who, group, "pages_acknowledged")
            wait = (acked[alert_id][1] - at).total_seconds()
            waits[who].append(wait)
            waits[group].append(wait)
    for key, values in waits.items():
        (people if isinstance(key, int) else groups)[key]["ack_median_seconds"] = median(values)
    for group, who in members.items():
        groups[group]["people"] = len(who)
    return {"people": dict(people), "groups": dict(groups)}
