"""The notice text: plain words the affected user can read, built only from the request's
own facts (never internal notes, the officer's name or the analysts' reasoning)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.cases.models import Request
from exigent.legal.models import DISCLOSING, Decision, DecisionItem, DecisionStatus

KIND_WORDS = {
    "emergency": "an emergency request",
    "subpoena": "a subpoena",
    "court_order": "a court order",
    "search_warrant": "a search warrant",
    "preservation": "a request to preserve data",
    "preservation_extension": "a request to keep preserving data",
    "consent": "a request made with consent",
    "real_time": "a request for real-time data",
    "other": "a legal request",
}
CATEGORY_WORDS = {
    "subscriber_info": "basic account information (such as name, email, phone and sign-up details)",
    "account_activity": "account activity (such as sign-in times, IP addresses and devices)",
    "connections": "your connections (followers, following, friends and blocks)",
    "message_metadata": "information about your messages (who and when, not what they said)",
    "location": "stored location history",
    "content": "the content of your account (posts, messages, photos and videos)",
}
IDENTIFIER_WORDS = {
    "username": "the username",
    "user_id": "the account ID",
    "email": "the account registered to",
    "phone": "the account registered to",
}
SUBJECT = "A legal request about your account"


def _words(categories: list[str]) -> list[str]:
    return [CATEGORY_WORDS.get(c, c.replace("_", " ")) for c in categories]


def disclosed_categories(session: Session, request_id: int, target_id: int | None) -> list[str]:
    """Categories an approved decision disclosed for this target, in request order."""
    if target_id is None:
        return []
    rows = session.execute(
        select(DecisionItem.category, DecisionItem.outcome)
        .join(Decision, Decision.id == DecisionItem.decision_id)
        .where(
            Decision.request_id == request_id,
            Decision.status == DecisionStatus.approved,
            DecisionItem.target_id == target_id,
        )
        .order_by(DecisionItem.id)
    ).all()
    found: list[str] = []
    for category, outcome in rows:
        if outcome in DISCLOSING and category not in found:
            found.append(category)
    return found


def draft_text(
    request: Request, *, identifier_type: str, identifier_value: str, disclosed: list[str]
) -> tuple[str, str]:
    """(subject, body) of the notice to the user behind one target."""
    record = request.record or {}
    kind = KIND_WORDS.get(request.kind, "a legal request")
    agency = request.agency_name or "a law enforcement agency"
    received = request.received_at.date().isoformat()
    requested = _words(list(record.get("data_requested") or []))
    account = f"{IDENTIFIER_WORDS.get(identifier_type, 'the account')} {identifier_value}"
    lines = [
        "Hello,",
        "",
        f"On {received} we received {kind} from {agency} about {account}.",
        "",
    ]
    if requested:
        lines += ["They asked for:", *(f"- {words}" for words in requested), ""]
    date_range = record.get("date_range") or {}
    if date_range.get("start") and date_range.get("end"):
        lines += [f"The request covered {date_range['start']} to {date_range['end']}.", ""]
    if disclosed:
        lines += ["We provided:", *(f"- {words}" for words in _words(disclosed)), ""]
    else:
        lines += ["We have not provided any of your data in answer to this request.", ""]
    lines += [
        f"Our reference for this request is {request.reference}. If you have questions, or",
        "want to challenge the request, you may wish to speak to a lawyer. You can reply to",
        "this message and include the reference above.",
        "",
        "Trust & Safety",
    ]
    return SUBJECT, "\n".join(lines)
