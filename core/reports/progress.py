"""个人晋升进度单: one employee's path, printed each month (employees do not log in).

Current level, each next move with every criterion met or missing and its numbers (the sentence
the 晋升进度 tab shows), training done and the training the next level expects. In a batch for
every active employee (core/reports/service.write_all).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from core.model import Level
from core.permissions import Perm, require
from core.reports import blocks as b
from core.reports.common import EmployeeBlock, employee_block, letterhead
from core.session import AppSession

TITLE = "个人晋升进度单"


@dataclass(frozen=True)
class Move:
    label: str
    status: str
    met: int
    total: int
    summary: str
    criteria: tuple[tuple[bool, str, str], ...]  # (met, sentence, what is missing)
    training_due: tuple[tuple[str, bool], ...]  # (course the next level expects, done)


@dataclass(frozen=True)
class TrainingLine:
    course: str
    provider: str
    day: date | None
    hours: float | None
    score: float | None
    passed: bool | None


@dataclass(frozen=True)
class ProgressData:
    head: b.Letterhead
    employee: EmployeeBlock
    as_of: str
    moves: tuple[Move, ...]
    training: tuple[TrainingLine, ...]
    day: date


def progress_data(app: AppSession, employee_id: int, as_of: str | None = None) -> ProgressData:
    from core.services.archive import records as archive
    from core.services.eligibility import readiness as el

    require(app.actor, Perm.PRINT_REPORTS)
    progress = el.employee_progress(app, employee_id, as_of)
    training = archive.list_training(app, employee_id)
    done = {t.course.strip() for t in training if t.passed is not False}
    with app.read() as s:
        head = letterhead(s, TITLE)
        person = employee_block(s, app, employee_id)
        moves = []
        for outlook in progress.outlooks:
            level = s.get(Level, outlook.transition.to_level_id)
            courses = (level.trainings or ()) if level else ()
            due = tuple((str(c), str(c).strip() in done) for c in courses)
            moves.append(
                Move(
                    label=outlook.transition.label(),
                    status=outlook.status.message().text("zh"),
                    met=outlook.progress.met_count,
                    total=len(outlook.results),
                    summary=outlook.summary().text("zh"),
                    criteria=tuple(
                        (
                            r.met,
                            r.explanation.text("zh"),
                            r.missing.text("zh") if r.missing and not r.met else "",
                        )
                        for r in outlook.results
                    ),
                    training_due=due,
                )
            )
    lines = tuple(
        TrainingLine(t.course, t.provider, t.start_date, t.hours, t.score, t.passed)
        for t in training
    )
    return ProgressData(head, person, progress.as_of, tuple(moves), lines, date.today())


def _number(value: float | None) -> str:
    if value is None:
        return "—"
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def story(data: ProgressData) -> list[Any]:
    e = data.employee
    found: list[Any] = [
        b.para(TITLE, "title"),
        b.para(f"{e.name} · 截至 {b.month_text(data.as_of)} 的数据", "subtitle"),
        b.fields(
            [
                ("姓名", e.name),
                ("工号", e.no),
                ("部门", e.department or "—"),
                ("直属上级", e.supervisor or "—"),
                ("通道 / 现职级", f"{e.track} / {e.level}" if e.track else e.level or "—"),
                ("现职级起始", b.date_text(e.level_since) or "—"),
            ]
        ),
    ]
    if not data.moves:
        found += [*b.heading("下一步"), b.para("当前职级没有设置晋升方向，或尚未分配职级。")]
    for move in data.moves:
        found += b.heading(
            f"下一步：{move.label}（{move.status}，已满足 {move.met} / {move.total} 项）"
        )
        rows: list[list[Any]] = [["", "条件与现在的情况", "还差什么"]]
        for met, sentence, missing in move.criteria:
            rows.append([b.mark(met), sentence, missing or ("已满足" if met else "—")])
        if move.criteria:
            found.append(b.table(rows, [7, 118, 49]))
        else:
            found.append(b.para(move.summary))
        if move.training_due:
            due = "；".join(f"{c}（{'已完成' if ok else '待完成'}）" for c, ok in move.training_due)
            found += [b.spacer(1.5), b.para(f"该职级要求的培训：{due}", "cell")]
    found.extend(b.heading("培训记录"))
    if data.training:
        rows = [["课程", "机构", "开始日期", "学时", "成绩", "是否通过"]]
        for t in data.training:
            passed = "—" if t.passed is None else ("通过" if t.passed else "未通过")
            rows.append(
                [
                    t.course,
                    t.provider or "—",
                    b.date_text(t.day) or "—",
                    _number(t.hours),
                    _number(t.score),
                    passed,
                ]
            )
        found.append(b.table(rows, [50, 42, 28, 14, 14, 18], zebra=True))
    else:
        found.append(b.para("暂无培训记录。"))
    found += [
        b.spacer(5),
        b.para(
            "本进度单由公司档案中的数据生成；如对数据有疑问，请联系人事。"
            f"打印日期：{b.date_text(data.day)}",
            "muted",
        ),
        b.spacer(6),
        b.para("员工签收：________________        日期：____年__月__日", "body"),
    ]
    return found


def render_progress(data: ProgressData) -> bytes:
    return b.build_pdf(story(data), data.head, title=f"{TITLE} — {data.employee.name}")


def progress_report(app: AppSession, employee_id: int, as_of: str | None = None) -> bytes:
    return render_progress(progress_data(app, employee_id, as_of))
