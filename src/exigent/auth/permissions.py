"""Which role may do what: one table, read by the services and shown to admins."""

from __future__ import annotations

from enum import StrEnum

from exigent.auth.models import Role, User


class Permission(StrEnum):
    request_create = "request.create"
    request_read_all = "request.read_all"
    request_transition = "request.transition"
    request_assign = "request.assign"
    request_note = "request.note"
    request_withdraw = "request.withdraw"
    document_upload = "document.upload"
    disclosure_approve = "disclosure.approve"
    decision_draft = "decision.draft"
    decision_sign_off = "decision.legal_sign_off"
    request_update_record = "request.update_record"
    request_ask_info = "request.ask_info"
    target_mark_age = "target.mark_age"
    legal_check = "legal.check"
    policy_read = "policy.read"
    policy_edit = "policy.edit"
    directory_read = "directory.read"
    # From a case: link it to a directory agency, add an agency the directory lacks with a
    # sourced phone number, or give its linked agency a first callback number. Changing what
    # the directory already says (details, domains, numbers in use, standing) is
    # `directory.edit`, a lead's or an admin's.
    directory_link_case = "directory.link_case"
    directory_edit = "directory.edit"
    verification_callback = "verification.callback"
    verification_assess = "verification.assess"
    production_build = "production.build"
    production_deliver = "production.deliver"
    preservation_manage = "preservation.manage"
    notice_decide = "notice.decide"
    weights_read = "weights.read"
    weights_edit = "weights.edit"
    portal_account_verify = "portal.account_verify"
    # Vouching for a requester's identity: a lead's word, never the drafter's own (the
    # approval checks that too).
    requester_verify = "requester.verify"
    audit_read = "audit.read"
    # Generating, keeping and downloading the transparency reports the platform publishes:
    # legal, who answers for what they say, and leadership, who publish them.
    transparency_reports = "analytics.transparency_reports"
    # The team's exposure to harmful content, as totals per person (never the items seen).
    exposure_read_team = "exposure.read_team"
    users_manage = "users.manage"
    # Everyone on the roster reads their own shifts, asks for time off and offers or takes
    # shifts; the roster of the whole team is for those who run shifts; changing it is the
    # scheduler's.
    shifts_own = "shifts.own"
    roster_read = "roster.read"
    roster_edit = "roster.edit"
    # Everyone keeps their own ways of being reached (`shifts.own`); setting them for anyone
    # else is for those who make sure the roster can be paged: schedulers and admins.
    contacts_manage = "contacts.manage"
    # The hand-off brief between shifts: the case work anyone on the queue reads; the notes
    # for the next shift and the acknowledgement are the shift lead's.
    handoff_read = "handoff.read"
    handoff_lead = "handoff.lead"
    # Briefing legal and leadership on a critical event from a case; the lists it goes to
    # are set by an administrator.
    brief_send = "brief.send"
    brief_lists_edit = "brief.lists_edit"
    # Who is on call and the pages sent are every staff member's to read; answering a page
    # (acknowledge, resolve) is for those who can be paged; the policies are the leads'.
    oncall_read = "oncall.read"
    oncall_respond = "oncall.respond"
    oncall_edit = "oncall.edit"
    # Raising a risk the platform found (a proactive referral): the moderation system's
    # account with its token, and analysts and leads from the console form.
    referral_raise = "referral.raise"
    # Who to tell of a referral: seeing why each authority was proposed, choosing, withdrawing
    # and adding another; the team that handles the case and legal, who answer for it.
    referral_recipients = "referral.recipients"
    # Filing a CyberTipline report of a referral (and retracting it before it is finished):
    # a duty under 18 U.S.C. 2258A, so no second person approves it; who filed is recorded.
    ncmec_report = "ncmec.report"
    # The team's dashboards (volume, clocks, outcomes, fraud, backlog): for those who run
    # the team, its roster and its legal risk. Who sees whose workload figures: see
    # `exigent.analytics.workload_rules.named_lenses`.
    analytics_read = "analytics.read"


P = Permission
STAFF_WORK = {
    P.handoff_read,
    P.request_create,
    P.request_read_all,
    P.request_transition,
    P.request_note,
    P.document_upload,
    P.request_update_record,
    P.request_ask_info,
    P.target_mark_age,
    P.legal_check,
    P.policy_read,
    P.directory_read,
    P.directory_link_case,
    P.verification_callback,
    P.verification_assess,
}
# Who may write a decision; approving one is a different person's permission.
DRAFTING = {P.decision_draft}
# Collecting, packaging and delivering approved data, keeping preservation holds, and
# reporting child sexual exploitation to NCMEC.
PRODUCING = {P.production_build, P.production_deliver, P.preservation_manage, P.ncmec_report}
# Every staff member is on the roster.
ROSTERED = {P.shifts_own, P.oncall_read}
# Everyone who can be paged answers pages; auditors change nothing.
PAGED = {P.oncall_respond}
# The fraud-risk weights are tuned by those who answer for the queue and its risks.
WEIGHTS = {P.weights_read, P.weights_edit}
TRANSPARENCY = {P.transparency_reports}
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.analyst: frozenset(
        STAFF_WORK
        | DRAFTING
        | PRODUCING
        | ROSTERED
        | PAGED
        | {P.request_assign, P.referral_raise, P.referral_recipients}
    ),
    Role.lead: frozenset(
        STAFF_WORK
        | DRAFTING
        | PRODUCING
        | WEIGHTS
        | ROSTERED
        | PAGED
        | {
            P.oncall_edit,
            P.roster_read,
            P.request_assign,
            P.directory_edit,
            P.disclosure_approve,
            P.notice_decide,
            P.portal_account_verify,
            P.requester_verify,
            P.exposure_read_team,
            P.handoff_lead,
            P.brief_send,
            P.referral_raise,
            P.referral_recipients,
            P.analytics_read,
        }
    ),
    # Legal answers for every disclosure, so it may read the audit log that records them.
    Role.legal: frozenset(
        STAFF_WORK
        | DRAFTING
        | PRODUCING
        | WEIGHTS
        | TRANSPARENCY
        | ROSTERED
        | PAGED
        | {
            P.disclosure_approve,
            P.decision_sign_off,
            P.policy_edit,
            P.notice_decide,
            P.audit_read,
            P.brief_send,
            P.referral_recipients,
            P.analytics_read,
        }
    ),
    Role.leadership: frozenset(
        {
            P.request_read_all,
            P.policy_read,
            P.directory_read,
            P.roster_read,
            P.brief_send,
            P.analytics_read,
        }
        | TRANSPARENCY
        | ROSTERED
        | PAGED
    ),
    # Schedulers build the roster; the team's exposure informs recovery time.
    Role.scheduler: frozenset(
        {P.exposure_read_team, P.roster_read, P.roster_edit, P.contacts_manage, P.analytics_read}
        | ROSTERED
        | PAGED
    ),
    Role.auditor: frozenset(
        {
            P.request_read_all,
            P.audit_read,
            P.policy_read,
            P.directory_read,
            P.roster_read,
            P.handoff_read,
        }
        | ROSTERED
    ),
    Role.admin: frozenset(
        STAFF_WORK
        | WEIGHTS
        | ROSTERED
        | PAGED
        | {
            P.oncall_edit,
            P.roster_read,
            P.request_assign,
            P.directory_edit,
            P.users_manage,
            P.contacts_manage,
            P.audit_read,
            P.portal_account_verify,
            P.requester_verify,
            P.exposure_read_team,
            P.brief_send,
            P.brief_lists_edit,
        }
    ),
    # Officers act only on their own requests; reads are scoped in the queries.
    Role.requester: frozenset(
        {
            P.request_create,
            P.request_note,
            P.request_withdraw,
            P.document_upload,
            P.request_update_record,
        }
    ),
}


def has_permission(role: Role, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS.get(role, frozenset())


def user_can(user: User, permission: Permission) -> bool:
    """The one permission check: the account is active, its role allows `permission`, and when
    it came with an API token limited to some permissions, the token names this one."""
    if not user.is_active or not has_permission(user.role, permission):
        return False
    return user.token_scopes is None or str(permission) in user.token_scopes


def parse_scopes(value: str | None) -> frozenset[str] | None:
    """An API token's stored scopes (space-separated permissions); None is the whole role."""
    return None if value is None else frozenset(value.split())
