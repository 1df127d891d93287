"""Login and account read models."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class LoginIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: str = Field(max_length=320)
    password: str = Field(max_length=1000)
    code: str = Field(
        default="",
        max_length=20,
        description="the authenticator app's 6-digit code, or a recovery code",
    )


class UserRead(BaseModel):
    id: int
    email: str
    name: str
    role: str
    timezone: str


class LoginOut(BaseModel):
    user: UserRead
    csrf_token: str = Field(description="send as X-CSRF-Token on every non-GET call")
