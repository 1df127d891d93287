"""API tokens: admins can see when a token was last used, without every call becoming a write."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from exigent.auth.models import ApiToken


def _last_used(factory: sessionmaker[Session], user_id: int):  # type: ignore[no-untyped-def]
    with factory() as session:
        return session.execute(
            select(ApiToken.last_used_at).where(ApiToken.user_id == user_id)
        ).scalar_one()


def test_a_token_records_its_use_about_once_a_minute(client, analyst, factory) -> None:  # type: ignore[no-untyped-def]
    assert _last_used(factory, analyst.user.id) is None

    assert client.get("/api/v1/auth/me", headers=analyst.headers).status_code == 200
    first = _last_used(factory, analyst.user.id)
    assert first is not None

    assert client.get("/api/v1/auth/me", headers=analyst.headers).status_code == 200
    assert _last_used(factory, analyst.user.id) == first

    with factory() as session:
        stale = first - timedelta(minutes=5)
        session.execute(update(ApiToken).values(last_used_at=stale))
        session.commit()
    assert client.get("/api/v1/auth/me", headers=analyst.headers).status_code == 200
    assert _last_used(factory, analyst.user.id) > first


def test_a_revoked_token_is_refused_with_the_reason(client, analyst, factory) -> None:  # type: ignore[no-untyped-def]
    with factory() as session:
        session.execute(update(ApiToken).values(revoked_at=ApiToken.created_at))
        session.commit()

    response = client.get("/api/v1/auth/me", headers=analyst.headers)

    assert response.status_code == 401
    assert "revoked" in response.json()["error"]
