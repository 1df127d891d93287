"""Counts beside navigation links (approvals waiting for the signed-in person), on every
staff page.

The counts come from domains above the kernel, so `create_app` hands them down as
`app.state.nav_counts` (a place's `count` name -> a function of a session and the user);
the layout asks for one only where a place names it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from exigent.auth.models import User
from exigent.db import begin_read_only
from exigent.outages import outage_of

NavCounter = Callable[[Session, User], int | None]

log = logging.getLogger(__name__)


def nav_count(request: Any, user: User, name: str) -> int | None:
    """The count `name` for `user`, read in a session of its own; None when there is none.

    Its own session: the page's session may be closed or rolled back by the time the layout
    renders (error pages). A failed count must not take the page down with it (the outage
    page renders through the same layout), so it is logged and left out.
    """
    state = getattr(getattr(request, "app", None), "state", None)
    counters: Mapping[str, NavCounter] = getattr(state, "nav_counts", {})
    factory: sessionmaker[Session] | None = getattr(state, "session_factory", None)
    counter = counters.get(name)
    engine = getattr(state, "engine", None)
    if counter is None or factory is None or (engine is not None and outage_of(engine).ongoing):
        # While the database is out of reach, the page says so without waiting on a count.
        return None
    try:
        with factory() as session:
            # A reader: on SQLite it must not queue for the write lock that the page's own
            # session may still hold while it renders.
            begin_read_only(session)
            return counter(session, user)
    except SQLAlchemyError:
        log.warning("navigation count %s could not be read", name, exc_info=True)
        return None
