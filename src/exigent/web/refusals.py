"""One answer for a page whose action was turned down: roll back, record, show the reason.

A page's action runs in the request's session. When the service says no, nothing the action
did may stay, a refusal of an attempt the rules forbid must still reach the audit log (in a
transaction of its own, since this one is rolled back), and the person sees why next to the
panel they used. The toolkit knows no domain: the page says how its panel shows a reason.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.orm import Session, sessionmaker

from exigent.auth.refusals import Refused, record_refusal
from exigent.errors import ExigentError, NotFound

Shown = TypeVar("Shown")


def turned_down(
    session: Session,
    exc: ExigentError,
    *,
    factory: sessionmaker[Session],
    show: Callable[[ExigentError], Shown],
    not_found_raises: bool = True,
) -> Shown:
    """Roll back, record `exc` with `factory` if it is a refusal, answer with `show(exc)`.

    Something missing (or not the user's to see) is raised again when `not_found_raises`:
    the page it was on cannot be shown either, so it becomes the 404 page.
    """
    session.rollback()
    if not_found_raises and isinstance(exc, NotFound):
        raise exc
    if isinstance(exc, Refused):
        record_refusal(factory, exc)
    return show(exc)
