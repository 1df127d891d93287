"""The second factor of officers and staff alike: a TOTP secret sealed at rest, set up with
recovery codes, and codes that work once. Nothing here commits.

Who holds the secret differs (an officer's portal account, a staff member's user row), so the
functions take any `TotpHolder`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import datetime
from typing import Protocol

import pyotp
import segno
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from exigent.auth.models import RecoveryCode
from exigent.errors import BadInput, Conflict

TOTP_ISSUER = "Exigent"
RECOVERY_CODES = 8
RECOVERY_CODE_LENGTH = 13


class TotpHolder(Protocol):
    totp_secret: str | None
    totp_enrolled_at: datetime | None
    totp_last_step: int | None


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
            "the second-factor secret cannot be read with this server's key; ask for your "
            "authenticator to be reset"
        ) from None


def enrolment_secret(holder: TotpHolder, *, secret_key: str) -> str:
    """The secret to put in the authenticator app; available only until enrolment is done."""
    if holder.totp_enrolled_at is not None:
        raise Conflict("your authenticator is already set up; its secret is never shown again")
    if holder.totp_secret is None:
        holder.totp_secret = seal(pyotp.random_base32(), secret_key)
    return open_sealed(holder.totp_secret, secret_key)


def provisioning_uri(email: str, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=TOTP_ISSUER)


def setup_view(email: str, secret: str) -> dict[str, str]:
    """What a set-up page shows: the otpauth URI, the key in groups of four, its QR code."""
    uri = provisioning_uri(email, secret)
    return {
        "uri": uri,
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "qr": str(segno.make(uri, error="m").svg_inline(scale=4, dark="#000", light="#fff")),
    }


def totp_matches(holder: TotpHolder, code: str, secret_key: str, now: datetime) -> bool:
    """A current code (one step of clock drift either way) not accepted before."""
    if holder.totp_secret is None or not (code.isdigit() and len(code) == 6):
        return False
    totp = pyotp.TOTP(open_sealed(holder.totp_secret, secret_key))
    step_now = int(now.timestamp()) // 30
    for step in (step_now - 1, step_now, step_now + 1):
        if holder.totp_last_step is not None and step <= holder.totp_last_step:
            continue
        if hmac.compare_digest(totp.at(step * 30), code):
            holder.totp_last_step = step
            return True
    return False


def complete_enrolment(
    session: Session,
    *,
    holder: TotpHolder,
    user_id: int,
    code: str,
    secret_key: str,
    now: datetime,
) -> list[str]:
    """Check the first code from the app; return recovery codes, shown this once."""
    if holder.totp_enrolled_at is not None:
        raise Conflict("your authenticator is already set up")
    if not totp_matches(holder, code.strip().replace(" ", ""), secret_key, now):
        raise BadInput(
            "code: that code does not match; check the app shows Exigent for this account and "
            "type the 6 digits it shows now",
            field="code",
        )
    holder.totp_enrolled_at = now
    session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None))
        .values(used_at=now)
    )
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODES)]
    session.add_all(
        RecoveryCode(user_id=user_id, code_hash=_code_hash(c), created_at=now) for c in codes
    )
    return codes


def reset(session: Session, *, holder: TotpHolder, user_id: int, now: datetime) -> None:
    """Forget the authenticator and its recovery codes; the next sign-in sets up a new one."""
    holder.totp_secret = None
    holder.totp_enrolled_at = None
    holder.totp_last_step = None
    session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None))
        .values(used_at=now)
    )


def _code_hash(code: str) -> str:
    return hashlib.sha256(code.lower().encode()).hexdigest()


def recovery_code_matches(session: Session, user_id: int, code: str, now: datetime) -> bool:
    row = session.execute(
        select(RecoveryCode).where(
            RecoveryCode.user_id == user_id,
            RecoveryCode.code_hash == _code_hash(code),
            RecoveryCode.used_at.is_(None),
        )
    ).scalar_one_or_none()
    if row is None:
        return False
    row.used_at = now
    return True


def code_proves(
    session: Session, holder: TotpHolder, user_id: int, code: str, secret_key: str, now: datetime
) -> bool:
    """Whether `code` is a fresh authenticator code or an unused recovery code."""
    code = code.strip().replace(" ", "")
    return totp_matches(holder, code, secret_key, now) or (
        len(code) == RECOVERY_CODE_LENGTH and recovery_code_matches(session, user_id, code, now)
    )
