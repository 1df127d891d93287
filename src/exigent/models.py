"""Every domain's tables, imported in one place so metadata and migrations see them all."""

from exigent.audit.models import AuditEvent, AuditHead
from exigent.auth.models import ApiToken, User, WebSession
from exigent.db import Base
from exigent.deadlines import Deadline
from exigent.directory.models import Agency, AgencyDomain
from exigent.legal.models import (
    Approval,
    Decision,
    DecisionItem,
    LegalCheckRecord,
    Notification,
    PolicyVersion,
    TargetAge,
)
from exigent.notice.models import UserNotice
from exigent.requests.models import (
    Assignment,
    Document,
    Request,
    Requester,
    Target,
    TimelineEvent,
)
from exigent.verification.models import (
    Callback,
    RiskAssessment,
    RiskWeightSet,
    VerificationMark,
)

__all__ = [
    "Agency",
    "AgencyDomain",
    "ApiToken",
    "Approval",
    "Assignment",
    "AuditEvent",
    "AuditHead",
    "Base",
    "Callback",
    "Deadline",
    "Decision",
    "DecisionItem",
    "Document",
    "LegalCheckRecord",
    "Notification",
    "PolicyVersion",
    "Request",
    "Requester",
    "RiskAssessment",
    "RiskWeightSet",
    "Target",
    "TargetAge",
    "TimelineEvent",
    "User",
    "UserNotice",
    "VerificationMark",
    "WebSession",
]
