"""Every domain's tables, imported in one place so metadata and migrations see them all."""

from exigent.audit.models import AuditEvent, AuditHead
from exigent.auth.models import ApiToken, User, WebSession
from exigent.db import Base
from exigent.deadlines import Deadline
from exigent.directory.models import Agency, AgencyDomain
from exigent.requests.models import (
    Assignment,
    Document,
    Request,
    Requester,
    Target,
    TimelineEvent,
)

__all__ = [
    "Agency",
    "AgencyDomain",
    "ApiToken",
    "Assignment",
    "AuditEvent",
    "AuditHead",
    "Base",
    "Deadline",
    "Document",
    "Request",
    "Requester",
    "Target",
    "TimelineEvent",
    "User",
    "WebSession",
]
