"""The JSON of ``tidui-cli dashboard --json`` and each chart's table view / 导出 Excel.

Formulas: see the package docstring (core/services/dashboard/__init__.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.i18n import Message
from core.permissions import Perm, require
from core.services.dashboard.figures import Dashboard
from core.services.exports.xlsx_safety import safe_row
from core.session import AppSession
from core.storage.atomic import save_workbook

# --- JSON (tidui-cli dashboard --json, docs/cli.md) -------------------------------------------------


def _r(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def as_json(d: Dashboard, lang: str | None = None) -> dict[str, Any]:
    """docs/cli.md's object exactly, then more figures under keys of their own."""
    return {
        "as_of": d.as_of,
        "tracks": [
            {
                "track": t.track,
                "levels": [
                    {
                        "level": lv.level,
                        "headcount": lv.headcount,
                        "ready_in": lv.ready_in,
                        "nearly_in": lv.nearly_in,
                    }
                    for lv in t.levels
                ],
            }
            for t in d.tracks
        ],
        "gaps": [{"level": g.level, "text": g.message.text(lang)} for g in d.gaps],
        "turnover": {
            "rolling_12m_pct": _r(d.flow.rolling.pct),
            "separations": d.flow.rolling.separations,
            "avg_headcount": _r(d.flow.rolling.avg_headcount),
        },
        "cases": {
            "decided": d.cases.decided,
            "avg_days": d.cases.avg_days,
            "max_days": d.cases.max_days,
            # beyond docs/cli.md's minimum: so that the counts add up to every case
            "open": len(d.cases.open),
            "ended": dict(d.cases.ended),
        },
        "nine_box": [
            {"employee": e.no, "performance": e.performance, "potential": e.potential}
            for e in d.nine_box.entries
        ],
        # --- beyond docs/cli.md's minimum ---
        "sentences": [lv.sentence.text(lang) for t in d.tracks for lv in t.levels],
        "gap_tracks": [g.track for g in d.gaps],
        "calendar_turnover": {
            "first": d.flow.calendar.first,
            "last": d.flow.calendar.last,
            "pct": _r(d.flow.calendar.pct),
            "separations": d.flow.calendar.separations,
            "avg_headcount": _r(d.flow.calendar.avg_headcount),
        },
        "retention": [
            {
                "first": c.first,
                "last": c.last,
                "hired": c.hired,
                "stayed": c.stayed,
                "pct": _r(c.pct),
            }
            for c in d.flow.retention
        ],
        "turnover_by_level": [
            {
                "track": x.track,
                "level": x.level,
                "rolling_12m_pct": _r(x.rolling.pct),
                "separations": x.rolling.separations,
                "avg_headcount": _r(x.rolling.avg_headcount),
            }
            for x in d.flow.by_level
        ],
        "promotions": [
            {"month": p.month, "promotions": len(p.promotions), "transfers": len(p.transfers)}
            for p in d.promotions
        ],
        "open_cases": [
            {
                "case": c.id,
                "employee": c.no,
                "state": c.state,
                "waiting_for": c.waiting_for,
                "days_waiting": c.days_waiting,
            }
            for c in d.cases.open
        ],
        "nine_box_period": d.nine_box.period,
        "business": [
            {
                "month": b.month,
                "gmv": b.gmv,
                "live_gmv": b.live_gmv,
                "live_share": _r(b.live_share, 4),
                "gmv_by_track": {t: v for t, v in b.by_track},
            }
            for b in d.business
        ],
        "checklist": {c.key: c.done for c in d.checklist},
        "competency_gaps": [
            {
                "track": g.track,
                "level": g.level,
                "below": list(g.below),
                "people": len(g.people),
                "text": g.sentence.text(lang),
                "competencies": [
                    {
                        "competency": n.competency,
                        "expected": n.expected,
                        "reached": n.reached_count,
                        "not_reached": n.not_reached_count,
                        "unrated": len(n.unrated),
                    }
                    for n in g.needs
                ],
            }
            for g in d.competency
        ],
    }


# --- tables (each chart's table view and its 导出 Excel) ---------------------------------------


@dataclass(frozen=True)
class Table:
    """A chart's figures as rows: what the table view shows and the export writes."""

    key: str
    title: Message
    columns: tuple[Message, ...]
    rows: tuple[tuple[Any, ...], ...] = field(default=())


def _m(code: str) -> Message:
    return Message(f"dashboard.col.{code}")


def tables(d: Dashboard) -> dict[str, Table]:
    """pipeline, nine_box, flow, cases, business, competency."""
    pipeline = Table(
        "pipeline",
        Message("dashboard.table.pipeline"),
        tuple(
            _m(c)
            for c in ("track", "level", "headcount", "ready_in", "nearly_in", "required", "gap")
        ),
        tuple(
            (
                t.track,
                lv.level,
                lv.headcount,
                lv.ready_in,
                lv.nearly_in,
                lv.required or "",
                lv.gap.message.text() if lv.gap else "",
            )
            for t in d.tracks
            for lv in t.levels
        ),
    )
    nine = Table(
        "nine_box",
        Message("dashboard.table.nine_box"),
        tuple(
            _m(c)
            for c in (
                "no",
                "name",
                "track",
                "level",
                "performance_score",
                "potential_score",
                "performance",
                "potential",
            )
        ),
        tuple(
            (
                e.no,
                e.name,
                e.track,
                e.level,
                e.performance_score,
                e.potential_score,
                e.performance,
                e.potential,
            )
            for e in d.nine_box.entries
        ),
    )
    flow_rows: list[tuple[Any, ...]] = [
        (
            Message("dashboard.all_company").text(),
            "",
            _r(d.flow.rolling.pct, 1),
            d.flow.rolling.separations,
            _r(d.flow.rolling.avg_headcount),
            _r(d.flow.calendar.pct, 1),
            d.flow.calendar.separations,
            _r(d.flow.calendar.avg_headcount),
        )
    ]
    for x in d.flow.by_track:
        flow_rows.append(
            (
                x.track,
                "",
                _r(x.rolling.pct, 1),
                x.rolling.separations,
                _r(x.rolling.avg_headcount),
                _r(x.calendar.pct, 1),
                x.calendar.separations,
                _r(x.calendar.avg_headcount),
            )
        )
    for y in d.flow.by_level:
        flow_rows.append(
            (
                y.track,
                y.level,
                _r(y.rolling.pct, 1),
                y.rolling.separations,
                _r(y.rolling.avg_headcount),
                _r(y.calendar.pct, 1),
                y.calendar.separations,
                _r(y.calendar.avg_headcount),
            )
        )
    flow = Table(
        "flow",
        Message("dashboard.table.flow"),
        tuple(
            _m(c)
            for c in (
                "track",
                "level",
                "rolling_pct",
                "rolling_separations",
                "rolling_avg",
                "calendar_pct",
                "calendar_separations",
                "calendar_avg",
            )
        ),
        tuple(flow_rows),
    )
    cases_table = Table(
        "cases",
        Message("dashboard.table.cases"),
        tuple(_m(c) for c in ("case", "no", "name", "move", "state", "days")),
        tuple(
            [
                (i, no, name, move, Message("dashboard.case.decided").text(), days)
                for i, no, name, move, days in d.cases.decided_cases
            ]
            + [
                (
                    c.id,
                    c.no,
                    c.name,
                    c.move,
                    Message(f"dashboard.case.{c.state}").text(),
                    c.days_waiting,
                )
                for c in d.cases.open
            ]
        ),
    )
    track_names = sorted({t for b in d.business for t, _ in b.by_track})
    business = Table(
        "business",
        Message("dashboard.table.business"),
        tuple(_m(c) for c in ("month", "gmv", "live_gmv", "live_share", "promotions"))
        + tuple(
            Message("dashboard.col.track_gmv", {"track": t})
            if t
            else Message("dashboard.col.unowned_gmv")
            for t in track_names
        ),
        tuple(
            (
                b.month,
                b.gmv,
                b.live_gmv,
                _r(b.live_share, 4),
                sum(len(p.promotions) for p in d.promotions if p.month == b.month),
                *(dict(b.by_track).get(t) for t in track_names),
            )
            for b in d.business
        ),
    )
    competency = Table(
        "competency",
        Message("dashboard.table.competency"),
        tuple(
            _m(c)
            for c in (
                "track",
                "level",
                "below",
                "competency",
                "expected",
                "reached",
                "short",
                "unrated",
            )
        ),
        tuple(
            (
                g.track,
                g.level,
                len(g.people),
                n.competency,
                n.expected,
                n.reached_count,
                len(n.short),
                len(n.unrated),
            )
            for g in d.competency
            for n in g.needs
        ),
    )
    return {t.key: t for t in (pipeline, nine, flow, cases_table, business, competency)}


def export_table(app: AppSession, table: Table, out: Path, lang: str | None = None) -> Path:
    """One chart's table as .xlsx; every text cell formula-safe, written atomically."""
    require(app.actor, Perm.EXPORT_DATA)
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = table.title.text(lang)[:31]
    sheet.append(safe_row([table.title.text(lang)]))
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(safe_row([c.text(lang) for c in table.columns]))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in table.rows:
        sheet.append(safe_row(["" if v is None else v for v in row]))
    sheet.freeze_panes = "A3"
    out = Path(out)
    save_workbook(workbook, out)
    return out
