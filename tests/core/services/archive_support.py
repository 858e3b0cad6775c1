"""Shared set-up for the archive tests: a small ladder and the sample templates read as rows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from core.model import ImportBatch, Level, Track
from core.session import AppSession
from tests.conftest import SAMPLES

TRACKS = ("店铺运营", "用户运营", "直播运营", "数据运营")
LEVELS = ("运营助理", "运营专员", "运营主管", "运营总监")


def seed_ladder(app: AppSession) -> dict[tuple[str, str], int]:
    """Four tracks with the four levels of docs/design.md; returns (track, level) -> level id."""
    ids: dict[tuple[str, str], int] = {}
    with app.uow() as uow:
        for order, name in enumerate(TRACKS):
            track = Track(name=name, sort_order=order)
            for rank, title in enumerate(LEVELS, start=1):
                expected = {"数据分析": rank, "团队协作": rank, "领导力": max(1, rank - 1)}
                track.levels.append(Level(title=title, rank=rank, competencies=expected))
            uow.session.add(track)
        uow.session.flush()
        for level in uow.session.query(Level).all():
            ids[(level.track.name, level.title)] = level.id
        uow.commit()
    return ids


def new_batch(app: AppSession, source: str, name: str = "f.xlsx") -> int:
    with app.uow() as uow:
        batch = ImportBatch(
            file_name=name, sha256="0" * 64, source=source, user_login=app.actor.login
        )
        uow.session.add(batch)
        uow.session.flush()
        uow.commit()
        return batch.id


def sample_rows(file_name: str) -> list[dict[str, Any]]:
    """A sample template read the way a user's file would be: pandas, header on row 1."""
    import pandas as pd

    frame = pd.read_excel(Path(SAMPLES) / file_name, dtype=object, engine="calamine")
    rows = frame.to_dict(orient="records")
    for position, row in enumerate(rows):
        row["_row"] = position + 2
    return rows
