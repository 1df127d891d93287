"""Outgoing email over SMTP: the one way Exigent sends mail to people."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import make_msgid

from exigent.config import Settings
from exigent.errors import ExigentError

SMTP_TIMEOUT_SECONDS = 15


class MailNotSent(ExigentError):
    """The relay refused or could not be reached; the caller keeps the message to retry."""

    status_code = 502


def compose(settings: Settings, *, to: str, subject: str, text: str) -> EmailMessage:
    """A plain-text message from Exigent's sender address, with its own Message-ID."""
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = to
    # One line, whatever the subject was made from: a line break in a header would either
    # start a new header (Bcc:) or, as the email package refuses it, fail the whole send.
    message["Subject"] = " ".join(subject.split())
    message["Message-ID"] = make_msgid(domain="exigent.invalid")
    message.set_content(text)
    return message


def send(settings: Settings, message: EmailMessage) -> str:
    """Hand the message to the configured relay; returns its Message-ID."""
    try:
        with smtplib.SMTP(
            settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT_SECONDS
        ) as smtp:
            if settings.smtp_starttls:
                smtp.starttls()
            if settings.smtp_username:
                smtp.login(settings.smtp_username, settings.smtp_password or "")
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailNotSent(
            f"mail to {message['To']} not sent: SMTP relay "
            f"{settings.smtp_host}:{settings.smtp_port} answered {exc}"
        ) from exc
    return str(message["Message-ID"])
