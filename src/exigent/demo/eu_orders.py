"""Demo orders from EU authorities, one of each kind, at different steps: a one-hour removal
order in progress, one executed and confirmed, one for content the platform does not have
(its hour waiting, the authority's message drafted), an emergency European Production Order
with its eight hours, a standard one under review, a preservation order, a DSA order to act
and a DSA information order read from a mail awaiting confirmation.

They come in through intake and are worked through the same services as real ones; the
executed removal order needs the demo platform's content, so this runs after its store.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from exigent.auth.models import User
from exigent.cases import service as cases
from exigent.cases.models import Request
from exigent.cases.schemas import IntakeRecord
from exigent.config import Settings
from exigent.demo.cases import APPROVAL
from exigent.eu_orders import execution, messages, service
from exigent.eu_orders.models import MessageKind, MessageStatus
from exigent.eu_orders.queries import messages_of
from exigent.intake.intake import intake
from exigent.legal import decisions
from exigent.legal.versions import current_policy
from exigent.platform_data.adapter import content_control
from exigent.platform_data.registry import open_adapter
from exigent.workflow.judging import AFTER_JUDGING

RATIONALE = "Valid on its face, issued by a competent authority, within its scope: execute it."
BKA = {
    "name": "Bundeskriminalamt, Referat ST 14 (Internet Referral Unit)",
    "role": "other_competent_authority",
    "email": "tco-removal@bka.bund.example",
    "phone": "+4961155 0",
    "file_number": "ST14-TCO-2026-0917",
}
COURT = {
    "name": "Amtsgericht Berlin-Tiergarten",
    "role": "court",
    "email": "eevidence@ag-tiergarten.berlin.example",
    "file_number": "351 Gs 1187/26",
}
ADDRESSEE = "Exigent Demo Platform Ireland Ltd (designated establishment)"


def _record(
    kind: str, key: str, received: datetime, order: dict[str, Any], **rest: Any
) -> dict[str, Any]:
    authority = order.get("issuing_authority") or {}
    return {
        "id": key,
        "kind": kind,
        "received_via": rest.pop("received_via", "portal"),
        "received_at": received.isoformat(),
        "requester": {
            "name": "Duty officer",
            "email": authority.get("email", "orders@authority.example"),
            "agency_name": authority.get("name", "Issuing authority"),
            "agency_country": order.get("issuing_state", "DE"),
        },
        "case_number": authority.get("file_number"),
        "eu_order": {"addressee": ADDRESSEE, **order},
        **rest,
    }


def _take(session: Session, analyst: User, record: dict[str, Any]) -> Request:
    existing = session.scalar(select(Request).where(Request.idempotency_key == record["id"]))
    if existing is not None:
        return existing
    parsed = IntakeRecord.model_validate(record)
    policy = current_policy(session).policy
    case, _ = intake(
        session, user=analyst, record=parsed, raw=str(record), policy=policy, now=parsed.received_at
    )
    case.assignee_id = analyst.id
    return case


def _approved(session: Session, analyst: User, lead: User, case: Request, at: datetime) -> None:
    """Reviewed and decided by the analyst, approved by the lead: the two-person rule."""
    for status in ("triaged", "under_review"):
        cases.transition(
            session, user=analyst, request_id=case.id, to=status, reason="checked", now=at
        )
    decisions.draft(
        session,
        user=analyst,
        request_id=case.id,
        rationale=RATIONALE,
        emergency_attested=False,
        items=[],
        after_judging=AFTER_JUDGING,
        now=at,
    )
    decisions.submit(session, user=analyst, request_id=case.id, now=at)
    decisions.approve(
        session, user=lead, request_id=case.id, note="Execute.", guard=APPROVAL, now=at
    )


def _send(session: Session, case: Request, kind: MessageKind, user: User, at: datetime) -> None:
    """Record a drafted message as sent (the demo has no mail relay to hand it to)."""
    order = service.require_order(session, case)
    for message in messages_of(session, order.id):
        if message.kind is kind and message.sent_at is None:
            message.status, message.sent_at, message.sent_by_id = MessageStatus.sent, at, user.id
            messages.mark_told(order, message, at)


def seed_eu_orders(
    factory: sessionmaker[Session],
    settings: Settings,
    analyst_email: str,
    lead_email: str,
    now: datetime,
) -> None:
    with factory() as session:
        analyst = session.scalar(select(User).where(User.email == analyst_email))
        lead = session.scalar(select(User).where(User.email == lead_email))
        if analyst is None or lead is None:
            return
        with open_adapter(settings) as adapter:
            control = content_control(adapter)
            stand_ins = _stand_in_urls(adapter) if control else []
            _seed(session, analyst, lead, settings, adapter, stand_ins, now)
        session.commit()


def _stand_in_urls(adapter: Any) -> list[str]:
    content = getattr(adapter, "content", None)
    if content is None:
        return []
    return [item.url for item in content.stand_ins(limit=3)]


def _seed(
    session: Session,
    analyst: User,
    lead: User,
    settings: Settings,
    adapter: Any,
    urls: list[str],
    now: datetime,
) -> None:
    removal = {
        "issuing_state": "DE",
        "issuing_authority": BKA,
        "reasons": "Video inciting attacks (2021/784 Art. 2(7)(a)).",
    }
    first = urls[0] if urls else "https://platform.example/p/demo-1"
    second = urls[1] if len(urls) > 1 else "https://platform.example/p/demo-2"
    # A one-hour removal order in progress: received 20 minutes ago, its receipt sent.
    live = _take(
        session,
        analyst,
        _record(
            "eu_removal_order",
            "DEMO-EU-REMOVAL-LIVE",
            now - timedelta(minutes=20),
            {**removal, "content": [{"locator": second, "reason": "Incitement"}]},
        ),
    )
    _send(session, live, MessageKind.receipt, analyst, now - timedelta(minutes=17))
    # One executed and confirmed within its hour.
    done_at = now - timedelta(hours=3)
    done = _take(
        session,
        analyst,
        _record(
            "eu_removal_order",
            "DEMO-EU-REMOVAL-DONE",
            done_at,
            {**removal, "content": [{"locator": first, "reason": "Glorifies an attack"}]},
        ),
    )
    order = service.require_order(session, done)
    if order.effect_given_at is None and urls:
        _send(session, done, MessageKind.receipt, analyst, done_at + timedelta(minutes=3))
        _approved(session, analyst, lead, done, done_at + timedelta(minutes=12))
        execution.execute(
            session,
            request=done,
            order=order,
            user=analyst,
            adapter=adapter,
            settings=settings,
            policy=current_policy(session).policy,
            now=done_at + timedelta(minutes=21),
        )
        _send(session, done, MessageKind.execution, analyst, done_at + timedelta(minutes=24))
    # A DSA order to act on content the platform does not have: the hour waits, a message drafted.
    missing = _take(
        session,
        analyst,
        _record(
            "dsa_order_to_act",
            "DEMO-EU-DSA-ACT",
            now - timedelta(hours=5),
            {
                "issuing_state": "FR",
                "issuing_authority": {
                    "name": "Arcom",
                    "role": "other_competent_authority",
                    "email": "injonctions@arcom.example",
                    "file_number": "ARC-26-3391",
                },
                "content": [
                    {
                        "locator": "https://platform.example/p/does-not-exist",
                        "reason": "Counterfeit medicines",
                    }
                ],
                "reasons": "Sale of counterfeit medicines (Code de la santé publique L.5421-2).",
            },
            legal_authority="Regulation (EU) 2022/2065, Art. 9",
        ),
    )
    order = service.require_order(session, missing)
    if order.obstacle is None and order.effect_given_at is None:
        _approved(session, analyst, lead, missing, now - timedelta(hours=4, minutes=30))
        execution.execute(
            session,
            request=missing,
            order=order,
            user=analyst,
            adapter=adapter,
            settings=settings,
            policy=current_policy(session).policy,
            now=now - timedelta(hours=4, minutes=20),
        )
    # An emergency European Production Order: eight hours, validated after the fact.
    _take(
        session,
        analyst,
        _record(
            "eu_production_order",
            "DEMO-EU-EPOC-EMERGENCY",
            now - timedelta(hours=2),
            {
                "issuing_state": "NL",
                "issuing_authority": {
                    "name": "Landelijk Parket, Openbaar Ministerie",
                    "role": "prosecutor",
                    "email": "eevidence@om.example",
                    "file_number": "LP-2026-118",
                },
                "deadline_section": "emergency",
                "emergency_grounds": "Imminent threat to the life of a minor seen in a livestream.",
                "data_categories": ["subscriber_data", "identification_data"],
                "data_period": {
                    "start": (now - timedelta(days=7)).date().isoformat(),
                    "end": now.date().isoformat(),
                },
                "grounds": "Locating a missing 15-year-old.",
                "offence": "Abduction of a minor (Sr 279)",
                "person_may_be_told": False,
            },
            targets=[{"identifier_type": "username", "value": "little.fox9"}],
            data_requested=["subscriber_info", "account_activity"],
        ),
    )
    # A standard one under review, for content of a person living in another Member State.
    _take(
        session,
        analyst,
        _record(
            "eu_production_order",
            "DEMO-EU-EPOC",
            now - timedelta(days=2),
            {
                "issuing_state": "DE",
                "issuing_authority": COURT,
                "deadline_section": "standard",
                "data_categories": ["subscriber_data", "content_data"],
                "data_period": {"start": "2026-10-01", "end": "2026-11-30"},
                "grounds": "Threats sent to a witness.",
                "offence": "Coercion of a witness (s. 240 StGB)",
                "offence_max_sentence_years": 3,
                "person_may_be_told": False,
                "person_residence_state": "AT",
            },
            targets=[{"identifier_type": "username", "value": "night.owl.77"}],
            data_requested=["subscriber_info", "content"],
        ),
    )
    # A European Preservation Order.
    _take(
        session,
        analyst,
        _record(
            "eu_preservation_order",
            "DEMO-EU-EPOC-PR",
            now - timedelta(days=1),
            {
                "issuing_state": "IT",
                "issuing_authority": {
                    "name": "Procura della Repubblica di Milano",
                    "role": "prosecutor",
                    "email": "eevidence@procura.milano.example",
                    "file_number": "RGNR 4412/26",
                },
                "deadline_section": "standard",
                "data_categories": ["subscriber_data", "traffic_data"],
                "grounds": "Fraud ring using the platform's messages.",
                "offence": "Fraud (art. 640 c.p.)",
                "person_may_be_told": False,
            },
            targets=[{"identifier_type": "username", "value": "night.owl.77"}],
        ),
    )
    # A DSA information order read from a mail: the analyst has yet to confirm its fields.
    _take(
        session,
        analyst,
        _record(
            "dsa_information_order",
            "DEMO-EU-DSA-INFO",
            now - timedelta(hours=6),
            {
                "issuing_state": "ES",
                "issuing_authority": {
                    "name": "Comisión Nacional de los Mercados y la Competencia",
                    "role": "other_competent_authority",
                    "email": "ordenes@cnmc.example",
                    "file_number": "DSA/ES/26/044",
                },
                "reasons": "Identify the seller of counterfeit goods.",
            },
            received_via="email",
            targets=[{"identifier_type": "username", "value": "night.owl.77"}],
            data_requested=["subscriber_info"],
            legal_authority="Regulation (EU) 2022/2065, Art. 10",
        ),
    )
