"""The shipped CyberTipline schema, and the check every document passes before it is sent."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

from exigent.errors import ExigentError

if TYPE_CHECKING:
    import xmlschema


class SchemaViolation(ExigentError):
    """A document Exigent built does not conform to NCMEC's schema: a bug, never sent."""

    status_code = 422


@cache
def cybertipline_schema() -> xmlschema.XMLSchema:
    # xmlschema (with elementpath) is heavy and needed only when a report is built: it loads
    # then, not in every web process at start-up.
    import xmlschema

    path = resources.files("exigent.referrals.cybertipline").joinpath("cyber_tipline.xsd")
    return xmlschema.XMLSchema(path.read_text(encoding="utf-8"))


def validated(document: bytes) -> bytes:
    """`document` itself if NCMEC's schema accepts it; otherwise why not, in words."""
    errors = [str(e.reason or e) for e in cybertipline_schema().iter_errors(document.decode())]
    if errors:
        raise SchemaViolation(
            "the CyberTipline document does not match NCMEC's schema: " + errors[0]
        )
    return document
