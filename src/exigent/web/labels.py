"""What people read for the values the code stores: one table for every page.

Enums keep stable snake_case values for the database, the API and the audit log; pages show
these words instead (the `label` filter). A value missing here still reads as words, never as
`under_review`, and a test walks every enum so the table stays complete.
"""

from __future__ import annotations

from enum import Enum

# Values shared by several enums read the same wherever they appear ("approved" is the same
# word for a case and a decision), so one flat table serves them all.
LABELS: dict[str, str] = {
    # Case status (cases.lifecycle.Status)
    "received": "Received",
    "triaged": "Triaged",
    "verifying": "Verifying",
    "under_review": "Under review",
    "need_info": "Waiting for information",
    "awaiting_approval": "Awaiting approval",
    "approved": "Approved",
    "producing": "Producing",
    "delivered": "Delivered",
    "preserved": "Preserved",
    "rejected": "Rejected",
    "withdrawn": "Withdrawn",
    "closed": "Closed",
    # Kind of request (cases.schemas.RequestKind)
    "emergency": "Emergency",
    "subpoena": "Subpoena",
    "court_order": "Court order",
    "search_warrant": "Search warrant",
    "preservation": "Preservation",
    "preservation_extension": "Preservation extension",
    "consent": "Consent",
    "real_time": "Real-time",
    "other": "Other",
    "referral": "Proactive referral",
    "eu_production_order": "European Production Order",
    "eu_preservation_order": "European Preservation Order",
    "eu_removal_order": "EU removal order (terrorist content)",
    "dsa_order_to_act": "DSA order to act",
    "dsa_information_order": "DSA information order",
    # An EU order's certificate (cases.eu_certificate)
    "subscriber_data": "Subscriber data",
    "identification_data": "Data to identify the user",
    "traffic_data": "Traffic data",
    "content_data": "Content data",
    "judge": "Judge",
    "court": "Court",
    "investigating_judge": "Investigating judge",
    "prosecutor": "Public prosecutor",
    "other_competent_authority": "Other competent authority",
    "standard": "Standard (10 days)",
    # An EU order's progress, its messages and its clocks (eu_orders.models)
    "awaiting_confirmation": "Awaiting confirmation of its fields",
    "executed": "Executed",
    "obstructed": "Cannot be executed for now",
    "removing": "Removing its items",
    "refused": "Refused",
    "receipt": "Confirmation of receipt",
    "execution": "Confirmation of execution",
    "cannot_execute": "Cannot be executed",
    "content_provider": "Notice to the content's provider",
    "force_majeure": "Force majeure",
    "de_facto_impossibility": "De facto impossibility",
    "manifest_errors": "Manifest errors",
    "missing_information": "Missing information",
    "running": "Running",
    "met": "Met",
    "paused": "Paused",
    # A referral's harm, content and outcome (referrals.models)
    "child_sexual_exploitation": "Child sexual exploitation",
    "content_id": "Content id",
    "media": "Captured media",
    "welfare_check_done": "Welfare check done",
    "person_safe": "Person safe",
    "arrest": "Arrest",
    "no_action": "No action",
    "unknown": "Unknown",
    # Who a referral is sent to (RecipientKind) and where each stands (RecipientStatus)
    "police": "Police",
    "ntoc": "FBI NTOC",
    "ncmec": "NCMEC",
    "eu_member_state": "EU Member State",
    "europol": "Europol",
    "proposed": "Proposed",
    "chosen": "Chosen",
    # How it arrived (ReceivedVia)
    "portal": "Portal",
    "api": "API",
    "email": "Email",
    "phone": "Phone",
    "fax": "Fax",
    "internal": "Raised internally",
    # Nature of an emergency (EmergencyNature), also the harm in wellbeing's exposure
    "suicide_self_harm": "Suicide or self-harm",
    "child_safety": "Child safety",
    "kidnapping": "Kidnapping",
    "violent_threat": "Violent threat",
    "terrorism": "Terrorism",
    "other_life_threat": "Other threat to life",
    "unclassified": "Unclassified",
    # Targets (IdentifierType)
    "username": "Username",
    "user_id": "User ID",
    # Data categories (DataCategory)
    "subscriber_info": "Subscriber information",
    "account_activity": "Account activity",
    "connections": "Connections",
    "message_metadata": "Message records",
    "location": "Location history",
    "content": "Content",
    # Priority
    "P0": "P0 (life at risk)",
    "P1": "P1",
    "P2": "P2",
    "P3": "P3",
    # Standing of requesters, agencies and mail domains
    "unverified": "Unverified",
    "verified": "Verified",
    "suspended": "Suspended",
    "fraudulent": "Fraudulent",
    "listed": "Listed",
    "unlisted": "Not listed",
    "lookalike": "Look-alike",
    # Roles
    "analyst": "Analyst",
    "lead": "Lead",
    "legal": "Legal",
    "leadership": "Leadership",
    "scheduler": "Scheduler",
    "auditor": "Auditor",
    "admin": "Administrator",
    "requester": "Officer",
    # Legal rulings, routes and obligations
    "permitted": "Permitted",
    "not_permitted": "Not permitted",
    "legal_review": "Legal review",
    "disclose_review": "Review for disclosure",
    "request_info": "Ask for information",
    "preserve_only": "Preserve only",
    "reject": "Reject",
    "preservation_expires": "Preservation expires",
    "user_notice_review": "Review of user notice",
    "nondisclosure_review": "Review of the non-disclosure order",
    "user_notice_before_disclosure": "User notice before disclosure",
    "eu_execute_by": "Order to be executed",
    "eu_preservation_expires": "Preservation under the order ends",
    "eu_validation_due": "Validation due from the authority",
    "eu_enforcing_period_ends": "Enforcing state's period ends",
    "eu_inform_receipt": "Authority to be told of receipt",
    "eu_inform_effect": "Authority to be told of the effect given",
    # Decisions
    "draft": "Draft",
    "submitted": "Submitted",
    "superseded": "Superseded",
    "disclose": "Disclose",
    "withhold": "Withhold",
    "partial": "Partial",
    "legal_sign_off": "Legal sign-off",
    "approval": "Approval",
    "rejection": "Rejection",
    # Verification
    "low": "Low",
    "medium": "Medium",
    "high": "High",
    "critical": "Critical",
    "failed": "Failed",
    "fraud": "Fraud",
    "confirmed": "Confirmed",
    "denied": "Denied",
    "no_answer": "No answer",
    "typo": "Typo",
    "homoglyph": "Look-alike characters",
    "added_word": "Added word",
    "tld_swap": "Other top-level domain",
    "subdomain": "Subdomain",
    "agency_website": "Agency's website",
    "directory": "Official directory",
    "prior_callback": "Earlier callback",
    # Production and preservation
    "building": "Building",
    "built": "Built",
    "downloaded": "Downloaded",
    "wrong_account": "Wrong account",
    "expired": "Expired",
    "revoked": "Revoked",
    "active": "Active",
    "released": "Released",
    "collection_started": "Collection started",
    "collected": "Collected",
    "packaged": "Packaged",
    "link_issued": "Link issued",
    "link_revoked": "Link revoked",
    "hold_extended": "Hold extended",
    "hold_released": "Hold released",
    # User notice
    "pending": "Pending",
    "held": "Held",
    "drafted": "Drafted",
    "queued": "Queued",
    "sent": "Sent",
    "withheld": "Withheld",
    "cancelled": "Cancelled",
    "send": "Send",
    "edit": "Edit",
    "hold": "Hold",
    "release": "Release",
    "resend": "Send again",
    # Timeline entries
    "note": "Note",
    "transition": "Status changed",
    "assigned": "Assigned",
    "document": "Document",
    "agency_linked": "Agency linked",
    "agency_number": "Agency number",
    "risk_assessed": "Risk assessed",
    "rate_flagged": "Over the intake allowance",
    "decision_submitted": "Decision submitted",
    "legal_recheck": "Legal re-check",
    "obligation_due": "Obligation due",
    "preservation_hold": "Preservation hold",
    "preservation_released": "Preservation released",
    "preservation_reminder": "Preservation reminder",
    "production_delivered": "Production delivered",
    "record_updated": "Record updated",
    "target_age": "Target's age",
    "user_notice": "User notice",
    "sla_warning": "Deadline near",
    "sla_breach": "Deadline missed",
    # Officers' sign-in (Door, Proof, TokenPurpose)
    "staff": "Staff",
    "password": "Password",
    "second_factor": "Second factor",
    "email_link": "Emailed link",
    "confirm_email": "Email confirmation",
    "staff_setup": "Staff account set-up",
    # Why a case was rejected (cases.lifecycle.RejectionReason; fuller words in BY_ENUM)
    "not_an_emergency": "Not an emergency",
    "deficient_process": "Legal process missing or defective",
    "overbroad": "Asks for more than the process allows",
    "wrong_provider": "Not our service or not our user",
    # Marks (MarkSubject)
    "request": "Request",
    "request_agency": "Request's agency",
    "agency": "Agency",
}

# Values whose words differ by the enum they belong to: "other" is "Other" as a kind of
# request but "Other authority" as a referral's recipient. Keyed by the enum's class name.
BY_ENUM: dict[str, dict[str, str]] = {
    "RecipientKind": {"other": "Other authority"},
    # Why a case was rejected (cases.lifecycle.RejectionReason)
    "RejectionReason": {
        "fraud": "Not genuine: someone posing as law enforcement",
        "not_an_emergency": "Not an emergency: no danger of death or serious injury",
        "deficient_process": "Legal process missing or defective",
        "overbroad": "Asks for more than the process allows",
        "wrong_provider": "Not our service or not our user",
        "other": "Another reason (see the reason)",
    },
}

# Field paths named in errors and in what a request still misses.
FIELDS: dict[str, str] = {
    "requester.name": "Requester's name",
    "requester.email": "Requester's email",
    "requester.phone": "Requester's phone",
    "requester.agency_name": "Agency name",
    "targets": "Accounts concerned",
    "data_requested": "Data requested",
    "emergency.nature": "Nature of the emergency",
    "emergency.facts": "Facts of the emergency",
    "emergency.how_data_helps": "How the data helps",
    "emergency.persons_at_risk": "Persons at risk",
    "emergency.why_no_legal_process": "Why there is no legal process",
    "attestation.signed": "Signed attestation",
    "documents": "Copy of the legal process",
    "legal_authority": "Legal authority",
    "date_range": "Date range",
    "date_range.start": "Start of the date range",
    "date_range.end": "End of the date range",
    "case_number": "Agency case number",
    "nondisclosure_order": "Non-disclosure order",
    "user_notice_permitted": "User notice permitted",
    "offense": "Offense",
    # An EU order's certificate (cases.eu_certificate)
    "eu_order": "The order's certificate",
    "eu_order.issuing_state": "Issuing Member State",
    "eu_order.issuing_authority.name": "Issuing authority",
    "eu_order.issuing_authority.role": "Issuing authority's role",
    "eu_order.issuing_authority.email": "Issuing authority's email",
    "eu_order.issuing_authority.file_number": "Issuing authority's file number",
    "eu_order.validating_authority": "Validating authority (a judge, court or prosecutor)",
    "eu_order.addressee": "Addressee",
    "eu_order.deadline_section": "Deadline section (standard or emergency)",
    "eu_order.emergency_grounds": "Emergency grounds",
    "eu_order.data_categories": "Data categories",
    "eu_order.grounds": "Grounds",
    "eu_order.offence": "Offence",
    "eu_order.content": "Location of the content",
    "eu_order.reasons": "Reasons",
    # An agency's details in the directory
    "homepage_url": "Homepage",
    "agency_type": "Agency type",
    "ori": "ORI",
    "country": "Country",
    "state": "State",
}

# The audit log's families of action (`request.create` is in family `request`).
AUDIT_FAMILIES: dict[str, str] = {
    "request": "Case",
    "api_token": "API token",
    "auth": "Staff sign-in",
    "portal": "Portal",
    "user": "Staff account",
    "target": "Target",
    "weights": "Risk weights",
    "levels": "Risk levels",
    "signals": "Risk signals",
    "custody": "Chain of custody",
    "console": "Console",
    "content": "Content",
    "delivery": "Delivery",
    "demo": "Demo",
    "verification": "Verification",
}


def words(value: str) -> str:
    """A stored name as words: `need_info` -> `Need info`, for what the table lacks."""
    text = value.replace("_", " ").replace(".", " ").strip()
    return text[:1].upper() + text[1:]


def label(value: object) -> str:
    """What a person reads for a stored value (an enum member, a field path, a string)."""
    if value is None:
        return ""
    key = str(value)
    own = BY_ENUM.get(type(value).__name__, {}).get(key) if isinstance(value, Enum) else None
    return own or LABELS.get(key) or FIELDS.get(key) or words(key)


def action_label(action: str) -> str:
    """An audit action in words: `request.create` -> `Case: create`."""
    family, _, verb = action.partition(".")
    refused = verb.endswith(".refused")
    verb = verb.removesuffix(".refused")
    said = f"{AUDIT_FAMILIES.get(family, label(family))}: {words(verb).lower() or family}"
    return f"{said} (refused)" if refused else said
