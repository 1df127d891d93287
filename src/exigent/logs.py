"""The server's log lines, with the secrets some URLs carry taken out.

A delivery link (`/api/v1/deliveries/<token>`) or a portal confirmation link
(`/portal/confirm/<token>`) is its own key: whoever reads it in a log could use it. The access
log keeps the route and replaces the secret segment, and the value of any `token=`-like query
parameter, with `[redacted]`. The same filter sits on uvicorn's error log and on the root
handler, since an error line can quote the path too.
"""

from __future__ import annotations

import copy
import logging
import re
from typing import Any

REDACTED = "[redacted]"
# A slash, also as a path is quoted inside another URL's query (`?next=%2Fportal%2F...`).
_SLASH = r"(?:/|%2[Ff])"
# The routes whose last segment is a secret (`production/api.py`, `portal/account_pages.py`).
SECRET_ROUTES = (("api", "v1", "deliveries"), ("portal", "confirm"))
_SECRET_PATH = re.compile(
    "(?P<route>"
    + "|".join(_SLASH + _SLASH.join(parts) + _SLASH for parts in SECRET_ROUTES)
    # A row id before a further segment (`/deliveries/7/revoke`) is no secret.
    + r")(?!\d+/)[^/?#&\s\"'%]+"
)
# Query parameters that carry a secret whatever the route: token, access_token, csrf_token,
# api_key, secret, password ...
_SECRET_QUERY = re.compile(
    r"(?P<name>(?:^|[?&;])[\w.-]*(?:token|secret|password|key)=)[^&#\s\"']*", re.IGNORECASE
)


def redact(text: str) -> str:
    """`text` with every secret path segment and secret query value replaced."""
    if "/" not in text and "=" not in text and "%" not in text:
        return text
    text = _SECRET_PATH.sub(lambda m: m.group("route") + REDACTED, text)
    return _SECRET_QUERY.sub(lambda m: m.group("name") + REDACTED, text)


class RedactSecrets(logging.Filter):
    """Rewrites a record's message and arguments before any handler formats it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_redacted(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: _redacted(value) for key, value in record.args.items()}
        return True


def _redacted(value: Any) -> Any:
    return redact(value) if isinstance(value, str) else value


def log_config() -> dict[str, Any]:
    """uvicorn's own logging set-up, every handler and the access logger filtered; the root
    logger (Exigent's own warnings and errors) goes through the same filtered handler."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["filters"] = {"redact_secrets": {"()": "exigent.logs.RedactSecrets"}}
    for handler in config["handlers"].values():
        handler["filters"] = ["redact_secrets"]
    config["loggers"]["uvicorn.access"]["filters"] = ["redact_secrets"]
    config["root"] = {"handlers": ["default"], "level": "WARNING"}
    return config
