"""Post/Redirect/Get for every page action: run it, commit, and answer with the page to read.

A done action answers 303 See Other to the page it was taken on (a GET), so the address bar
never holds a form's address and a reload repeats nothing. The redirect names what was done
(`done`, a key the page maps to a fixed sentence) and the panel it was done in (`at`, an id
shaped like one), never anything typed, and ends in `#<panel>`: the page shows the sentence in
that panel, scrolled into view below the sticky header, and `app.js` takes the two parameters
off the address so a reload does not say it again.

A refused or invalid action is rolled back (and audited, `web.refusals.turned_down`) and the
page is shown again with the reason next to the field and what was typed kept, with its 4xx
status: a browser asks before sending such a form again.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session, sessionmaker

from exigent.errors import ExigentError
from exigent.web.refusals import turned_down

# A panel's id on its page: a word, never text someone typed.
PANEL = re.compile(r"[a-z][a-z0-9_-]{0,60}")


@dataclass(frozen=True)
class Confirmation:
    """What a page says, in which panel, after an action was done there."""

    panel: str
    text: str


def see_done(path: str, done: str, panel: str) -> RedirectResponse:
    """The answer to a done action: the page at `path`, saying `done` in `panel`."""
    if not PANEL.fullmatch(panel):
        raise ValueError(f"not a panel id: {panel!r}")
    query = urlencode({"done": done, "at": panel})
    return RedirectResponse(f"{path}?{query}#{panel}", status_code=303)


def confirmation(request: Request, said: Mapping[str, str]) -> Confirmation | None:
    """The confirmation the page's address asks for, if `said` knows its key."""
    done = request.query_params.get("done", "")
    panel = request.query_params.get("at", "")
    if done not in said or not PANEL.fullmatch(panel):
        return None
    return Confirmation(panel=panel, text=said[done])


def take_action(
    session: Session,
    action: Callable[[], object],
    *,
    factory: sessionmaker[Session],
    done: Callable[[], Response],
    refused: Callable[[ExigentError], Response],
) -> Response:
    """Run `action` and commit, then answer `done()`; if it is turned down, `refused(error)`."""
    try:
        action()
        session.commit()
    except ExigentError as exc:
        return turned_down(session, exc, factory=factory, show=refused)
    return done()
