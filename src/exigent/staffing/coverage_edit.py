"""A scheduler's edits of the coverage requirements: add, change, delete, apply a template.

Rules that never commit. Every value is checked before any is set, a problem names its
field, and every change is audited with what was there before.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.audit.service import record_event
from exigent.auth.models import User
from exigent.auth.permissions import Permission
from exigent.auth.service import actor_for, require
from exigent.errors import BadInput, NotFound
from exigent.staffing.clock import zone
from exigent.staffing.coverage import TEMPLATES, Need, template_rows
from exigent.staffing.models import CoverageRequirement
from exigent.staffing.people import check_skill

MAX_MINIMUM = 20
CUSTOM = "custom"


def checked_need(
    *, skill: str, minimum: int, zone_name: str, weekdays: list[int], start: time, end: time
) -> Need:
    """One requirement's values, each checked, or a 422 naming the first wrong field."""
    skill = check_skill(skill, field="skill")
    if not 1 <= minimum <= MAX_MINIMUM:
        raise BadInput(f"minimum: from 1 to {MAX_MINIMUM} people", field="minimum")
    zone(zone_name, field="zone")
    days = sorted(set(weekdays))
    if not days or any(not 0 <= d <= 6 for d in days):
        raise BadInput("weekdays: at least one day of the week", field="weekdays")
    return Need(skill, minimum, zone_name, days, start, end)


def as_dict(row: CoverageRequirement | Need) -> dict[str, Any]:
    return {
        "skill": row.skill,
        "minimum": row.minimum,
        "zone": row.zone,
        "weekdays": list(row.weekdays),
        "start": row.start.strftime("%H:%M"),
        "end": row.end.strftime("%H:%M"),
    }


def _record(session: Session, actor: User, action: str, row_id: int, **change: Any) -> None:
    record_event(
        session,
        actor=actor_for(actor),
        action=action,
        object_type="coverage_requirement",
        object_id=row_id,
        **change,
    )


def add(session: Session, *, actor: User, need: Need) -> CoverageRequirement:
    require(actor, Permission.roster_edit)
    row = CoverageRequirement(template=CUSTOM, **_values(need))
    session.add(row)
    session.flush()
    _record(session, actor, "coverage.add", row.id, after=as_dict(row))
    return row


def _values(need: Need) -> dict[str, Any]:
    return {
        "skill": need.skill,
        "minimum": need.minimum,
        "zone": need.zone,
        "weekdays": list(need.weekdays),
        "start": need.start,
        "end": need.end,
    }


def _row(session: Session, row_id: int) -> CoverageRequirement:
    row = session.get(CoverageRequirement, row_id, with_for_update=True)
    if row is None:
        raise NotFound("no such coverage requirement")
    return row


def change(session: Session, *, actor: User, row_id: int, need: Need) -> CoverageRequirement:
    require(actor, Permission.roster_edit)
    row = _row(session, row_id)
    before = as_dict(row)
    for name, value in _values(need).items():
        setattr(row, name, value)
    _record(session, actor, "coverage.change", row.id, before=before, after=as_dict(row))
    return row


def delete(session: Session, *, actor: User, row_id: int) -> None:
    require(actor, Permission.roster_edit)
    row = _row(session, row_id)
    _record(session, actor, "coverage.delete", row.id, before=as_dict(row))
    session.delete(row)
    session.flush()


@dataclass(frozen=True)
class TemplateChange:
    """What applying a template does: the requirements it keeps, removes and adds."""

    template: str
    kept: list[dict[str, Any]]
    removed: list[dict[str, Any]]
    added: list[dict[str, Any]]


def _template(name: str) -> list[Need]:
    if name not in TEMPLATES:
        raise BadInput(f"template: one of {', '.join(TEMPLATES)}", field="template")
    return TEMPLATES[name]


def preview(session: Session, name: str) -> TemplateChange:
    """Applying `name` replaces every requirement by the template's; equal ones stay."""
    wanted = [as_dict(n) for n in _template(name)]
    current = [as_dict(r) for r in session.scalars(select(CoverageRequirement))]
    return TemplateChange(
        template=name,
        kept=[c for c in current if c in wanted],
        removed=[c for c in current if c not in wanted],
        added=[w for w in wanted if w not in current],
    )


def apply_template(session: Session, *, actor: User, name: str) -> TemplateChange:
    require(actor, Permission.roster_edit)
    planned = preview(session, name)
    before = [as_dict(r) for r in session.scalars(select(CoverageRequirement))]
    for row in session.scalars(select(CoverageRequirement)):
        session.delete(row)
    session.flush()
    session.add_all(template_rows(name))
    session.flush()
    record_event(
        session,
        actor=actor_for(actor),
        action="coverage.template",
        object_type="coverage_requirement",
        object_id=None,
        before=before,
        after=[as_dict(n) for n in TEMPLATES[name]],
        detail={"template": name},
    )
    return planned


def requirements(session: Session) -> list[CoverageRequirement]:
    return list(
        session.scalars(
            select(CoverageRequirement).order_by(
                CoverageRequirement.skill, CoverageRequirement.start, CoverageRequirement.id
            )
        )
    )
