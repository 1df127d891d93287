"""A database scoring with hand-set weights gets the learned table as its next version."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import create_engine, text

from exigent.migrate import upgrade
from exigent.verification.weight_sets import shipped_document
from exigent.versions import document_digest

HAND_SET = {
    "levels": {"medium": 25, "high": 50, "critical": 75},
    "verification": {"score_at_least": 25, "always_for": []},
    "signals": {"free_mail_domain": 45},
}


def _versions(url: str) -> list[tuple[int, str, str]]:
    engine = create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT version, digest, created_by FROM risk_weight_sets ORDER BY version")
        ).all()
    engine.dispose()
    return [tuple(row) for row in rows]


def test_hand_set_weights_are_followed_by_the_learned_table(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url, "0038")
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO risk_weight_sets (version, document, digest, reason, created_by, "
                "created_at) VALUES (1, :document, 'old', 'shipped', 'weights-seed', "
                "'2026-11-24 10:00:00')"
            ),
            {"document": json.dumps(HAND_SET)},
        )
    engine.dispose()
    upgrade(url)
    versions = _versions(url)
    assert [v[0] for v in versions] == [1, 2]
    assert versions[1][1] == document_digest(shipped_document())


def test_an_empty_table_is_left_for_first_use_to_seed(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    upgrade(url)
    assert _versions(url) == []
