"""The band under every staff page's header: who is on call, and the signed-in person's open
pages with a button to acknowledge each.

Who is on call is known above the kernel (on call reads the roster), so `create_app` hands a
provider down as `app.state.header_band`; without one the band is empty. Read in a session of
its own as a reader, like the navigation's counts, and a failure leaves the band out rather
than taking the page down.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from exigent.auth.models import User
from exigent.db import begin_read_only
from exigent.outages import outage_of

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OpenPage:
    id: int
    summary: str


@dataclass(frozen=True)
class Band:
    on_call: str | None = None
    open_pages: list[OpenPage] = field(default_factory=list)


BandProvider = Callable[[Session, User], Band]


def header_band(request: Any, user: User) -> Band:
    state = getattr(getattr(request, "app", None), "state", None)
    provider: BandProvider | None = getattr(state, "header_band", None)
    factory: sessionmaker[Session] | None = getattr(state, "session_factory", None)
    engine = getattr(state, "engine", None)
    if provider is None or factory is None or (engine is not None and outage_of(engine).ongoing):
        return Band()
    try:
        with factory() as session:
            begin_read_only(session)
            return provider(session, user)
    except SQLAlchemyError:
        log.warning("the on-call band could not be read", exc_info=True)
        return Band()
