"""Accounts for the legal workflow: a legal user and a second lead."""

from __future__ import annotations

import pytest

from exigent.auth.models import Role


@pytest.fixture
def legal(make_account):  # type: ignore[no-untyped-def]
    return make_account(Role.legal)


@pytest.fixture
def lead_b(make_account):  # type: ignore[no-untyped-def]
    return make_account(Role.lead, "lead.b@example.test")
