"""The words of each message, drafted from the order's facts; the analyst edits them.

The contents follow what the regulations ask the provider to say: the time of receipt and of
execution (2021/784 Art. 3(6); DSA Arts. 9(1), 10(1)); for an order that could not be
executed, the reason and what the authority must supply (2023/1543 Art. 10(5)-(7) and its
Annex III; 2021/784 Art. 3(7)-(8)); for the content's provider, the removal, its reasons and
the right to challenge it (2021/784 Art. 11).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from exigent.cases.models import Request
from exigent.eu_orders.models import EuOrderRecord, MessageKind, Obstacle
from exigent.web.labels import label

OBSTACLE_WORDS = {
    Obstacle.force_majeure: "force majeure beyond our control",
    Obstacle.de_facto_impossibility: "de facto impossibility not attributable to us",
    Obstacle.manifest_errors: "manifest errors in the order",
    Obstacle.missing_information: "information missing from the order",
}
RESTARTS = {
    "eu_removal_order": (
        "Under Article 3(7) and (8) of Regulation (EU) 2021/784 the one-hour period will "
        "start again as soon as {when}."
    ),
    "eu_production_order": (
        "Under Article 10 of Regulation (EU) 2023/1543 the order will be executed as soon as "
        "{when}; please reply using the form in Annex III."
    ),
    "eu_preservation_order": (
        "Under Article 11 of Regulation (EU) 2023/1543 the data will be preserved as soon as "
        "{when}; please reply using the form in Annex III."
    ),
}


def when(moment: datetime | None) -> str:
    if moment is None:
        return "(not yet)"
    return moment.astimezone(UTC).strftime("%d %B %Y at %H:%M UTC")


def _facts(request: Request) -> dict[str, Any]:
    certificate = request.record.get("eu_order") or {}
    authority = certificate.get("issuing_authority") or {}
    return {
        "kind": label(str(request.kind)),
        "authority": authority.get("name")
        or request.record.get("requester", {}).get("agency_name", "the issuing authority"),
        "file_number": authority.get("file_number") or request.case_number or "(none given)",
        "state": certificate.get("issuing_state") or "?",
        "content": certificate.get("content") or [],
    }


def draft_text(
    order: EuOrderRecord,
    request: Request,
    kind: MessageKind,
    *,
    obstacle: Obstacle | None,
    detail: str,
    locators: Sequence[str] = (),
) -> tuple[str, str]:
    """(subject, body) of a first draft; `locators`: the items a provider notice is about
    (all the order names when not given)."""
    facts = _facts(request)
    subject = f"{facts['kind']} {facts['file_number']} ({request.reference})"
    opening = f"Dear {facts['authority']},\n\n"
    signature = (
        f"\n\nOur reference: {request.reference}\nYour reference: {facts['file_number']}"
        "\n\nEmergency Response Team"
    )
    match kind:
        case MessageKind.receipt:
            text = (
                f"We confirm that we received your {facts['kind']} on "
                f"{when(order.received_at)}. It is being handled; we will tell you when "
                "effect has been given to it."
            )
            return f"Receipt: {subject}", opening + text + signature
        case MessageKind.execution:
            text = _executed(order, request, facts)
            return f"Executed: {subject}", opening + text + signature
        case MessageKind.cannot_execute:
            reason = OBSTACLE_WORDS[obstacle] if obstacle else "a reason stated below"
            restart = RESTARTS.get(str(request.kind), "We will act as soon as {when}.")
            text = (
                f"We received your {facts['kind']} on {when(order.received_at)} but could not "
                f"execute it because of {reason}.\n\n{detail.strip() or '(details)'}\n\n"
                + restart.format(when="the obstacle ends or the clarification reaches us")
            )
            return f"Cannot execute: {subject}", opening + text + signature
        case MessageKind.content_provider:
            named = locators or [item.get("locator") for item in facts["content"]]
            listed = "\n".join(f"- {locator}" for locator in named)
            text = (
                "Content you provided has been removed or access to it disabled in the "
                f"European Union, under a removal order of {facts['authority']} "
                f"({facts['state']}), on {when(order.effect_given_at)}:\n{listed}\n\n"
                f"Reasons given: {request.record.get('eu_order', {}).get('reasons', '')}\n\n"
                "You may ask us for a copy of the order, and you have the right to challenge "
                "it before the courts of the Member State whose authority issued it."
            )
            return f"Your content was removed ({request.reference})", text
    raise ValueError(kind)  # pragma: no cover - every kind is matched above


def _executed(order: EuOrderRecord, request: Request, facts: dict[str, Any]) -> str:
    given = when(order.effect_given_at)
    match str(request.kind):
        case "eu_removal_order" | "dsa_order_to_act":
            done = "\n".join(
                f"- {item.locator}: access disabled in the EU on {when(item.restricted_at)}"
                for item in order.items
                if item.restricted_at
            )
            return (
                f"Effect was given to your {facts['kind']} on {given}.\n\n{done}\n\n"
                "The removed content and related data are preserved for six months "
                "(Regulation (EU) 2021/784, Art. 6) and longer on your request."
            )
        case "eu_preservation_order":
            return (
                f"The data your {facts['kind']} names were preserved on {given}. They are kept "
                "for 60 days unless you confirm that a request for production follows "
                "(Regulation (EU) 2023/1543, Art. 11)."
            )
        case _:
            return (
                f"Effect was given to your {facts['kind']} on {given}: the data are available "
                "to you through our law-enforcement portal with the link sent separately."
            )
