"""Which role may do what: one table, read by the services and shown to admins."""

from __future__ import annotations

from enum import StrEnum

from exigent.auth.models import Role


class Permission(StrEnum):
    request_create = "request.create"
    request_read_all = "request.read_all"
    request_transition = "request.transition"
    request_assign = "request.assign"
    request_note = "request.note"
    request_withdraw = "request.withdraw"
    document_upload = "document.upload"
    disclosure_approve = "disclosure.approve"
    audit_read = "audit.read"
    users_manage = "users.manage"


P = Permission
STAFF_WORK = {
    P.request_create,
    P.request_read_all,
    P.request_transition,
    P.request_note,
    P.document_upload,
}
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.analyst: frozenset(STAFF_WORK | {P.request_assign}),
    Role.lead: frozenset(STAFF_WORK | {P.request_assign, P.disclosure_approve}),
    Role.legal: frozenset(STAFF_WORK | {P.disclosure_approve}),
    Role.leadership: frozenset({P.request_read_all}),
    Role.scheduler: frozenset(),
    Role.auditor: frozenset({P.request_read_all, P.audit_read}),
    Role.admin: frozenset(STAFF_WORK | {P.request_assign, P.users_manage, P.audit_read}),
    # Officers act only on their own requests; reads are scoped in the queries.
    Role.requester: frozenset(
        {P.request_create, P.request_note, P.request_withdraw, P.document_upload}
    ),
}


def has_permission(role: Role, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS.get(role, frozenset())
