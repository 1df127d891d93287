"""What follows a legal judgement of a case in other domains."""

from __future__ import annotations

from exigent.legal.checks import AfterJudging
from exigent.notice.sync import sync_notices

# One entry per domain that keeps something in step with the case's obligations.
AFTER_JUDGING: tuple[AfterJudging, ...] = (sync_notices,)
