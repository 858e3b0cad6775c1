"""Test data for the KPI and eligibility services: people, stores, who ran what, and imported facts.

Rows are written straight into the company file (as the import engine will store them), so each
test states exactly which facts exist. ``Seed`` is shared by test_metrics_service.py,
test_eligibility_service.py and the CLI test.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from core.domain import months as mo
from core.model import (
    Achievement,
    Employee,
    ImportBatch,
    Level,
    LiveSessionFact,
    ManualMetricValue,
    OrderFact,
    ScoreEntry,
    Store,
    StoreDayFact,
    StoreMonthFact,
    StoreOwnership,
)
from core.services.eligibility import order_totals
from core.session import AppSession


def _note_months(session: Any, rows: Sequence[Any]) -> None:
    """Fact rows' months go into their batch's list, as the import records them; orders'
    store-month totals are brought up to date, as the import does."""
    orders = [r for r in rows if isinstance(r, OrderFact)]
    if orders:
        session.flush()
        for batch_id in {r.batch_id for r in orders} | {
            r.superseded_by for r in orders if r.superseded_by is not None
        }:
            order_totals.refresh(session, order_totals.cells_of_batch(session, batch_id))
    for row in rows:
        month, batch_id = getattr(row, "month", None), getattr(row, "batch_id", None)
        if isinstance(row, ImportBatch) or month is None or batch_id is None:
            continue
        batch = session.get(ImportBatch, batch_id)
        if batch is not None and month not in (batch.months or []):
            batch.months = sorted([*(batch.months or []), month])


class Seed:
    """Adds rows to ``app``'s file one small transaction at a time; returns the new ids."""

    def __init__(self, app: AppSession) -> None:
        self.app = app
        self._orders = 0

    def _add(self, row: Any) -> int:
        with self.app.uow() as uow:
            uow.session.add(row)
            uow.session.flush()
            _note_months(uow.session, [row])
            new_id: int = row.id
            uow.commit()
        return new_id

    def add_all(self, rows: Sequence[Any]) -> None:
        """Many rows in one transaction (e.g. a whole daily export)."""
        with self.app.uow() as uow:
            uow.session.add_all(rows)
            _note_months(uow.session, rows)
            uow.commit()

    def level(self, title: str, track: str | None = None) -> int:
        """``title`` or "track/title"; a title in several tracks means the 店铺运营 one."""
        if "/" in title:
            track, title = title.split("/", 1)
        with self.app.read() as s:
            found = [lv for lv in s.scalars(select(Level)) if lv.title == title]
            if track is not None:
                found = [lv for lv in found if lv.track.name == track]
            elif len(found) > 1:
                found = [lv for lv in found if lv.track.name == "店铺运营"]
            assert len(found) == 1, f"level {title!r}: {len(found)} found"
            return found[0].id

    def employee(
        self,
        no: str,
        name: str,
        level: str | None = None,
        *,
        level_since: date | None = date(2022, 1, 1),
        hired: date | None = date(2021, 1, 1),
        supervisor: int | None = None,
        left: date | None = None,
    ) -> int:
        level_id = self.level(level) if level else None
        track_id = None
        if level_id is not None:
            with self.app.read() as s:
                found = s.get(Level, level_id)
                track_id = found.track_id if found else None
        return self._add(
            Employee(
                no=no,
                name=name,
                track_id=track_id,
                level_id=level_id,
                level_since=level_since if level else None,
                hire_date=hired,
                supervisor_id=supervisor,
                leave_date=left,
                department="运营部",
            )
        )

    def supervisor(self, login: str, employee_no: str) -> AppSession:
        """A supervisor's session, the account linked to the employee ``employee_no``."""
        from core.services.admin import users
        from core.services.admin.auth import unlock_again

        users.add_user(self.app, login, login, "supervisor", "other-pass-1", employee_no)
        return unlock_again(self.app, login, "other-pass-1")

    def store(self, name: str, platform: str = "天猫") -> int:
        kind = "live_account" if platform == "抖音直播" else "shop"
        return self._add(Store(name=name, platform=platform, kind=kind, aliases=[]))

    def own(self, employee: int, store: int, start: str, end: str | None = None) -> int:
        return self._add(
            StoreOwnership(store_id=store, employee_id=employee, start_month=start, end_month=end)
        )

    def batch(self, source: str = "sycm-shop", file_name: str = "店铺数据.xlsx") -> int:
        return self._add(
            ImportBatch(file_name=file_name, sha256="0" * 64, source=source, user_login="boss")
        )

    def undo(self, batch: int) -> None:
        with self.app.uow() as uow:
            row = uow.session.get(ImportBatch, batch)
            assert row is not None
            row.undone_at = datetime(2024, 7, 1)
            uow.session.flush()
            order_totals.refresh(uow.session, order_totals.cells_of_batch(uow.session, batch))
            uow.commit()

    def month_fact(
        self,
        store: int,
        month: str,
        gmv: float | None = None,
        visitors: int | None = None,
        buyers: int | None = None,
        old: int | None = None,
        *,
        batch: int,
        source: str = "sycm-shop",
        superseded_by: int | None = None,
    ) -> int:
        return self._add(
            StoreMonthFact(
                store_id=store,
                month=month,
                source=source,
                batch_id=batch,
                superseded_by=superseded_by,
                gmv=gmv,
                visitors=visitors,
                paid_buyers=buyers,
                old_buyers=old,
            )
        )

    def months(
        self,
        store: int,
        first: str,
        gmv: Sequence[float | None],
        *,
        batch: int,
        visitors: Sequence[int | None] | None = None,
        buyers: Sequence[int | None] | None = None,
        old: Sequence[int | None] | None = None,
    ) -> None:
        """Consecutive monthly overview rows starting at ``first`` (a None GMV skips the month)."""
        with self.app.uow() as uow:
            for i, value in enumerate(gmv):
                if value is None:
                    continue
                uow.session.add(
                    StoreMonthFact(
                        store_id=store,
                        month=mo.add(first, i),
                        source="sycm-shop",
                        batch_id=batch,
                        gmv=value,
                        visitors=visitors[i] if visitors else None,
                        paid_buyers=buyers[i] if buyers else None,
                        old_buyers=old[i] if old else None,
                    )
                )
            uow.commit()

    def day_fact(
        self,
        store: int,
        day: date,
        gmv: float | None,
        visitors: int | None = None,
        buyers: int | None = None,
        old: int | None = None,
        *,
        batch: int,
        superseded_by: int | None = None,
    ) -> int:
        return self._add(
            StoreDayFact(
                store_id=store,
                day=day,
                month=mo.of_date(day),
                batch_id=batch,
                superseded_by=superseded_by,
                gmv=gmv,
                visitors=visitors,
                paid_buyers=buyers,
                old_buyers=old,
            )
        )

    def order(
        self,
        store: int,
        month: str,
        amount: float,
        buyer: str | None = None,
        *,
        batch: int,
        counted: bool = True,
        live_account: int | None = None,
        superseded_by: int | None = None,
        paid_at: datetime | None = None,
    ) -> int:
        self._orders += 1
        return self._add(
            OrderFact(
                store_id=store,
                order_no=f"O{self._orders:06d}",
                month=month,
                paid_at=paid_at,
                amount=amount,
                status="交易成功" if counted else "交易关闭",
                counted=counted,
                buyer_key=buyer,
                live_account_id=live_account,
                batch_id=batch,
                superseded_by=superseded_by,
            )
        )

    def live(
        self,
        account: int,
        started: datetime,
        *,
        viewers: int,
        comments: int,
        likes: int,
        buyers: int,
        gmv: float,
        batch: int,
    ) -> int:
        return self._add(
            LiveSessionFact(
                store_id=account,
                started_at=started,
                month=mo.of_date(started.date()),
                viewers=viewers,
                comments=comments,
                likes=likes,
                buyers=buyers,
                gmv=gmv,
                batch_id=batch,
            )
        )

    def manual(
        self, employee: int, metric: str, month: str, value: float, batch: int | None = None
    ) -> int:
        return self._add(
            ManualMetricValue(
                employee_id=employee, metric=metric, month=month, value=value, batch_id=batch
            )
        )

    def achievement(
        self,
        employee: int,
        kind: str,
        day: date,
        result: str = "成功",
        roi: float | None = None,
        team: int | None = None,
        name: str = "",
    ) -> int:
        return self._add(
            Achievement(
                employee_id=employee,
                type=kind,
                name=name or f"{kind} {day.isoformat()}",
                date=day,
                result=result,
                roi=roi,
                team_size=team,
            )
        )

    def score(
        self,
        employee: int,
        period: str,
        part: str,
        item: str,
        score: float,
        scored_on: date | None = None,
    ) -> int:
        return self._add(
            ScoreEntry(
                employee_id=employee,
                period=period,
                part=part,
                item=item,
                score=score,
                scored_on=scored_on,
            )
        )


def gmv_with_growth(start: float, growths: Sequence[float]) -> list[float]:
    """Monthly GMVs starting at ``start`` whose month-on-month growth is ``growths`` in turn."""
    values = [start]
    for g in growths:
        values.append(values[-1] * (1 + g))
    return values
