"""Who may call each operation of the JSON API: the table the authorization matrix test checks.

Every operation in the OpenAPI document has one row. A row is either a permission of
`ROLE_PERMISSIONS` (the roles that hold it may call the operation; for an operation on a case,
an officer who holds it may call it on their own case only) or one of the markers below.
"""

from __future__ import annotations

from enum import StrEnum

from exigent.auth.permissions import Permission as P


class Marker(StrEnum):
    # Anyone, signed in or not.
    public = "public"
    # Any signed-in account; what it sees is scoped to itself (its notifications, its cases).
    any_signed_in = "any_signed_in"
    # Staff who read every case (`request.read_all`), and an officer on their own case.
    read_case = "read_case"
    # Any signed-in account may try; only the holder of a live delivery token gets the package.
    token_holder = "token_holder"
    # Anyone may try; only a body signed with the sender's configured secret is acted on.
    signed = "signed"


Rule = P | Marker

TABLE: dict[tuple[str, str], Rule] = {
    # Sign-in
    ("POST", "/api/v1/auth/login"): Marker.public,
    ("POST", "/api/v1/auth/logout"): Marker.any_signed_in,
    ("GET", "/api/v1/auth/me"): Marker.any_signed_in,
    ("GET", "/api/v1/health"): Marker.public,
    # Cases
    ("POST", "/api/v1/requests"): P.request_create,
    ("GET", "/api/v1/requests"): Marker.any_signed_in,
    ("GET", "/api/v1/requests/{request_id}"): Marker.read_case,
    ("POST", "/api/v1/requests/{request_id}/transitions"): P.request_transition,
    ("POST", "/api/v1/requests/{request_id}/assignment"): P.request_assign,
    ("POST", "/api/v1/requests/{request_id}/notes"): P.request_note,
    ("GET", "/api/v1/requests/{request_id}/timeline"): Marker.read_case,
    ("POST", "/api/v1/requests/{request_id}/documents"): P.document_upload,
    ("GET", "/api/v1/requests/{request_id}/documents"): Marker.read_case,
    ("POST", "/api/v1/intake/eml"): P.verification_callback,
    # Policy and legal checks
    ("GET", "/api/v1/policy"): P.policy_read,
    ("POST", "/api/v1/policy"): P.policy_edit,
    ("GET", "/api/v1/policy/versions"): P.policy_read,
    ("GET", "/api/v1/policy/versions/{version}"): P.policy_read,
    ("GET", "/api/v1/policy/diff"): P.policy_read,
    # Previewing an edit shows which open cases it touches; re-checking them all is legal's.
    ("POST", "/api/v1/policy/impact"): P.policy_edit,
    ("POST", "/api/v1/policy/recheck"): P.policy_edit,
    ("POST", "/api/v1/legal-check"): P.legal_check,
    ("GET", "/api/v1/requests/{request_id}/legal"): P.request_read_all,
    ("POST", "/api/v1/requests/{request_id}/legal/recheck"): P.legal_check,
    ("GET", "/api/v1/requests/{request_id}/obligations"): P.request_read_all,
    # Decisions and approval
    ("GET", "/api/v1/requests/{request_id}/decision"): P.request_read_all,
    ("PUT", "/api/v1/requests/{request_id}/decision"): P.decision_draft,
    ("POST", "/api/v1/requests/{request_id}/decision/submit"): P.decision_draft,
    ("POST", "/api/v1/requests/{request_id}/decision/sign-off"): P.decision_sign_off,
    ("POST", "/api/v1/requests/{request_id}/decision/approve"): P.disclosure_approve,
    ("POST", "/api/v1/requests/{request_id}/decision/reject"): P.disclosure_approve,
    ("POST", "/api/v1/requests/{request_id}/request-info"): P.request_ask_info,
    ("PATCH", "/api/v1/requests/{request_id}/record"): P.request_update_record,
    ("POST", "/api/v1/requests/{request_id}/targets/{target_id}/age"): P.target_mark_age,
    # Notifications are each account's own.
    # The roster: everyone's own shifts, time off and swaps; the scheduler's edits.
    ("GET", "/api/v1/staffing/my-shifts"): P.shifts_own,
    ("POST", "/api/v1/staffing/time-off"): P.shifts_own,
    ("POST", "/api/v1/staffing/swaps"): P.shifts_own,
    ("POST", "/api/v1/staffing/shifts"): P.roster_edit,
    ("PUT", "/api/v1/staffing/people/{user_id}/terms"): P.roster_edit,
    # On call: everyone keeps their own contact methods; another person's need contacts.manage,
    # checked in the service (`user_id`), and read as not found by anyone else.
    ("GET", "/api/v1/oncall/contacts"): P.shifts_own,
    ("POST", "/api/v1/oncall/contacts"): P.shifts_own,
    ("PATCH", "/api/v1/oncall/contacts/{contact_id}"): P.shifts_own,
    ("DELETE", "/api/v1/oncall/contacts/{contact_id}"): P.shifts_own,
    ("POST", "/api/v1/oncall/contacts/{contact_id}/test"): P.shifts_own,
    # On call: who answers, the pages, answering them; PagerDuty signs its own webhook.
    ("GET", "/api/v1/oncall/now"): P.oncall_read,
    ("GET", "/api/v1/oncall/alerts"): P.oncall_read,
    ("POST", "/api/v1/oncall/alerts/{alert_id}/acknowledge"): P.oncall_respond,
    ("POST", "/api/v1/oncall/alerts/{alert_id}/resolve"): P.oncall_respond,
    ("POST", "/api/v1/oncall/pagerduty"): Marker.signed,
    ("GET", "/api/v1/staffing/drafts"): P.roster_edit,
    ("GET", "/api/v1/staffing/drafts/{draft_id}"): P.roster_edit,
    ("POST", "/api/v1/staffing/drafts"): P.roster_edit,
    ("POST", "/api/v1/staffing/drafts/{draft_id}/publish"): P.roster_edit,
    ("GET", "/api/v1/notifications"): Marker.any_signed_in,
    ("POST", "/api/v1/notifications/{notification_id}/read"): Marker.any_signed_in,
    # Directory
    ("GET", "/api/v1/directory/agencies"): P.directory_read,
    ("POST", "/api/v1/directory/agencies"): P.directory_edit,
    ("PATCH", "/api/v1/directory/agencies/{agency_id}"): P.directory_edit,
    ("POST", "/api/v1/directory/domains"): P.directory_edit,
    # The body marks the requester verified, which is a lead's or an admin's word.
    ("POST", "/api/v1/directory/requesters/{requester_id}/status"): P.requester_verify,
    # Verification
    ("POST", "/api/v1/assess"): P.verification_assess,
    ("GET", "/api/v1/requests/{request_id}/risk"): P.request_read_all,
    ("POST", "/api/v1/requests/{request_id}/callbacks"): P.verification_callback,
    ("GET", "/api/v1/requests/{request_id}/callbacks"): P.request_read_all,
    ("POST", "/api/v1/callbacks/{callback_id}/outcome"): P.verification_callback,
    ("GET", "/api/v1/requests/{request_id}/verification"): P.request_read_all,
    ("GET", "/api/v1/risk-weights"): P.weights_read,
    ("POST", "/api/v1/risk-weights"): P.weights_edit,
    ("GET", "/api/v1/risk-weights/versions"): P.weights_read,
    ("GET", "/api/v1/risk-weights/versions/{version}"): P.weights_read,
    # Portal accounts
    ("GET", "/api/v1/portal/accounts"): P.portal_account_verify,
    ("POST", "/api/v1/portal/accounts/{account_id}/status"): P.portal_account_verify,
    # Productions, delivery, custody and holds
    ("POST", "/api/v1/requests/{request_id}/productions"): P.production_build,
    ("GET", "/api/v1/requests/{request_id}/productions"): P.request_read_all,
    ("GET", "/api/v1/productions/{production_id}"): P.request_read_all,
    ("GET", "/api/v1/productions/{production_id}/manifest"): P.request_read_all,
    ("GET", "/api/v1/productions/{production_id}/cover-letter"): P.request_read_all,
    ("POST", "/api/v1/productions/{production_id}/deliveries"): P.production_deliver,
    ("GET", "/api/v1/productions/{production_id}/deliveries"): P.request_read_all,
    ("POST", "/api/v1/deliveries/{link_id}/revoke"): P.production_deliver,
    ("GET", "/api/v1/productions/{production_id}/downloads"): P.request_read_all,
    ("GET", "/api/v1/deliveries/{token}"): Marker.token_holder,
    ("GET", "/api/v1/requests/{request_id}/custody"): P.request_read_all,
    ("POST", "/api/v1/requests/{request_id}/holds"): P.preservation_manage,
    ("GET", "/api/v1/requests/{request_id}/holds"): P.request_read_all,
    ("POST", "/api/v1/holds/{hold_id}/extend"): P.preservation_manage,
    ("POST", "/api/v1/holds/{hold_id}/release"): P.preservation_manage,
    # Orders from EU authorities: read by staff; confirmed and answered by those who write to
    # requesters; executed by those who produce; a preservation order kept by holds' keepers
    ("GET", "/api/v1/requests/{request_id}/eu-order"): P.request_read_all,
    ("POST", "/api/v1/requests/{request_id}/eu-order/confirm"): P.request_ask_info,
    ("POST", "/api/v1/requests/{request_id}/eu-order/execute"): P.production_build,
    ("POST", "/api/v1/requests/{request_id}/eu-order/obstacle"): P.production_build,
    ("POST", "/api/v1/requests/{request_id}/eu-order/obstacle/end"): P.production_build,
    ("POST", "/api/v1/requests/{request_id}/eu-order/preservation"): P.preservation_manage,
    ("PUT", "/api/v1/requests/{request_id}/eu-order/messages/{message_id}"): P.request_ask_info,
    (
        "POST",
        "/api/v1/requests/{request_id}/eu-order/messages/{message_id}/send",
    ): P.request_ask_info,
    ("GET", "/api/v1/eu-orders/figures"): P.request_read_all,
    # Transparency reports (legal and leadership)
    ("GET", "/api/v1/analytics/reports"): P.transparency_reports,
    ("POST", "/api/v1/analytics/reports"): P.transparency_reports,
    ("GET", "/api/v1/analytics/reports/{report_id}"): P.transparency_reports,
    ("GET", "/api/v1/analytics/reports/{report_id}/download"): P.transparency_reports,
    ("POST", "/api/v1/analytics/reports/{report_id}/reproduction"): P.transparency_reports,
    # Accounts and API tokens (admin)
    ("GET", "/api/v1/admin/users"): P.users_manage,
    ("POST", "/api/v1/admin/users"): P.users_manage,
    ("POST", "/api/v1/admin/users/{user_id}/disable"): P.users_manage,
    ("POST", "/api/v1/admin/users/{user_id}/enable"): P.users_manage,
    ("POST", "/api/v1/admin/users/{user_id}/role"): P.users_manage,
    ("POST", "/api/v1/admin/users/{user_id}/second-factor/reset"): P.users_manage,
    ("GET", "/api/v1/admin/tokens"): P.users_manage,
    ("POST", "/api/v1/admin/tokens"): P.users_manage,
    ("POST", "/api/v1/admin/tokens/{token_id}/revoke"): P.users_manage,
    # User notices
    ("GET", "/api/v1/requests/{request_id}/notices"): P.request_read_all,
    ("GET", "/api/v1/notices/{notice_id}"): P.request_read_all,
    ("POST", "/api/v1/notices/{notice_id}/decision"): P.notice_decide,
    # The audit log (auditors, legal, admins)
    ("GET", "/api/v1/audit/events"): P.audit_read,
    ("GET", "/api/v1/audit/chain"): P.audit_read,
    ("POST", "/api/v1/audit/checks"): P.audit_read,
    # Proactive referrals: the moderation system (and staff) raise an escalation
    ("POST", "/api/v1/escalations"): P.referral_raise,
    # Analytics: the dashboards are for those who run the team; everyone on the roster reads
    # workload, with named figures only for themselves and as `workload_rules.named_lenses` says.
    ("GET", "/api/v1/analytics/volume"): P.analytics_read,
    ("GET", "/api/v1/analytics/backlog"): P.analytics_read,
    ("GET", "/api/v1/analytics/sla"): P.analytics_read,
    ("GET", "/api/v1/analytics/breaches"): P.analytics_read,
    ("GET", "/api/v1/analytics/outcomes"): P.analytics_read,
    ("GET", "/api/v1/analytics/fraud"): P.analytics_read,
    ("GET", "/api/v1/analytics/workload"): P.shifts_own,
    # Analytics: where the time goes and surges (leadership, leads, schedulers, legal)
    ("GET", "/api/v1/analytics/time"): P.analytics_read,
    ("GET", "/api/v1/analytics/surges"): P.analytics_read,
}


# The console's pages for the agency directory and a case's agency, checked by
# tests/test_page_authorization.py as every staff role and without a session. Every page route
# under /console/directory, every case route that sets a case's agency or score and the
# queue's band of new emergencies has a row.
PAGE_TABLE: dict[tuple[str, str], P] = {
    ("GET", "/console/directory"): P.directory_read,
    ("GET", "/console/directory/agencies/new"): P.directory_edit,
    ("POST", "/console/directory/agencies"): P.directory_edit,
    ("GET", "/console/directory/agencies/{agency_id}"): P.directory_read,
    ("POST", "/console/directory/agencies/{agency_id}"): P.directory_edit,
    ("POST", "/console/directory/agencies/{agency_id}/standing"): P.directory_edit,
    ("POST", "/console/directory/agencies/{agency_id}/domains"): P.directory_edit,
    ("POST", "/console/directory/agencies/{agency_id}/phones"): P.directory_edit,
    (
        "POST",
        "/console/directory/agencies/{agency_id}/phones/{phone_id}/callback",
    ): P.directory_edit,
    ("POST", "/console/directory/agencies/{agency_id}/phones/{phone_id}/retire"): P.directory_edit,
    ("POST", "/console/cases/{case_id}/agency"): P.directory_link_case,
    ("POST", "/console/cases/{case_id}/agency/new"): P.directory_link_case,
    ("POST", "/console/cases/{case_id}/agency/number"): P.directory_link_case,
    ("POST", "/console/cases/{case_id}/risk/reassess"): P.verification_assess,
    # The referral's CyberTipline panel: read by whoever reads the case, filed and
    # retracted by those who report to NCMEC.
    ("GET", "/console/cases/{case_id}/referral/cybertipline"): P.request_read_all,
    ("POST", "/console/cases/{case_id}/referral/cybertipline"): P.ncmec_report,
    ("POST", "/console/cases/{case_id}/referral/cybertipline/retract"): P.ncmec_report,
    # A referral's assessment panel: every reader sees it; each action checks its own right
    # (drafting for the assessment, delivery for packages and calls) in the service.
    ("GET", "/console/cases/{case_id}/referral/assessment"): P.request_read_all,
    ("POST", "/console/cases/{case_id}/referral/assessment/preview"): P.request_read_all,
    ("POST", "/console/cases/{case_id}/referral/assessment"): P.request_read_all,
    ("POST", "/console/cases/{case_id}/referral/send"): P.request_read_all,
    ("POST", "/console/cases/{case_id}/referral/calls"): P.request_read_all,
    # The queue's band of new emergencies, refreshed on its own.
    ("GET", "/console/new-emergencies"): P.request_read_all,
    # The analytics dashboards, their breached cases and workload per person.
    ("GET", "/console/analytics"): P.analytics_read,
    ("GET", "/console/analytics/breaches"): P.analytics_read,
    ("GET", "/console/analytics/workload"): P.shifts_own,
    # The roster's pages
    ("GET", "/staffing"): P.roster_edit,
    ("POST", "/staffing/time-off/{time_off_id}/decision"): P.roster_edit,
    ("POST", "/staffing/swaps/{swap_id}/decision"): P.roster_edit,
    ("GET", "/staffing/roster"): P.roster_read,
    ("GET", "/staffing/people/{user_id}"): P.roster_edit,
    ("GET", "/staffing/coverage"): P.roster_edit,
    ("POST", "/staffing/coverage"): P.roster_edit,
    ("POST", "/staffing/coverage/template"): P.roster_edit,
    ("POST", "/staffing/coverage/{row_id}"): P.roster_edit,
    ("POST", "/staffing/coverage/{row_id}/delete"): P.roster_edit,
    ("POST", "/staffing/people/{user_id}/terms"): P.roster_edit,
    ("POST", "/staffing/people/{user_id}/time-off"): P.roster_edit,
    ("POST", "/staffing/people/{user_id}/shifts"): P.roster_edit,
    ("POST", "/staffing/people/{user_id}/shifts/{shift_id}/remove"): P.roster_edit,
    ("GET", "/staffing/drafts"): P.roster_edit,
    ("POST", "/staffing/drafts"): P.roster_edit,
    ("GET", "/staffing/drafts/{draft_id}"): P.roster_edit,
    ("GET", "/staffing/drafts/{draft_id}/progress"): P.roster_edit,
    ("POST", "/staffing/drafts/{draft_id}/publish"): P.roster_edit,
    ("GET", "/staffing/mine"): P.shifts_own,
    ("POST", "/staffing/mine/time-off"): P.shifts_own,
    ("POST", "/staffing/shifts/{shift_id}/offer"): P.shifts_own,
    ("POST", "/staffing/swaps/{swap_id}/take"): P.shifts_own,
    ("POST", "/staffing/shifts/{shift_id}/take-current"): P.shifts_own,
    ("POST", "/staffing/mine/feed"): P.shifts_own,
    ("POST", "/staffing/mine/feed/revoke"): P.shifts_own,
    # "How to reach me" (another person's, with ?user=, needs contacts.manage)
    ("GET", "/oncall/contacts"): P.shifts_own,
    ("POST", "/oncall/contacts"): P.shifts_own,
    ("POST", "/oncall/contacts/{contact_id}"): P.shifts_own,
    ("POST", "/oncall/contacts/{contact_id}/move"): P.shifts_own,
    ("POST", "/oncall/contacts/{contact_id}/enabled"): P.shifts_own,
    ("POST", "/oncall/contacts/{contact_id}/delete"): P.shifts_own,
    ("POST", "/oncall/contacts/{contact_id}/test"): P.shifts_own,
    # The hand-off brief between shifts
    ("GET", "/briefs/handoff"): P.handoff_read,
    ("GET", "/briefs/handoff/{handoff_id}"): P.handoff_read,
    ("POST", "/briefs/handoff/{handoff_id}/acknowledge"): P.handoff_lead,
    ("POST", "/briefs/handoff/{handoff_id}/notes"): P.handoff_lead,
    # Critical-event briefs to legal and leadership, and their distribution lists
    ("GET", "/briefs/cases/{case_id}/new"): P.brief_send,
    ("POST", "/briefs/cases/{case_id}"): P.brief_send,
    ("GET", "/briefs/critical/{brief_id}"): P.request_read_all,
    ("GET", "/briefs/lists"): P.brief_lists_edit,
    ("POST", "/briefs/lists"): P.brief_lists_edit,
    ("POST", "/briefs/lists/{list_id}"): P.brief_lists_edit,
    # The end-of-shift check-in
    ("GET", "/wellbeing/check-in"): P.shifts_own,
    ("POST", "/wellbeing/check-in"): P.shifts_own,
    # On call's pages (the one-time acknowledge link needs no session: tests/oncall)
    ("GET", "/oncall/alerts"): P.oncall_read,
    ("POST", "/oncall/alerts/{alert_id}/acknowledge"): P.oncall_respond,
    ("POST", "/oncall/alerts/{alert_id}/resolve"): P.oncall_respond,
    ("GET", "/oncall/policies"): P.oncall_read,
    ("POST", "/oncall/policies/{policy_id}"): P.oncall_edit,
    ("POST", "/oncall/triggers/{trigger_id}"): P.oncall_edit,
    ("POST", "/oncall/policies-defaults"): P.oncall_edit,
    # Proactive referrals: the escalation form, a referral's facts and its outcomes
    ("GET", "/console/escalations/new"): P.referral_raise,
    ("POST", "/console/escalations/new"): P.referral_raise,
    ("GET", "/console/cases/{case_id}/referral/facts"): P.request_read_all,
    ("POST", "/console/cases/{case_id}/referral/outcomes"): P.referral_raise,
    # An EU order's panel, its actions and the confirmation of a certificate read from a mail
    ("GET", "/console/cases/{case_id}/eu-order"): P.request_read_all,
    ("POST", "/console/cases/{case_id}/eu-order/execute"): P.production_build,
    ("POST", "/console/cases/{case_id}/eu-order/obstacle"): P.production_build,
    ("POST", "/console/cases/{case_id}/eu-order/obstacle/end"): P.production_build,
    ("POST", "/console/cases/{case_id}/eu-order/preservation"): P.preservation_manage,
    ("POST", "/console/cases/{case_id}/eu-order/messages/{message_id}"): P.request_ask_info,
    ("GET", "/console/cases/{case_id}/eu-order/confirm"): P.request_ask_info,
    ("POST", "/console/cases/{case_id}/eu-order/confirm"): P.request_ask_info,
    # Who to tell of a referral: the proposals, choosing, withdrawing and picking another
    ("GET", "/console/cases/{case_id}/referral/recipients"): P.referral_recipients,
    ("POST", "/console/cases/{case_id}/referral/recipients/propose"): P.referral_recipients,
    (
        "POST",
        "/console/cases/{case_id}/referral/recipients/{recipient_id}/choose",
    ): P.referral_recipients,
    (
        "POST",
        "/console/cases/{case_id}/referral/recipients/{recipient_id}/withdraw",
    ): P.referral_recipients,
    ("GET", "/console/cases/{case_id}/referral/recipients/search"): P.referral_recipients,
    ("POST", "/console/cases/{case_id}/referral/recipients/agency"): P.referral_recipients,
    ("POST", "/console/cases/{case_id}/referral/recipients/other"): P.referral_recipients,
    # Analytics: where the time goes and surges
    ("GET", "/console/analytics/time"): P.analytics_read,
    ("GET", "/console/analytics/surges"): P.analytics_read,
    # Transparency reports
    ("GET", "/console/analytics/reports"): P.transparency_reports,
    ("POST", "/console/analytics/reports"): P.transparency_reports,
    ("GET", "/console/analytics/reports/{report_id}/download"): P.transparency_reports,
}
