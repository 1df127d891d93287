"""The published shift-scheduling benchmark instances the search is measured on."""

from pathlib import Path

import pytest

from exigent.staffing.benchmark_format import Instance, read_instance

DATA = Path("/work/shared/data/rostering/curtois")


def benchmark_instance(number: int) -> Instance:
    path = DATA / f"Instance{number}.txt"
    if not path.exists():
        pytest.skip("benchmark data not on this machine")
    return read_instance(path)
