"""Wire models of the administration API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from exigent.admin.tokens import MAX_DAYS


class UserRead(BaseModel):
    id: int
    email: str
    name: str
    role: str
    timezone: str
    is_active: bool
    us_data_cleared: bool
    authenticator: bool = Field(description="whether an authenticator app is set up")
    last_sign_in_at: datetime | None = Field(description="from the audit log")


class InviteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: str = Field(min_length=3, max_length=320)
    name: str = Field(min_length=1, max_length=200)
    role: str = Field(max_length=20, description="a staff role: analyst, lead, legal, ...")
    timezone: str = Field(default="UTC", max_length=64, description="an IANA time zone name")
    us_data_cleared: bool = Field(default=False, description="may see US persons' data")


class Invited(BaseModel):
    user: UserRead
    mail_problem: str | None = Field(
        description="why the set-up link could not be mailed (send a new one), or null"
    )


class RoleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: str = Field(max_length=20)


class TokenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    user_id: int = Field(ge=1, le=2**31 - 1)
    name: str = Field(min_length=1, max_length=200)
    days: int = Field(ge=1, le=MAX_DAYS, description="days until the token expires")
    scopes: list[str] | None = Field(
        default=None,
        max_length=64,
        description="permissions the token is limited to (a subset of its user's role); "
        "leave out for all of the role",
    )


class TokenRead(BaseModel):
    id: int
    prefix: str
    name: str
    user_id: int
    owner: str
    scopes: list[str] | None
    created_at: datetime
    created_by_id: int | None
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenIssued(BaseModel):
    token: str = Field(description="the token itself, shown this once; only its hash is kept")
    details: TokenRead
