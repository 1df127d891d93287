"""Officer accounts: registration, the confirmation link and sign-in with lockout (the second
factor is in `authenticator`, staff verification in `staff`). Nothing here commits."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from exigent.audit.service import Actor, record_event
from exigent.auth import second_factor, throttle
from exigent.auth.accounts import (
    DomainStanding,
    PortalAccount,
    PortalToken,
    TokenPurpose,
)
from exigent.auth.models import Door, Proof, Role, User, WebSession
from exigent.auth.service import actor_for, create_user, open_session, password_matches, sha256_hex
from exigent.cases.models import Requester, TrustStatus
from exigent.errors import BadInput, Conflict, ExigentError, Forbidden, NotFound, Unauthorized
from exigent.verification.db_directory import directory_for
from exigent.verification.domains import email_domain

CONFIRM_HOURS = 24
MIN_PASSWORD = 12
RESEND_GAP = timedelta(seconds=60)
# The longest each registration field may be (the columns that keep them).
LIMITS = {
    "name": 200,
    "title": 200,
    "badge_number": 100,
    "agency_name": 300,
    "agency_state": 10,
    "email": 320,
    "supervisor_name": 300,
}
MAX_PASSWORD = 1000
BARRED = frozenset({TrustStatus.suspended, TrustStatus.fraudulent})
IF_URGENT = (
    "If a life is at risk right now, call the emergency line published in the platform's "
    "law-enforcement guidelines."
)


class AddressTaken(ExigentError):
    """The address cannot get a new account. The page answers exactly as for a new account, so
    a stranger learns nothing of who is registered; only the mailbox hears why."""

    def __init__(self, email: str, notice: str) -> None:
        super().__init__("address taken")
        self.email, self.notice = email, notice


ALREADY_REGISTERED = (
    "Someone asked to register this address for the law-enforcement portal, but it already "
    "has an account. If it was you, sign in, or ask for a new confirmation link on the sign-in "
    "page if you never confirmed it. If it was not you, you can ignore this message: nothing "
    "has changed.\n"
)
CANNOT_REGISTER = (
    "Someone asked to register this address for the law-enforcement portal. This address "
    "cannot open a portal account; your agency's supervisor can contact the platform's "
    "law-enforcement response team.\n"
)


@dataclass
class Registration:
    """What an officer types on the registration form."""

    name: str = ""
    title: str = ""
    badge_number: str = ""
    agency_name: str = ""
    agency_country: str = "US"
    agency_state: str = ""
    email: str = ""
    phone: str = ""
    password: str = ""
    supervisor_name: str = ""
    supervisor_phone: str = ""
    problems: dict[str, str] = field(default_factory=dict)


def _phone(value: str, country: str, label: str, problems: dict[str, str], key: str) -> str:
    try:
        number = phonenumbers.parse(value, country or "US")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        problems[key] = f"{label} is not a phone number we can dial; write it as +1 217 555 0143"
        return value
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def check_registration(data: Registration) -> Registration:
    """Normalise the form; every problem is kept against its field, in plain words."""
    problems: dict[str, str] = {}
    for key, label in (
        ("name", "your full name"),
        ("agency_name", "your agency's name"),
        ("email", "your official email address"),
        ("phone", "a phone number where you can be reached"),
        ("supervisor_name", "your supervisor's name"),
    ):
        value = getattr(data, key).strip()
        setattr(data, key, value)
        if not value:
            problems[key] = f"Enter {label}."
    country = data.agency_country.strip().upper() or "US"
    if len(country) != 2 or not country.isalpha():
        problems["agency_country"] = "Give the country as two letters, such as US or GB."
    data.agency_country = country
    if data.email and "email" not in problems:
        try:
            data.email = validate_email(data.email, check_deliverability=False).normalized.lower()
        except EmailNotValidError as exc:
            problems["email"] = f"This is not an email address we can write to: {exc}"
    if data.phone and "phone" not in problems:
        data.phone = _phone(data.phone, country, "Your phone", problems, "phone")
    if data.supervisor_phone.strip():
        data.supervisor_phone = _phone(
            data.supervisor_phone.strip(),
            country,
            "Your supervisor's phone",
            problems,
            "supervisor_phone",
        )
    for key, limit in LIMITS.items():
        value = getattr(data, key).strip()
        setattr(data, key, value)
        if len(value) > limit and key not in problems:
            problems[key] = f"Keep this under {limit} characters."
    if len(data.password) < MIN_PASSWORD:
        problems["password"] = f"Choose a password of at least {MIN_PASSWORD} characters."
    elif len(data.password) > MAX_PASSWORD:
        problems["password"] = f"Keep the password under {MAX_PASSWORD} characters."
    data.problems = problems
    return data


def judge_domain(session: Session, email: str) -> tuple[DomainStanding, str | None]:
    """What the directories say about the address's domain; free mail is refused outright."""
    domain = email_domain(email) or ""
    index = directory_for(session)
    facts = index.facts(domain)
    if facts.free_mail:
        raise BadInput(
            f"email: {domain} is a free-mail provider anyone can sign up to; register with "
            "the official address your agency gave you",
            field="email",
        )
    if facts.listed:
        return DomainStanding.listed, None
    lookalike = index.lookalikes.match(domain)
    if lookalike is not None:
        return (
            DomainStanding.lookalike,
            f"{domain} looks like a known agency domain: {lookalike.how}",
        )
    return DomainStanding.unlisted, f"{domain} is in no agency directory"


def register(session: Session, *, data: Registration, now: datetime) -> tuple[PortalAccount, str]:
    """Create the officer's account (unconfirmed) and a confirmation token to mail them."""
    data = check_registration(data)
    if data.problems:
        first, problem = next(iter(data.problems.items()))
        raise BadInput(f"{first}: {problem}", field=first, problems=data.problems)
    standing, note = judge_domain(session, data.email)
    if session.execute(select(User.id).where(User.email == data.email)).first() is not None:
        raise AddressTaken(data.email, ALREADY_REGISTERED)
    requester = _claimed_requester(session, data, now)
    system = Actor.system("portal")
    # Not linked to the requester yet (`requester_id` stays empty): the account sees only what
    # it submits itself, and borrows no one's standing, until staff verify it.
    user = create_user(
        session,
        actor=system,
        email=data.email,
        name=data.name,
        role=Role.requester,
        password=data.password,
    )
    account = PortalAccount(
        user_id=user.id,
        requester_id=requester.id,
        title=data.title or None,
        badge_number=data.badge_number or None,
        phone=data.phone,
        agency_name=data.agency_name,
        agency_country=data.agency_country,
        agency_state=data.agency_state.strip().upper() or None,
        supervisor_name=data.supervisor_name or None,
        supervisor_phone=data.supervisor_phone or None,
        domain_standing=standing,
        domain_note=note,
        failed_attempts=0,
        created_at=now,
    )
    session.add(account)
    session.flush()
    record_event(
        session,
        actor=actor_for(user),
        action="portal.register",
        object_type="portal_account",
        object_id=account.id,
        after={"email": user.email, "agency": data.agency_name, "domain": str(standing)},
        detail={"domain_note": note},
        at=now,
    )
    return account, _issue_confirmation(session, user.id, now)


def _claimed_requester(session: Session, data: Registration, now: datetime) -> Requester:
    """The requester this address belongs to, as the account claims: a new one on first sight.
    An existing requester's profile is never overwritten from the form: what the officer
    typed stays on the account, for staff to accept when they verify it."""
    requester = session.execute(
        select(Requester).where(Requester.email == data.email)
    ).scalar_one_or_none()
    if requester is None:
        requester = Requester(
            email=data.email,
            name=data.name,
            title=data.title or None,
            badge_number=data.badge_number or None,
            phone=data.phone,
            agency_name=data.agency_name,
            first_seen_at=now,
            last_seen_at=now,
            status=TrustStatus.unverified,
        )
        session.add(requester)
        session.flush()
    elif requester.status in BARRED:
        raise AddressTaken(data.email, CANNOT_REGISTER)
    return requester


def _issue_confirmation(session: Session, user_id: int, now: datetime) -> str:
    token = secrets.token_urlsafe(32)
    session.add(
        PortalToken(
            user_id=user_id,
            purpose=TokenPurpose.confirm_email,
            token_hash=sha256_hex(token),
            created_at=now,
            expires_at=now + timedelta(hours=CONFIRM_HOURS),
        )
    )
    session.flush()
    return token


def confirmation_text(name: str, link: str) -> str:
    return (
        f"Hello {name},\n\n"
        "Someone (we hope you) registered this address for the law-enforcement portal.\n"
        f"To confirm it, open this link within {CONFIRM_HOURS} hours; it works once:\n\n"
        f"{link}\n\n"
        "If you did not register, ignore this message; no account will be opened.\n"
    )


def resend_confirmation(
    session: Session, *, email: str, now: datetime
) -> tuple[PortalAccount, str] | None:
    """A new link for an account without its authenticator yet (earlier links stop working),
    or None."""
    account = account_for_email(session, email)
    if account is None or account.totp_enrolled_at is not None:
        return None
    newest = session.execute(
        select(func.max(PortalToken.created_at)).where(
            PortalToken.user_id == account.user_id,
            PortalToken.used_at.is_(None),
            PortalToken.expires_at > now,
        )
    ).scalar_one_or_none()
    if isinstance(newest, str):  # SQLite hands an aggregate back as text
        newest = datetime.fromisoformat(newest)
    if newest is not None and newest.replace(tzinfo=newest.tzinfo or UTC) > now - RESEND_GAP:
        return None  # a working link went out moments ago; do not flood the mailbox
    session.execute(
        update(PortalToken)
        .where(PortalToken.user_id == account.user_id, PortalToken.used_at.is_(None))
        .values(used_at=now)
    )
    record_event(
        session,
        actor=actor_for(account.user),
        action="portal.confirmation_resent",
        object_type="portal_account",
        object_id=account.id,
        at=now,
    )
    return account, _issue_confirmation(session, account.user_id, now)


def account_for_email(session: Session, email: str) -> PortalAccount | None:
    return session.execute(
        select(PortalAccount)
        .join(User, User.id == PortalAccount.user_id)
        .where(User.email == email.strip().lower())
    ).scalar_one_or_none()


def account_for_user(session: Session, user: User) -> PortalAccount:
    account = session.execute(
        select(PortalAccount).where(PortalAccount.user_id == user.id)
    ).scalar_one_or_none()
    if account is None:
        raise Forbidden("this is not a portal account; staff sign in to the console")
    return account


def confirm_email(session: Session, *, token: str, now: datetime) -> PortalAccount:
    """Use a confirmation link: once, before it expires."""
    row = session.execute(
        select(PortalToken).where(
            PortalToken.token_hash == sha256_hex(token),
            PortalToken.purpose == TokenPurpose.confirm_email,
        )
    ).scalar_one_or_none()
    if row is None:
        raise NotFound(
            "This confirmation link is not one we sent, or a newer link replaced it. "
            "Ask for a new link below."
        )
    if row.used_at is not None:
        raise Conflict("This link has already been used. Sign in with your email and password.")
    if row.expires_at <= now:
        raise Conflict(
            f"This link has expired (links work for {CONFIRM_HOURS} hours). Ask for a new one "
            "below."
        )
    row.used_at = now
    account = session.execute(
        select(PortalAccount).where(PortalAccount.user_id == row.user_id)
    ).scalar_one()
    account.email_confirmed_at = account.email_confirmed_at or now
    record_event(
        session,
        actor=actor_for(account.user),
        action="portal.email_confirmed",
        object_type="portal_account",
        object_id=account.id,
        at=now,
    )
    return account


# Signing in


@dataclass
class SignedIn:
    cookie: str
    web_session: WebSession
    account: PortalAccount


def _failed(
    session: Session, account: PortalAccount | None, email: str, address: str, now: datetime
) -> None:
    """Count a failure against the throttle's keys, and audit it."""
    throttle.failed(session, email=email, address=address, now=now)
    record_event(
        session,
        actor=Actor.system("portal"),
        action="portal.sign_in_failed",
        object_type="portal_account",
        object_id=account.id if account else None,
        detail={"email": email.strip().lower()[:320], "address": address[:64]},
        at=now,
    )


def sign_in(
    session: Session,
    *,
    email: str,
    password: str,
    code: str,
    secret_key: str,
    hours: int,
    now: datetime,
    address: str = "",
) -> SignedIn:
    """Password, then the authenticator's code (or a recovery code); the caller commits even
    when this raises, so failures are counted and audited."""
    email = email.strip().lower()
    throttle.check(session, email=email, address=address, now=now)
    account = account_for_email(session, email)
    user = account.user if account else None
    if not password_matches(user.password_hash if user else None, password) or account is None:
        _failed(session, account, email, address, now)
        raise Unauthorized("password: the email or the password is wrong", field="password")
    if not account.user.is_active or barred(session, account):
        raise Forbidden(
            "This account is suspended. Your supervisor can contact the platform's "
            f"law-enforcement response team. {IF_URGENT}"
        )
    if account.email_confirmed_at is None:
        raise Forbidden(
            f"Confirm your email first: open the link we sent to {account.user.email}. "
            "You can ask for a new link below.",
            unconfirmed=True,
        )
    if account.totp_enrolled_at is None:
        # A password alone must not let someone else put their own authenticator on the
        # account: setting one up needs a fresh link to the officer's mailbox.
        raise Forbidden(
            "Your authenticator app is not set up yet. It can only be set up from a link we "
            f"email to {account.user.email}: ask for one below.",
            unconfirmed=True,
        )
    if not code.strip():
        raise BadInput("code: enter the 6-digit code from your authenticator app", field="code")
    if not second_factor.code_proves(session, account, account.user_id, code, secret_key, now):
        _failed(session, account, email, address, now)
        raise Unauthorized(
            "code: this code is wrong or was already used; wait for the next code and try again",
            field="code",
        )
    throttle.succeeded(session, email=email, address=address)
    cookie, web_session = open_session(
        session,
        user=account.user,
        door=Door.portal,
        proof=Proof.second_factor,
        hours=hours,
        now=now,
    )
    record_event(
        session,
        actor=actor_for(account.user),
        action="portal.sign_in",
        object_type="portal_account",
        object_id=account.id,
        detail={"second_factor": True},
        at=now,
    )
    return SignedIn(cookie, web_session, account)


def barred(session: Session, account: PortalAccount) -> bool:
    """Whether staff marked the officer suspended or fraudulent (by any path: this page, the
    directory API, a callback the agency denied)."""
    requester = session.get(Requester, account.requester_id)
    return requester is not None and requester.status in BARRED


def open_session_after_confirmation(
    session: Session, *, account: PortalAccount, hours: int, now: datetime
) -> tuple[str, WebSession]:
    """The session that lets a just-confirmed officer set up the authenticator, and only that."""
    return open_session(
        session,
        user=account.user,
        door=Door.portal,
        proof=Proof.email_link,
        hours=min(hours, 1),
        now=now,
    )
