"""API tokens: admins can see when a token was last used, without every call becoming a write."""

from __future__ import annotations

import time
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from exigent.auth.models import ApiToken
from exigent.auth.token_cache import TokenCache, forget_all


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
    forget_all()  # as the token cache's seconds run out
    assert client.get("/api/v1/auth/me", headers=analyst.headers).status_code == 200
    assert _last_used(factory, analyst.user.id) > first


def test_a_revoked_token_is_refused_with_the_reason(client, analyst, factory) -> None:  # type: ignore[no-untyped-def]
    with factory() as session:
        session.execute(update(ApiToken).values(revoked_at=ApiToken.created_at))
        session.commit()

    response = client.get("/api/v1/auth/me", headers=analyst.headers)

    assert response.status_code == 401
    assert "revoked" in response.json()["error"]


def _revoke_all(factory: sessionmaker[Session]) -> None:
    with factory() as session:
        session.execute(update(ApiToken).values(revoked_at=ApiToken.created_at))
        session.commit()


def test_a_token_revoked_elsewhere_is_refused_once_its_cached_seconds_pass(  # type: ignore[no-untyped-def]
    client, analyst, factory
) -> None:
    client.app.state.token_cache = TokenCache(ttl_seconds=0.2)
    assert client.get("/api/v1/auth/me", headers=analyst.headers).status_code == 200

    _revoke_all(factory)
    time.sleep(0.3)

    assert client.get("/api/v1/auth/me", headers=analyst.headers).status_code == 401


def test_a_standing_change_in_this_process_takes_effect_at_once(client, analyst, factory) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/api/v1/auth/me", headers=analyst.headers).status_code == 200

    _revoke_all(factory)
    forget_all()

    assert client.get("/api/v1/auth/me", headers=analyst.headers).status_code == 401
