"""`exigent intake eml FILE...` and `exigent intake maildir PATH`: email into cases."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from exigent.audit.service import Actor
from exigent.auth.models import Role, User
from exigent.auth.service import create_user
from exigent.config import Settings
from exigent.errors import ExigentError
from exigent.files import FileStore
from exigent.mail.service import intake_message

log = logging.getLogger(__name__)
SERVICE_ACCOUNT = "email-intake@exigent.invalid"


def service_user(session: Session) -> User:
    """The account email intake acts as (created on first use, no password: cannot log in)."""
    user = session.execute(select(User).where(User.email == SERVICE_ACCOUNT)).scalar_one_or_none()
    if user is None:
        user = create_user(
            session,
            actor=Actor.system("email-intake"),
            email=SERVICE_ACCOUNT,
            name="Email intake",
            role=Role.analyst,
        )
    return user


def intake_files(
    factory: sessionmaker[Session],
    settings: Settings,
    paths: Iterable[Path],
    report: Callable[[str], None],
) -> int:
    """Each file in its own transaction; return how many failed (they are left in place)."""
    failed = 0
    store = FileStore(settings.file_store)
    for path in paths:
        try:
            raw = path.read_bytes()
            with factory() as session:
                user = service_user(session)
                case, created = intake_message(
                    session, user=user, raw=raw, store=store, max_bytes=settings.max_upload_bytes
                )
                session.commit()
            report(f"{path}: {case.reference} ({'new case' if created else 'already received'})")
        except (OSError, ExigentError) as exc:
            failed += 1
            report(f"{path}: NOT TAKEN IN: {getattr(exc, 'message', exc)}")
    return failed


def poll_maildir(
    factory: sessionmaker[Session],
    settings: Settings,
    root: Path,
    report: Callable[[str], None],
    *,
    once: bool,
    interval: float = 30.0,
) -> int:
    """Take in messages from `root/new`, moving each to `root/cur` once its case is committed."""
    failed = 0
    while True:
        for path in sorted((root / "new").glob("*")):
            if not path.is_file() or path.name.startswith("."):
                continue
            if intake_files(factory, settings, [path], report) == 0:
                # Marked seen (maildir flag S) only after the case is durable.
                (root / "cur").mkdir(exist_ok=True)
                path.replace(root / "cur" / f"{path.name}:2,S")
            else:
                failed += 1
        if once:
            return failed
        time.sleep(interval)
