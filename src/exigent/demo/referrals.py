"""Demo referrals: a dozen risks the team found over the last months, raised by the moderation
system's account or from the console form, some imminent, some told to an authority with an
outcome known, some with a follow-up due."""

from __future__ import annotations

import base64
import random
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.auth.models import Role, User
from exigent.auth.permissions import Permission
from exigent.auth.service import create_user, issue_api_token
from exigent.cases.lifecycle import Status
from exigent.demo.media import png
from exigent.demo.people import DEMO_DOMAIN, SEEDER
from exigent.files import FileStore
from exigent.intake.escalations import raise_escalation
from exigent.referrals.models import (
    Outcome,
    RaisedVia,
    RecipientKind,
    RecipientStatus,
    ReferralOutcome,
    ReferralRecipient,
)
from exigent.referrals.schemas import EscalationIn
from exigent.referrals.service import schedule_follow_up

MODERATION = f"moderation-system@{DEMO_DOMAIN}"


@dataclass(frozen=True)
class Story:
    days_ago: float
    harm: str
    imminent: bool
    via: RaisedVia
    summary: str
    account: str
    place: dict[str, Any]
    # Who was told, and what they said (None: nobody has said yet).
    told: tuple[RecipientKind, str] | None = None
    outcome: Outcome | None = None
    media: bool = False
    age: int | None = None
    eu: dict[str, str] | None = None


STORIES = (
    Story(0.006, "suicide_self_harm", True, RaisedVia.api,
          "Live post: a goodbye note and a photo of pills, posted 4 minutes ago.",
          "quiet.river.19", {"country": "US", "region": "Ohio", "city": "Columbus",
                             "latitude": 39.9612, "longitude": -82.9988, "source": "last login IP"},
          media=True, age=16),
    Story(0.3, "violent_threat", True, RaisedVia.console,
          "Names a coworker and says he will bring a gun to the warehouse tomorrow morning.",
          "rustbucket_88", {"country": "US", "region": "Texas", "city": "El Paso",
                            "source": "location history"},
          told=(RecipientKind.police, "El Paso Police Department")),
    Story(1.5, "child_sexual_exploitation", False, RaisedVia.api,
          "An adult account asking a 13-year-old for pictures in direct messages.",
          "sunny.days.2011", {"country": "US", "region": "Florida", "city": "Tampa",
                              "source": "last login IP"},
          told=(RecipientKind.ncmec, "NCMEC CyberTipline"), age=13),
    Story(4, "suicide_self_harm", True, RaisedVia.api,
          "Livestream on a bridge; viewers reporting. Stream ended.",
          "mara.k", {"country": "IE", "city": "Dublin", "source": "last login IP"},
          told=(RecipientKind.eu_member_state, "An Garda Síochána"),
          eu={"offence_country": "IE", "victim_country": "IE"}),
    Story(6, "terrorism", False, RaisedVia.console,
          "Shares a manifesto and asks where to buy fertiliser in bulk.",
          "ironwill_1776", {"country": "US", "region": "Idaho", "city": "Boise",
                            "source": "location history"},
          told=(RecipientKind.ntoc, "FBI National Threat Operations Center"),
          outcome=Outcome.unknown),
    Story(12, "other_life_threat", True, RaisedVia.api,
          "Says she is locked in a basement and sends her location pin.",
          "lena.w.22", {"country": "US", "region": "Michigan", "city": "Flint",
                        "latitude": 43.0125, "longitude": -83.6875, "source": "the user said so"},
          told=(RecipientKind.police, "Flint Police Department"),
          outcome=Outcome.welfare_check_done, media=True),
    Story(20, "violent_threat", False, RaisedVia.api,
          "Threatens a school by name in a comment thread.",
          "noah.b.0", {"country": "US", "region": "Georgia", "city": "Macon",
                       "source": "last login IP"},
          told=(RecipientKind.police, "Macon-Bibb County Sheriff's Office"),
          outcome=Outcome.arrest),
    Story(33, "suicide_self_harm", True, RaisedVia.console,
          "Messages a friend that tonight is the night, with a photo of a rope.",
          "greyskies", {"country": "US", "region": "Oregon", "city": "Salem",
                        "source": "last login IP"},
          told=(RecipientKind.police, "Salem Police Department"),
          outcome=Outcome.person_safe, age=17),
    Story(47, "child_sexual_exploitation", False, RaisedVia.api,
          "Hash match on an uploaded image; the uploader's other posts under review.",
          "tmp_user_55102", {},
          told=(RecipientKind.ncmec, "NCMEC CyberTipline"), outcome=Outcome.no_action),
    Story(70, "terrorism", True, RaisedVia.api,
          "Posts a date, a venue and a photo of a weapon cache.",
          "k.vogel", {"country": "DE", "city": "Leipzig", "source": "last login IP"},
          told=(RecipientKind.eu_member_state, "Bundeskriminalamt"),
          outcome=Outcome.arrest, eu={"offence_country": "DE", "suspect_country": "DE"}),
    Story(95, "violent_threat", False, RaisedVia.console,
          "Threatens an ex-partner and posts her home address.",
          "jd.harlan", {"country": "US", "region": "Kentucky", "city": "Lexington",
                        "source": "location history"},
          told=(RecipientKind.police, "Lexington Police Department"),
          outcome=Outcome.welfare_check_done),
    Story(120, "other_life_threat", False, RaisedVia.api,
          "A user reports a friend missing after posting from a remote trailhead.",
          "hiker.jo", {"country": "US", "region": "Colorado", "city": "Estes Park",
                       "source": "the user said so"},
          told=(RecipientKind.police, "Larimer County Sheriff's Office"),
          outcome=Outcome.person_safe),
)  # fmt: skip


def seed_referrals(
    session: Session, staff: dict[str, User], store: FileStore, now: datetime
) -> int:
    """Raise each story as its own escalation, at its own time; return how many."""
    # Its own generator: the other seeders' draws stay as they were.
    rng = random.Random(16)
    system = _moderation_account(session)
    for number, story in enumerate(STORIES):
        # Older stories drift by up to ten hours; the one still coming in keeps its minutes.
        drift = rng.randint(0, 600) if story.days_ago >= 0.1 else 0
        at = now - timedelta(days=story.days_ago, minutes=drift)
        user = system if story.via is RaisedVia.api else staff[rng.choice(["analyst", "lead"])]
        raised = raise_escalation(
            session,
            user=user,
            escalation=_escalation(story, number, at),
            raised_via=story.via,
            store=store,
            max_file_bytes=1024 * 1024,
            idempotency_key=f"demo-referral-{number}",
            now=at,
        )
        if story.days_ago >= 0.1:
            # Worked since it came in: acknowledged within its clock and in someone's hands.
            raised.case.status = Status.under_review
            raised.case.acknowledged_at = at + timedelta(minutes=rng.randint(3, 12))
            raised.case.assignee_id = staff["analyst"].id
        if story.told is not None:
            sent = _told(session, raised.referral.id, story, at, staff, rng)
            # Told means decided: the decide clock stopped when the team chose to refer.
            raised.case.decided_at = sent - timedelta(minutes=10)
            schedule_follow_up(session, raised.referral, at + timedelta(hours=2))
        if story.outcome is not None:
            _outcome(session, raised.referral.id, story, at, staff["analyst"])
            if story.outcome is not Outcome.unknown:
                raised.referral.follow_up_due_at = None
                if story.days_ago > 30:
                    raised.case.status = Status.closed
                    raised.case.closed_at = at + timedelta(days=4)
    session.flush()
    return len(STORIES)


def _moderation_account(session: Session) -> User:
    """The moderation system's account, with a token that may raise escalations only."""
    found = session.scalar(select(User).where(User.email == MODERATION))
    if found is not None:
        return found
    user = create_user(
        session, actor=SEEDER, email=MODERATION, name="Moderation system", role=Role.analyst
    )
    issue_api_token(
        session,
        actor=SEEDER,
        user=user,
        name="moderation system escalations",
        scopes=frozenset({Permission.referral_raise}),
    )
    return user


# The offset the author published in, so the demo shows local times of publication.
OFFSETS = {"US": -5, "IE": 0, "DE": 1}


def _escalation(story: Story, number: int, at: datetime) -> EscalationIn:
    local = timezone(timedelta(hours=OFFSETS.get(story.place.get("country", ""), -5)))
    content: list[dict[str, Any]] = [
        {
            "kind": "content_id",
            "value": f"post:{7_100_000 + number * 37}",
            "published_at": (at - timedelta(minutes=25)).astimezone(local).isoformat(),
        },
        {"kind": "url", "value": f"https://platform.example/p/{7_100_000 + number * 37}"},
    ]
    if story.media:
        content.append(
            {
                "kind": "media",
                "value": f"capture-{number + 1}.png",
                "media_type": "image/png",
                "data_base64": base64.b64encode(png(320, 200, hue=number * 0.9)).decode(),
                "published_at": (at - timedelta(minutes=20)).astimezone(local).isoformat(),
                "description": "Screenshot captured by the reviewer.",
            }
        )
    body: dict[str, Any] = {
        "harm_type": story.harm,
        "imminent": story.imminent,
        "reporting_team": "Trust & Safety moderation" if story.via is RaisedVia.api else "ERT",
        "source_reference": f"MOD-{2026_0000 + number * 131}",
        "content": content,
        "accounts": [{"identifier_type": "username", "value": story.account}],
        "summary": story.summary,
        **(story.eu or {}),
    }
    if story.place:
        body["location"] = {**story.place, "seen_at": (at - timedelta(hours=1)).isoformat()}
    if story.age is not None:
        body["age_years"] = story.age
    return EscalationIn.model_validate(body)


def _told(
    session: Session,
    referral_id: int,
    story: Story,
    at: datetime,
    staff: dict[str, User],
    rng: random.Random,
) -> datetime:
    """The recipient the story was told, sent; return when."""
    assert story.told is not None
    kind, name = story.told
    sent = at + timedelta(minutes=rng.randint(20, 90))
    session.add(
        ReferralRecipient(
            referral_id=referral_id,
            kind=kind,
            status=RecipientStatus.sent,
            name=name,
            country=story.place.get("country"),
            reasons=["Chosen for the demo"],
            chosen_by_id=staff["analyst"].id,
            chosen_at=sent - timedelta(minutes=5),
            channel="email" if kind is not RecipientKind.ncmec else "cybertipline",
            sent_at=sent,
        )
    )
    session.flush()
    return sent


def _outcome(session: Session, referral_id: int, story: Story, at: datetime, analyst: User) -> None:
    recipient = session.scalar(
        select(ReferralRecipient.id).where(ReferralRecipient.referral_id == referral_id)
    )
    learned = at + timedelta(days=min(3.0, max(story.days_ago - 1, 0.5)))
    session.add(
        ReferralOutcome(
            referral_id=referral_id,
            recipient_id=recipient,
            outcome=story.outcome,
            note="Told by phone when the team followed up.",
            learned_at=learned,
            recorded_by_id=analyst.id,
            recorded_at=learned + timedelta(minutes=10),
        )
    )
