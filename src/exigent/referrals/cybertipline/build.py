"""The report's documents, built from the referral's tables and what the analyst confirmed.

`account_facts` reads the platform once, when the report is filed, and its result is kept on
the filing: a report opened again after NCMEC let the first expire says the same thing.
`report_document` and `file_details_document` turn rows into the typed model, and only a
document NCMEC's schema accepts comes out.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from exigent.auth.models import User
from exigent.cases.models import Request
from exigent.config import Settings
from exigent.platform_data.adapter import Account, PlatformAdapter
from exigent.referrals.cybertipline.models import CyberTiplineFiling
from exigent.referrals.cybertipline.report import (
    Email,
    FileDetails,
    Hash,
    IncidentSummary,
    IncidentType,
    InternetDetails,
    IpCaptureEvent,
    IpEvent,
    Person,
    PersonOrUserReported,
    Phone,
    Report,
    Reporter,
    Victim,
    WebPageIncident,
    to_xml,
)
from exigent.referrals.cybertipline.schema import validated
from exigent.referrals.models import ContentKind, Referral, ReferralContent

# The most recent IP capture events a report carries per account: enough for NCMEC to find
# the user's provider, few enough that the report stays readable.
IP_EVENTS = 20
IP_FIELDS = ("ip", "ip_address")
EVENT_NAMES = {"login": IpEvent.login, "registration": IpEvent.registration}


def account_facts(adapter: PlatformAdapter, identifier_type: str, value: str) -> dict[str, Any]:
    """What the platform says of one target: ids, names, contacts, IP capture events."""
    facts: dict[str, Any] = {"identifier": f"{identifier_type}:{value}"}
    account = adapter.find_account(identifier_type, value)
    if account is None:
        facts["found"] = False
        return facts
    facts.update(found=True, account_id=account.account_id, username=account.username)
    events: list[dict[str, str]] = []
    for dataset in adapter.datasets():
        if not dataset.ranged:
            facts.update(_subscriber(adapter, account, dataset.name, dataset.fields, events))
        elif any(f in dataset.fields for f in IP_FIELDS):
            events.extend(_ip_events(adapter, account, dataset.name, dataset.fields))
    events.sort(key=lambda e: e["at"])
    facts["ip_events"] = events[-IP_EVENTS:]
    return facts


def _subscriber(
    adapter: PlatformAdapter,
    account: Account,
    name: str,
    fields: tuple[str, ...],
    events: list[dict[str, str]],
) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for row in adapter.stream(account, name):
        record = dict(zip(fields, row, strict=False))
        for key in ("display_name", "email", "phone", "birth_date"):
            if record.get(key):
                found[key] = str(record[key])
        if record.get("registration_ip"):
            events.append(
                {"ip": str(record["registration_ip"]), "event": "registration", "at": record["at"]}
            )
    return found


def _ip_events(
    adapter: PlatformAdapter, account: Account, name: str, fields: tuple[str, ...]
) -> list[dict[str, str]]:
    ip_field = next(f for f in IP_FIELDS if f in fields)
    kept: list[dict[str, str]] = []
    for row in adapter.stream(account, name):
        record = dict(zip(fields, row, strict=False))
        if record.get(ip_field):
            event = str(record.get("event") or "other")
            kept.append({"ip": str(record[ip_field]), "event": event, "at": str(record["at"])})
            del kept[:-IP_EVENTS]  # only the latest are kept, however long the history
    return kept


def _seam_time(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)
    except ValueError:
        return None


def _reported(facts: dict[str, Any], settings: Settings) -> PersonOrUserReported:
    if not facts.get("found"):
        return PersonOrUserReported(
            additional_info=f"{facts['identifier']}: the platform has no account by this "
            "identifier (it may have been deleted)."
        )
    person = Person(
        emails=[Email(address=facts["email"])] if facts.get("email") else [],
        phones=[Phone(number=facts["phone"])] if facts.get("phone") else [],
    )
    return PersonOrUserReported(
        person=person if person.emails or person.phones else None,
        esp_identifier=facts["account_id"],
        esp_service=settings.platform_name,
        screen_name=facts.get("username"),
        display_names=[facts["display_name"]] if facts.get("display_name") else [],
        ip_capture_events=[
            IpCaptureEvent(
                ip_address=e["ip"],
                event_name=EVENT_NAMES.get(e["event"], IpEvent.other),
                at=_seam_time(e["at"]),
            )
            for e in facts.get("ip_events", [])
        ],
        additional_info=f"Identified by {facts['identifier']}.",
    )


def _victim(filing: CyberTiplineFiling, referral: Referral) -> Victim | None:
    known = filing.victim or {}
    age = known.get("age")
    if age is None:
        age = referral.age_years
    if not any((known.get("first_name"), known.get("last_name"), age, known.get("screen_name"))):
        return None
    return Victim(
        person=Person(
            first_name=known.get("first_name") or None,
            last_name=known.get("last_name") or None,
            age=age,
        ),
        screen_name=known.get("screen_name") or None,
        additional_info=known.get("note") or referral.age_note or None,
    )


def _published(item: ReferralContent) -> str:
    if item.published_at is None:
        return "time of publication unknown"
    zone = timezone(timedelta(minutes=item.published_offset_minutes or 0))
    return f"published {item.published_at.astimezone(zone).isoformat()}"


def _internet_details(referral: Referral) -> list[InternetDetails]:
    urls = [c.value for c in referral.content if c.kind is ContentKind.url]
    lines = [
        f"{c.kind}: {c.value} ({_published(c)})" + (f" — {c.description}" if c.description else "")
        for c in referral.content
    ]
    if not urls and not lines:
        return []
    return [
        InternetDetails(
            web_page=WebPageIncident(urls=urls, additional_info="\n".join(lines) or None)
        )
    ]


def _reporter(filer: User, settings: Settings) -> Reporter:
    first, _, last = filer.name.partition(" ")
    return Reporter(
        reporting_person=Person(
            first_name=first or None, last_name=last or None, emails=[Email(address=filer.email)]
        ),
        company_template=f"{settings.platform_name} emergency response team, reachable 24/7 "
        f"at {settings.team_phone}.",
    )


def report_document(
    filing: CyberTiplineFiling,
    referral: Referral,
    case: Request,
    filer: User,
    settings: Settings,
) -> bytes:
    """The `report` sent to /submit, as NCMEC's schema accepts it."""
    report = Report(
        incident_summary=IncidentSummary(
            incident_type=IncidentType[filing.incident_type.name],
            platform=settings.platform_name,
            escalate_to_high_priority=filing.escalate_reason or None,
            incident_at=filing.incident_at,
        ),
        internet_details=_internet_details(referral),
        reporter=_reporter(filer, settings),
        persons_reported=[_reported(f, settings) for f in filing.reported],
        victims=[v for v in [_victim(filing, referral)] if v is not None],
        additional_info=f"Exigent case {case.reference}, raised by {referral.reporting_team}. "
        + (referral.summary or ""),
    )
    return validated(to_xml(report))


def file_details_document(report_id: int, file_id: str, item: ReferralContent) -> bytes:
    """The `fileDetails` sent to /fileinfo for one uploaded file."""
    details = FileDetails(
        report_id=report_id,
        file_id=file_id,
        file_name=item.value,
        original_file_name=item.value,
        uploaded_at=item.published_at,
        viewed_by_esp=True,
        hashes=[Hash(value=item.file_sha256, hash_type="SHA256")] if item.file_sha256 else [],
        additional_info=item.description or None,
    )
    return validated(to_xml(details))
