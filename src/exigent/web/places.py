"""Where staff can go: the console's places, who may open each, and where each role lands.

One table feeds the navigation of every staff page (error pages included), the start page's
list of what a person can do, and the page a person lands on after signing in. A place is
shown to whoever holds its permission, so nobody is offered a link that answers 403.
"""

from __future__ import annotations

from dataclasses import dataclass

from exigent.auth.models import Role, User
from exigent.auth.permissions import Permission, user_can

P = Permission
HOME = "/console/home"


@dataclass(frozen=True)
class Place:
    path: str
    label: str
    # What a person does there, in a sentence (the start page lists it).
    says: str
    permission: Permission | None
    # Whether the pages below `path` belong to it too (for the navigation's current place).
    covers_below: bool = True
    # The name of a count shown beside the link (`web.nav_counts`), e.g. approvals waiting.
    count: str | None = None

    def is_here(self, here: str) -> bool:
        if here == self.path:
            return True
        return self.covers_below and here.startswith(self.path + "/")


PLACES = (
    Place(
        HOME,
        "Home",
        "What your role can do in Exigent, and where.",
        None,
    ),
    Place(
        "/console",
        "Queue",
        "Every open case, most urgent first; open a case to read its request, checks, "
        "decision, production and timeline.",
        P.request_read_all,
        covers_below=False,
    ),
    Place(
        "/console?approve=mine",
        "To approve",
        "Decisions waiting for you as the second person: cases awaiting approval that you "
        "did not draft, edit or submit.",
        P.disclosure_approve,
        covers_below=False,
        count="approvals",
    ),
    Place(
        "/console/escalations/new",
        "Escalate",
        "Raise a risk the team found (a threat to life, child exploitation, terrorism) as a "
        "proactive referral case.",
        P.referral_raise,
    ),
    Place(
        "/console/directory",
        "Directory",
        "Law-enforcement agencies, their mail domains and callback numbers, each with its "
        "source; link a case to its agency.",
        P.directory_read,
    ),
    Place(
        "/console/audit",
        "Audit log",
        "Every read and change of case data: who, what, when and which case, with the hash "
        "chain's verification.",
        P.audit_read,
    ),
    Place(
        "/console/policy",
        "Policy",
        "The disclosure policy: what each kind of request may obtain, the clocks and every "
        "past version.",
        P.policy_read,
    ),
    Place(
        "/console/risk-weights",
        "Risk weights",
        "The fraud-risk signals' weights and levels, and every change to them.",
        P.weights_read,
    ),
    Place(
        "/wellbeing",
        "My exposure",
        "How much harmful content you revealed this shift, by kind of harm.",
        P.request_read_all,
        covers_below=False,
    ),
    Place(
        "/wellbeing/team",
        "Team exposure",
        "Minutes of harmful content each person saw, per kind of harm: plan recovery time "
        "and who takes the next hard case.",
        P.exposure_read_team,
    ),
    Place(
        "/console/analytics",
        "Analytics",
        "Volume, backlog, clocks met and breached, outcomes and fraud over a period, each as "
        "a chart, a table and a CSV; workload per person.",
        P.analytics_read,
    ),
    Place(
        "/staffing",
        "Roster",
        "Coverage for the next 14 days with its gaps, time off and swaps waiting for an answer.",
        P.roster_edit,
        covers_below=False,
    ),
    Place(
        "/staffing/roster",
        "Week",
        "The roster as a week grid, per person on their own clock or per skill.",
        P.roster_read,
    ),
    Place(
        "/staffing/mine",
        "My shifts",
        "Your shifts in your own time zone, time off, offers and swaps, and your calendar feed.",
        P.shifts_own,
    ),
    Place(
        "/briefs/handoff",
        "Hand-off",
        "The brief between shifts: urgent cases and their clocks, callbacks, approvals, what "
        "falls due, and the outgoing lead's notes.",
        P.handoff_read,
        covers_below=True,
    ),
    Place(
        "/briefs/lists",
        "Brief lists",
        "Who receives critical-event briefs, and which events are briefed without a click.",
        P.brief_lists_edit,
    ),
    Place(
        "/oncall/alerts",
        "On call",
        "Who answers now and next at each escalation level, and every page sent with its "
        "delivery trail; acknowledge or resolve a page.",
        P.oncall_read,
        covers_below=False,
    ),
    Place(
        "/console/analytics/reports",
        "Transparency reports",
        "Generate the half-year's transparency report (TikTok's or Google's layout, CSV or "
        "PDF with the DSA figures), keep it, and download the kept ones.",
        P.transparency_reports,
    ),
    Place(
        "/portal/staff/accounts",
        "Portal accounts",
        "Officers' portal accounts: verify, suspend or mark them fraudulent.",
        P.portal_account_verify,
    ),
    Place(
        "/console/admin/users",
        "Admin",
        "Staff accounts, invitations, roles and API tokens.",
        P.users_manage,
    ),
)

# Where a role lands after signing in: its own page, or the start page until it has one.
# Leadership reads the team's figures first, so it lands on the dashboards.
LANDING = {
    Role.auditor: "/console/audit",
    Role.leadership: "/console/analytics",
    Role.scheduler: "/staffing",
    Role.admin: "/console/admin/users",
    Role.requester: "/portal",
}
DEFAULT_LANDING = "/console"
# Roles that land elsewhere but keep the start page in their navigation: leadership's start
# page explains what it may read and brief, which the dashboards do not.
KEEPS_HOME = {Role.leadership}

# What each role is for, said on the start page.
ROLE_WORK = {
    Role.analyst: "Analysts work the queue: verify requesters, assess risk, draft decisions, "
    "build productions and escalate.",
    Role.lead: "Leads run the shift: assign cases, approve disclosures as the second person, "
    "verify requesters and handle escalations.",
    Role.legal: "Legal reviews what the policy sends to legal, owns the policy tables and "
    "signs off risky disclosures.",
    Role.leadership: "Leadership follows the team's work: critical-event briefs arrive by "
    "email and stay on their case; you can read every case and the policy, and brief legal "
    "from a case, and follow volume, clocks, outcomes and fraud on the analytics dashboards.",
    Role.scheduler: "Schedulers plan rosters and coverage, decide time off and swaps, and "
    "use the team's exposure to plan recovery time.",
    Role.auditor: "Auditors read everything and change nothing: the audit log records every "
    "read and change of case data.",
    Role.admin: "Administrators look after staff accounts, roles and API tokens.",
}


def landing_path(user: User) -> str:
    """The page `user` lands on after signing in."""
    return LANDING.get(Role(user.role), DEFAULT_LANDING)


def may_open(user: User, place: Place) -> bool:
    return place.permission is None or user_can(user, place.permission)


def places_for(user: User) -> list[Place]:
    """The places `user` may open, in navigation order; Home only for those who land there
    or keep it."""
    home = landing_path(user) == HOME or Role(user.role) in KEEPS_HOME
    return [place for place in PLACES if may_open(user, place) and (place.path != HOME or home)]


def things_to_do(user: User) -> list[Place]:
    """The start page's list: every place `user` may open except the start page itself."""
    return [place for place in PLACES if place.path != HOME and may_open(user, place)]
