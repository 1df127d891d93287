"""Every domain's tables, imported in one place so metadata and migrations see them all."""

from exigent.analytics.models import CaseFact, SurgeAlert, TransparencyReport
from exigent.audit.models import AuditCheck, AuditEvent, AuditHead
from exigent.auth.accounts import PortalAccount, PortalToken
from exigent.auth.models import ApiToken, RecoveryCode, SignInFailures, User, WebSession
from exigent.briefs.models import CriticalBrief, DistributionList, Handoff
from exigent.cases.models import (
    Assignment,
    Document,
    Request,
    Requester,
    Target,
    TimelineEvent,
)
from exigent.console.models import SavedView
from exigent.db import Base
from exigent.deadlines import Deadline
from exigent.directory.models import Agency, AgencyDomain, AgencyPhone, VerificationMark
from exigent.eu_orders.models import EuOrderClock, EuOrderContent, EuOrderMessage, EuOrderRecord
from exigent.legal.models import (
    Approval,
    Decision,
    DecisionHand,
    DecisionItem,
    LegalCheckRecord,
    Notification,
    PolicyVersion,
    TargetAge,
)
from exigent.notice.models import UserNotice
from exigent.oncall.models import (
    AckLink,
    Alert,
    ContactMethod,
    DeliveryAttempt,
    EscalationLevel,
    EscalationPolicy,
    PagingTrigger,
)
from exigent.production.models import (
    CustodyEvent,
    DeliveryLink,
    DownloadAttempt,
    PreservationHold,
    PreservationSnapshot,
    Production,
)
from exigent.referrals.cybertipline.models import CyberTiplineFiling, CyberTiplineStep
from exigent.referrals.models import (
    Referral,
    ReferralCall,
    ReferralContent,
    ReferralHold,
    ReferralOutcome,
    ReferralRecipient,
    ThreatAssessment,
)
from exigent.staffing.draft_models import RosterDraft
from exigent.staffing.models import (
    CalendarFeed,
    CoverageRequirement,
    Shift,
    ShiftType,
    StaffProfile,
    Swap,
    TimeOff,
)
from exigent.verification.models import Callback, RiskAssessment, RiskWeightSet
from exigent.wellbeing.models import CheckIn, ExposureEvent

__all__ = [
    "AckLink",
    "Agency",
    "AgencyDomain",
    "AgencyPhone",
    "Alert",
    "ApiToken",
    "Approval",
    "Assignment",
    "AuditCheck",
    "AuditEvent",
    "AuditHead",
    "Base",
    "CalendarFeed",
    "Callback",
    "CaseFact",
    "CheckIn",
    "ContactMethod",
    "CoverageRequirement",
    "CriticalBrief",
    "CustodyEvent",
    "CyberTiplineFiling",
    "CyberTiplineStep",
    "Deadline",
    "Decision",
    "DecisionHand",
    "DecisionItem",
    "DeliveryAttempt",
    "DeliveryLink",
    "DistributionList",
    "Document",
    "DownloadAttempt",
    "EscalationLevel",
    "EscalationPolicy",
    "EuOrderClock",
    "EuOrderContent",
    "EuOrderMessage",
    "EuOrderRecord",
    "ExposureEvent",
    "Handoff",
    "LegalCheckRecord",
    "Notification",
    "PagingTrigger",
    "PolicyVersion",
    "PortalAccount",
    "PortalToken",
    "PreservationHold",
    "PreservationSnapshot",
    "Production",
    "RecoveryCode",
    "Referral",
    "ReferralCall",
    "ReferralContent",
    "ReferralHold",
    "ReferralOutcome",
    "ReferralRecipient",
    "Request",
    "Requester",
    "RiskAssessment",
    "RiskWeightSet",
    "RosterDraft",
    "SavedView",
    "Shift",
    "ShiftType",
    "SignInFailures",
    "StaffProfile",
    "SurgeAlert",
    "Swap",
    "Target",
    "TargetAge",
    "ThreatAssessment",
    "TimeOff",
    "TimelineEvent",
    "TransparencyReport",
    "User",
    "UserNotice",
    "VerificationMark",
    "WebSession",
]
