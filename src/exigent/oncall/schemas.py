"""What the contact methods API reads and answers."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from exigent.oncall.models import ChannelKind, ContactMethod

MAX_USER_ID = 2**31 - 1


class ContactCreate(BaseModel):
    """A new way to reach a person; `user_id` (another person) is for schedulers and admins."""

    model_config = ConfigDict(extra="forbid")

    kind: ChannelKind
    # An email address, a webhook URL, or a PagerDuty routing key, as `kind` says.
    target: str = Field(max_length=500)
    label: str = Field(default="", max_length=80)
    # A webhook's signing secret; blank has Exigent make one and show it once.
    secret: str | None = Field(default=None, max_length=128)
    user_id: int | None = Field(default=None, ge=1, le=MAX_USER_ID)


class ContactUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label: str | None = Field(default=None, max_length=80)
    target: str | None = Field(default=None, max_length=500)
    enabled: bool | None = None
    secret: str | None = Field(default=None, max_length=128)
    # Move one place earlier (`up`) or later (`down`) in the order a page tries.
    move: str | None = Field(default=None, pattern="^(up|down)$")


class ContactRead(BaseModel):
    id: int
    user_id: int
    kind: ChannelKind
    label: str
    target: str
    position: int
    enabled: bool
    has_secret: bool
    last_used_at: datetime | None
    last_ok: bool | None
    last_detail: str | None
    # Only on the answer to an add that made the webhook's secret: it is never shown again.
    secret: str | None = None


class DeliveryRead(BaseModel):
    """What the far end answered to the test message."""

    ok: bool
    detail: str
    retry: bool
    status: int | None


def shown_target(method: ContactMethod) -> str:
    """The target as read back: a PagerDuty routing key is a credential, so only its end."""
    if method.kind is ChannelKind.pagerduty:
        return "…" + method.target[-4:]
    return method.target


def read(method: ContactMethod, secret: str | None = None) -> ContactRead:
    return ContactRead(
        id=method.id,
        user_id=method.user_id,
        kind=method.kind,
        label=method.label,
        target=shown_target(method),
        position=method.position,
        enabled=method.enabled,
        has_secret=bool(method.secret),
        last_used_at=method.last_used_at,
        last_ok=method.last_ok,
        last_detail=method.last_detail,
        secret=secret,
    )
