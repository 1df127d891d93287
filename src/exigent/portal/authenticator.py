"""The officer's second factor: the TOTP secret sealed at rest, enrolment with recovery
codes, and checking a code. Nothing here commits."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import datetime

import pyotp
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.audit.service import record_event
from exigent.auth.service import actor_for, sha256_hex
from exigent.errors import BadInput, Conflict
from exigent.portal.models import PortalAccount, RecoveryCode

TOTP_ISSUER = "Exigent"
RECOVERY_CODES = 8


def _key(secret_key: str) -> bytes:
    return hashlib.sha256(b"exigent-portal-totp\x00" + secret_key.encode()).digest()


def seal(secret: str, secret_key: str) -> str:
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(_key(secret_key)).encrypt(nonce, secret.encode(), b"totp")
    return base64.urlsafe_b64encode(nonce + sealed).decode()


def open_sealed(sealed: str, secret_key: str) -> str:
    raw = base64.urlsafe_b64decode(sealed.encode())
    try:
        return AESGCM(_key(secret_key)).decrypt(raw[:12], raw[12:], b"totp").decode()
    except InvalidTag:
        raise Conflict(
            "the second-factor secret cannot be read with this server's key; ask the team to "
            "reset your authenticator"
        ) from None


def enrolment_secret(account: PortalAccount, *, secret_key: str) -> str:
    """The secret to put in the authenticator app; available only until enrolment is done."""
    if account.totp_enrolled_at is not None:
        raise Conflict("your authenticator is already set up; its secret is never shown again")
    if account.totp_secret is None:
        account.totp_secret = seal(pyotp.random_base32(), secret_key)
    return open_sealed(account.totp_secret, secret_key)


def provisioning_uri(account: PortalAccount, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=account.user.email, issuer_name=TOTP_ISSUER)


def totp_matches(account: PortalAccount, code: str, secret_key: str, now: datetime) -> bool:
    """A current code (one step of clock drift either way) not accepted before."""
    if account.totp_secret is None or not (code.isdigit() and len(code) == 6):
        return False
    totp = pyotp.TOTP(open_sealed(account.totp_secret, secret_key))
    step_now = int(now.timestamp()) // 30
    for step in (step_now - 1, step_now, step_now + 1):
        if account.totp_last_step is not None and step <= account.totp_last_step:
            continue
        if hmac.compare_digest(totp.at(step * 30), code):
            account.totp_last_step = step
            return True
    return False


def complete_enrolment(
    session: Session, *, account: PortalAccount, code: str, secret_key: str, now: datetime
) -> list[str]:
    """Check the first code from the app; return recovery codes, shown this once."""
    if account.totp_enrolled_at is not None:
        raise Conflict("your authenticator is already set up")
    if not totp_matches(account, code.strip().replace(" ", ""), secret_key, now):
        raise BadInput(
            "code: that code does not match; check the app shows Exigent for this account and "
            "type the 6 digits it shows now",
            field="code",
        )
    account.totp_enrolled_at = now
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODES)]
    session.add_all(
        RecoveryCode(user_id=account.user_id, code_hash=sha256_hex(c), created_at=now)
        for c in codes
    )
    record_event(
        session,
        actor=actor_for(account.user),
        action="portal.totp_enrolled",
        object_type="portal_account",
        object_id=account.id,
        at=now,
    )
    return codes


def recovery_code_matches(
    session: Session, account: PortalAccount, code: str, now: datetime
) -> bool:
    row = session.execute(
        select(RecoveryCode).where(
            RecoveryCode.user_id == account.user_id,
            RecoveryCode.code_hash == sha256_hex(code.lower()),
            RecoveryCode.used_at.is_(None),
        )
    ).scalar_one_or_none()
    if row is None:
        return False
    row.used_at = now
    return True
