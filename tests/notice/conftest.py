"""A legal user for notice decisions."""

from __future__ import annotations

import pytest

from exigent.auth.models import Role


@pytest.fixture
def legal(make_account):  # type: ignore[no-untyped-def]
    return make_account(Role.legal)
