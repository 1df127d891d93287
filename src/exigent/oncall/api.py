"""The contact methods' JSON routes: a person's own, or (schedulers, admins) anyone's. Thin."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from exigent.auth.models import User
from exigent.auth.permissions import Permission
from exigent.auth.service import require
from exigent.config import SettingsDep
from exigent.db import utcnow
from exigent.oncall import contacts
from exigent.oncall.schemas import (
    MAX_USER_ID,
    ContactCreate,
    ContactRead,
    ContactUpdate,
    DeliveryRead,
    read,
)
from exigent.web.deps import CurrentUser, IntRowId, SessionDep

router = APIRouter(prefix="/api/v1/oncall", tags=["oncall"])


def _rostered(user: CurrentUser) -> User:
    """The caller, refused before their body is read when they are not on the roster."""
    require(user, Permission.shifts_own)
    return user


Rostered = Annotated[User, Depends(_rostered)]
Person = Annotated[int | None, Query(ge=1, le=MAX_USER_ID)]


@router.get("/contacts")
def list_contacts(session: SessionDep, user: Rostered, user_id: Person = None) -> list[ContactRead]:
    """The caller's contact methods in the order a page tries them (`user_id`: a manager's
    look at someone else's)."""
    person = contacts.owner(session, user, user_id)
    found = [read(m) for m in contacts.methods_of(session, person.id)]
    session.commit()
    return found


@router.post("/contacts", status_code=201)
def add_contact(
    body: ContactCreate, session: SessionDep, settings: SettingsDep, user: Rostered
) -> ContactRead:
    person = contacts.owner(session, user, body.user_id)
    added = contacts.add(
        session,
        actor=user,
        person=person,
        kind=body.kind,
        target=body.target,
        label=body.label,
        secret=body.secret,
        settings=settings,
    )
    session.commit()
    return read(added.method, added.generated_secret)


@router.patch("/contacts/{contact_id}")
def change_contact(
    contact_id: IntRowId,
    body: ContactUpdate,
    session: SessionDep,
    settings: SettingsDep,
    user: Rostered,
) -> ContactRead:
    found = contacts.method(session, user, contact_id)
    contacts.change(
        session,
        actor=user,
        found=found,
        settings=settings,
        **body.model_dump(exclude={"move"}),
    )
    if body.move:
        contacts.move(session, actor=user, found=found, up=body.move == "up")
    session.commit()
    return read(found)


@router.delete("/contacts/{contact_id}", status_code=204)
def remove_contact(contact_id: IntRowId, session: SessionDep, user: Rostered) -> Response:
    contacts.remove(session, actor=user, found=contacts.method(session, user, contact_id))
    session.commit()
    return Response(status_code=204)


@router.post("/contacts/{contact_id}/test")
def test_contact(
    contact_id: IntRowId, session: SessionDep, settings: SettingsDep, user: Rostered
) -> DeliveryRead:
    """Send a test message now; the answer is what the far end said."""
    found = contacts.method(session, user, contact_id)
    delivery = contacts.test(session, actor=user, found=found, settings=settings, now=utcnow())
    session.commit()
    return DeliveryRead(
        ok=delivery.ok, detail=delivery.detail, retry=delivery.retry, status=delivery.status
    )
