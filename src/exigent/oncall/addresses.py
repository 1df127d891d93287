"""Which addresses a contact method may point at, checked when it is configured.

A page carries case details to wherever a URL points, and Exigent's servers sit inside the
company's network: a URL to an arbitrary host, or to a private address, would let anyone who
can edit their own contact methods make Exigent post into that network. So a URL must be
https to a host on `Settings.oncall_webhook_hosts`; plain http is allowed only to loopback
(127.0.0.1, localhost), where local receivers and the demo live, and in production only when
loopback is listed too.

The check reads the URL exactly as the HTTP client will: anything two parsers could read
differently (spaces, control characters, backslashes, non-ASCII look-alike host names) is
refused rather than interpreted, and a listed host is reached on the https port only, so an
allowed name cannot be turned into a probe of its other services.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email

from exigent.config import Settings
from exigent.errors import BadInput
from exigent.oncall.models import ChannelKind

LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})
ROUTING_KEY_MAX = 64
HTTPS_PORT = 443
# Characters one URL parser drops or treats as a separator where another keeps them.
_AMBIGUOUS = frozenset("\\ \x7f") | frozenset(chr(c) for c in range(32))


def _listed(host: str, allowed: list[str]) -> bool:
    for entry in allowed:
        entry = entry.strip().lower()
        if not entry:
            continue
        if entry.startswith("."):
            if host.endswith(entry) or host == entry[1:]:
                return True
        elif host == entry:
            return True
    return False


def url_problem(url: str, settings: Settings) -> str | None:
    """Why `url` may not receive pages, or None when it may."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        parts.port  # noqa: B018 - a bad port raises here, not at send time
    except ValueError:
        return "is not a valid URL"
    if parts.scheme not in {"http", "https"} or not host:
        return "must be an https:// address"
    if any(c in _AMBIGUOUS for c in url):
        return "must not contain spaces, control characters or backslashes"
    if not url.isascii():
        return "must be plain ASCII (write an international host name in its xn-- form)"
    if parts.username or parts.password:
        return "must not carry a user name or password"
    listed = _listed(host, settings.oncall_webhook_hosts)
    # In production the server's own loopback runs its database and other services, none of
    # them a receiver: a page may go there only when an administrator listed it.
    if host in LOOPBACK_NAMES and (settings.environment != "production" or listed):
        return None
    if parts.scheme != "https":
        return "must be an https:// address (http only to 127.0.0.1 or localhost)"
    try:
        literal = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        literal = None
    if literal is not None and not literal.is_global and not listed:
        return f"points at the private or reserved address {host}, which is not allowed"
    if not listed:
        return f"host {host} is not on the allowed list (oncall_webhook_hosts)"
    if parts.port not in (None, HTTPS_PORT):
        return f"must use the https port {HTTPS_PORT}, not {parts.port}"
    return None


def checked_target(kind: ChannelKind, target: str, settings: Settings) -> str:
    """`target` cleaned for `kind`, or BadInput naming the `target` field and the problem."""
    target = target.strip()
    if not target:
        raise BadInput(f"target: give {_what(kind)}", field="target")
    if kind is ChannelKind.email:
        try:
            # `test_environment` admits the reserved `.test` names of staff accounts in tests.
            checked = validate_email(target, check_deliverability=False, test_environment=True)
            return checked.normalized
        except EmailNotValidError as exc:
            raise BadInput(f"target: not a valid email address ({exc})", field="target") from None
    if kind is ChannelKind.pagerduty:
        if len(target) > ROUTING_KEY_MAX or not target.isalnum():
            raise BadInput(
                "target: a PagerDuty routing key is up to 64 letters and digits",
                field="target",
            )
        return target
    problem = url_problem(target, settings)
    if problem:
        raise BadInput(f"target: the URL {problem}", field="target")
    return target


def _what(kind: ChannelKind) -> str:
    return {
        ChannelKind.email: "an email address",
        ChannelKind.slack: "the incoming webhook's URL",
        ChannelKind.webhook: "the webhook's URL",
        ChannelKind.pagerduty: "the PagerDuty integration's routing key",
    }[kind]
