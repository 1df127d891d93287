"""What on call puts in the band under every staff page's header (`web.header_band`)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from exigent.auth.models import User
from exigent.auth.permissions import Permission, user_can
from exigent.db import utcnow
from exigent.oncall.rota import header_line
from exigent.oncall.service import open_pages_for
from exigent.web.header_band import Band, BandProvider, OpenPage


def band_provider(head_email: str | None) -> BandProvider:
    def provide(session: Session, user: User) -> Band:
        if not user_can(user, Permission.oncall_read):
            return Band()
        pages = (
            [OpenPage(a.id, a.summary) for a in open_pages_for(session, user)]
            if user_can(user, Permission.oncall_respond)
            else []
        )
        return Band(on_call=header_line(session, utcnow(), head_email=head_email), open_pages=pages)

    return provide
