"""How the benchmark search shares its time among the neighbourhoods."""

import random
from collections import Counter

from exigent.staffing.benchmark_format import Instance
from exigent.staffing.checker import objective
from exigent.staffing.construct import greedy_roster
from exigent.staffing.lns import _Fixer, _Search
from exigent.staffing.neighbourhoods import NEIGHBOURHOODS, weekends_scarce
from exigent.staffing.solver import build
from staffing.curtois import benchmark_instance


def _search(inst: Instance) -> _Search:
    roster = greedy_roster(inst, rounds=1, seconds=20, seed=0)
    assert roster is not None
    fixer = _Fixer(build(inst))
    return _Search(inst, fixer, roster, objective(inst, roster), 2, random.Random(0))


def _draws(search: _Search, count: int) -> Counter[str]:
    return Counter(search._next()[0] for _ in range(count))


def test_weekend_staff_are_scarce_where_the_weekend_covers_ask_nearly_all_they_may_work() -> None:
    # Instance10: 160 weekend days allowed for 206 asked; Instance9: 184 for 118
    assert weekends_scarce(benchmark_instance(10), {})
    assert weekends_scarce(benchmark_instance(8), {})
    assert not weekends_scarce(benchmark_instance(9), {})


def test_the_weekend_swap_is_never_drawn_where_staff_have_weekend_days_to_spare() -> None:
    nine = _search(benchmark_instance(9))
    assert "weekend swap" not in _draws(nine, 300)
    ten = _search(benchmark_instance(10))
    assert _draws(ten, 300)["weekend swap"] > 5


def test_a_neighbourhood_whose_attempts_take_longer_is_drawn_less_often() -> None:
    search = _search(benchmark_instance(8))
    # days took a tenth of a second an attempt, employees a whole second; the weekend swap,
    # given its floor of work on purpose, took three seconds
    search.spent = {
        name: [10, 1.0] for name in NEIGHBOURHOODS if name not in ("employees", "weekend swap")
    }
    search.spent["employees"] = [10, 10.0]
    search.spent["weekend swap"] = [10, 30.0]
    drawn = _draws(search, 3000)
    assert drawn["employees"] * 4 < drawn["days"]
    # the floor's cost does not count against it: it is drawn like the others
    assert drawn["weekend swap"] * 2 > drawn["days"]


def test_the_search_counts_the_time_each_neighbourhood_took() -> None:
    search = _search(benchmark_instance(6))
    for _ in range(6):
        search._attempt(until=float("inf"))
    tries = sum(int(count) for count, _ in search.spent.values())
    assert tries == 6
    assert all(seconds > 0 for _, seconds in search.spent.values())
