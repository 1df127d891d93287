"""Where a notice goes: the one place that knows how to reach the user behind a target."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email


def contact_for_target(identifier_type: str, value: str) -> str | None:
    """The user's email address, or None when the notice needs an address found for it.

    Only a target given as an email address can be reached today. The platform data adapter
    (being built) will answer with the subscriber's email for usernames, user IDs and phone
    numbers; it plugs in here and nowhere else.
    """
    if identifier_type != "email":
        return None
    return normalised_email(value)


def normalised_email(value: str) -> str | None:
    """The address in normal form, or None when it is not a usable email address."""
    try:
        return validate_email(value.strip(), check_deliverability=False).normalized
    except EmailNotValidError:
        return None
