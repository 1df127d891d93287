"""An escalation as the moderation system sends it, and a scoped token for its account."""

from __future__ import annotations

import base64
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from exigent.audit.service import Actor
from exigent.auth.models import Role
from exigent.auth.permissions import Permission
from exigent.auth.service import create_user, issue_api_token
from exigent.demo.media import png

TESTS = Actor.system("tests")


def moderation_token(factory: sessionmaker[Session]) -> dict[str, str]:
    """The moderation system's account: a token that may raise escalations and nothing else."""
    with factory() as session:
        user = create_user(
            session,
            actor=TESTS,
            email="moderation@example.test",
            name="Moderation",
            role=Role.analyst,
        )
        token = issue_api_token(
            session,
            actor=TESTS,
            user=user,
            name="moderation system",
            scopes=frozenset({Permission.referral_raise}),
        )
        session.commit()
    return {"Authorization": f"Bearer {token}"}


def picture() -> bytes:
    return png(8, 8, 0.3)


def escalation(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "harm_type": "suicide_self_harm",
        "imminent": True,
        "reporting_team": "Trust & Safety moderation, EMEA",
        "source_reference": "MOD-2026-77001",
        "content": [
            {
                "kind": "content_id",
                "value": "post:9912345",
                "published_at": "2026-12-06T01:12:00+01:00",
            },
            {"kind": "url", "value": "https://platform.example/p/9912345"},
            {
                "kind": "media",
                "value": "capture-1.png",
                "media_type": "image/png",
                "data_base64": base64.b64encode(picture()).decode(),
                "published_at": "2026-12-06T01:10:00+01:00",
            },
        ],
        "accounts": [{"identifier_type": "username", "value": "quiet.river.19"}],
        "location": {
            "country": "US",
            "region": "Ohio",
            "city": "Columbus",
            "latitude": 39.96,
            "longitude": -83.0,
            "seen_at": "2026-12-06T00:40:00+00:00",
            "source": "last login IP",
        },
        "age_years": 16,
        "age_note": "says she is in 11th grade",
        "offence_country": "us",
        "summary": "Posted a goodbye note and a photo of pills, tonight.",
    }
    body.update(changes)
    return body
