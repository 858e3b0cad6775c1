"""晋升评审对比: two or three candidates of the same transition side by side, for the meeting.

The rows come from core.services.promotion.review.compare (criteria and parts aligned): one table
per section, so a candidate's value always sits on the same row as the others'. A row whose values
differ is shaded (as on the screen) and marked 「≠」 so it reads on a black-and-white printout too.
Every cell is a paragraph in the embedded font that wraps inside its column (``wordWrap="CJK"``):
a long criterion or name is printed whole on several lines, never cut short.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from core.permissions import Perm, require
from core.reports import blocks as b
from core.reports.common import letterhead
from core.services.promotion import review
from core.session import AppSession

TITLE = "晋升评审对比"
SECTIONS = {"criteria": "晋升条件", "parts": "评估得分"}
DIFFERS = "#fff4ce"  # the compare dialog's shading of a differing row


def story(details: Sequence[review.ReviewDetail], cycle: str) -> list[Any]:
    from reportlab.lib import colors

    lines = review.compare(details)
    names = [f"{d.row.name}（{d.row.no}）" for d in details]
    found: list[Any] = [
        b.spacer(4),
        b.para(TITLE, "title"),
        b.spacer(2),
        b.fields([("评审周期", cycle), ("晋升路径", details[0].row.transition)], columns=2),
        b.spacer(3),
    ]
    head = [b.para(h, "head") for h in ("项目", *names, "差异")]
    for key, label in SECTIONS.items():
        rows: list[list[Any]] = [head]
        shaded: list[tuple[Any, ...]] = []
        for line in lines:
            if line.section != key:
                continue
            name = "总分" if line.label == "total" else line.label
            values = [b.para(v or "—", "cell_c") for v in line.values]
            rows.append(
                [b.para(name, "cell"), *values, b.para("≠" if line.differs else "", "cell_c")]
            )
            if line.differs:
                r = len(rows) - 1
                shaded.append(("BACKGROUND", (0, r), (-1, r), colors.HexColor(DIFFERS)))
        if len(rows) > 1:
            found += b.heading(label)
            found.append(b.table(rows, [60, *[30] * len(names), 10], extra=shaded))
            found.append(b.spacer(4))
    found.append(b.para(f"打印日期：{b.date_text(date.today())}", "body"))
    return found


def compare_pdf(app: AppSession, cycle: review.CycleRow, rows: Sequence[review.ReviewRow]) -> bytes:
    """The comparison of ``rows`` (2–3 candidates of one transition in ``cycle``) as a PDF."""
    require(app.actor, Perm.PRINT_REPORTS)
    details = [review.review_detail(app, cycle, r) for r in rows]
    with app.read() as s:
        head = letterhead(s, TITLE)
    return b.build_pdf(story(details, cycle.name), head, title=TITLE, subject=cycle.name)
