"""Post/Redirect/Get's answer: the page's own address, a fixed key and a panel id, nothing typed."""

from __future__ import annotations

import pytest
from starlette.requests import Request

from exigent.web.actions import confirmation, see_done

SAID = {"note": "Note added."}


def asked(query: str) -> Request:
    return Request({"type": "http", "method": "GET", "path": "/", "query_string": query.encode()})


def test_a_done_action_is_answered_with_a_get_of_the_page_at_its_panel() -> None:
    answer = see_done("/console/cases/7", "note", "timeline")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/console/cases/7?done=note&at=timeline#timeline"


def test_a_panel_that_is_not_an_id_is_never_put_in_an_address() -> None:
    with pytest.raises(ValueError, match="not a panel id"):
        see_done("/console/cases/7", "note", '"><script>')


def test_only_a_known_key_in_a_panel_shaped_like_an_id_is_said() -> None:
    said = confirmation(asked("done=note&at=timeline"), SAID)
    assert said is not None and (said.panel, said.text) == ("timeline", "Note added.")
    assert confirmation(asked("done=Your+account+is+locked&at=timeline"), SAID) is None
    assert confirmation(asked("done=note&at=%22%3E%3Cb%3E"), SAID) is None
    assert confirmation(asked(""), SAID) is None
