from __future__ import annotations

import pytest

from exigent.staffing.benchmark_format import Instance, parse_instance
from staffing.tiny_instance import TINY


@pytest.fixture
def tiny() -> Instance:
    return parse_instance(TINY, name="tiny")
