"""When requests arrive: spread over a year, at the hours real ones come in.

Genuine emergencies come at every hour (night shifts send many), busier in the day;
fraud crews work their own clock, so their hours spread flatter across the agency's day.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from exigent.verification.corpus.agencies import Agency, AgencyPool

START = datetime(2025, 9, 1, tzinfo=UTC)
SPAN_DAYS = 365
# Relative weight of each local hour 0..23.
HOUR_WEIGHTS = {
    "legit": (4, 3, 3, 2, 2, 2, 3, 4, 6, 7, 8, 8, 8, 8, 8, 8, 7, 7, 7, 6, 6, 6, 5, 5),
    "fraud": (7, 7, 7, 7, 6, 6, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 6, 6, 6, 7, 7),
    "night": (8, 8, 7, 6, 5, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 6),
}


@cache
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def draw_time(rng: random.Random, zone_name: str, profile: str = "legit") -> datetime:
    day = START + timedelta(days=rng.randrange(SPAN_DAYS))
    hour = rng.choices(range(24), weights=HOUR_WEIGHTS[profile])[0]
    local = day.astimezone(zone(zone_name)).replace(
        hour=hour, minute=rng.randrange(60), second=rng.randrange(60)
    )
    # Re-attach through UTC so the offset is right on the chosen day (summer time).
    return local.astimezone(UTC).astimezone(zone(zone_name))


def later(when: datetime, minutes: float) -> datetime:
    return (when.astimezone(UTC) + timedelta(minutes=minutes)).astimezone(when.tzinfo)


@dataclass
class Ctx:
    """What every pattern needs: the random source, the split and its agencies."""

    rng: random.Random
    split: str
    pool: AgencyPool

    def when(self, agency: Agency, profile: str = "legit") -> datetime:
        return draw_time(self.rng, agency.zone, profile)

    def agency(self, group: str = "listed") -> Agency:
        agencies = getattr(self.pool, group) or self.pool.listed
        return self.rng.choice(agencies)

    def neighbour(self, agency: Agency, same_state: bool) -> Agency:
        """Another real agency, in the same state or elsewhere."""
        if same_state and agency.state in self.pool.by_state:
            options = [a for a in self.pool.by_state[agency.state] if a.key != agency.key]
            if options:
                return self.rng.choice(options)
        return self.agency()
