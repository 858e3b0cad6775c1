"""One door to every promotion document, for the CLI and the GUI: render one, or write a batch.

Kinds: ``evaluation`` (评估报告), ``letter`` (晋升通知书), ``announcement`` (晋升公示), ``progress``
(个人晋升进度单). A batch writes one PDF per active employee into a folder, reporting each step to
a callback that may cancel (the GUI's progress bar), and skips, with the reason, the people a kind
does not apply to (no decided case for a letter, no next move for an evaluation).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from core.errors import TiduiError, ValidationError
from core.i18n import Message
from core.model import PromotionCase, ReviewCycle
from core.permissions import Perm, require
from core.progress import NO_PROGRESS, Progress
from core.session import AppSession
from core.storage.atomic import write_atomic

KINDS = ("evaluation", "letter", "announcement", "progress")
KIND_TITLES = {
    "evaluation": "晋升评估报告",
    "letter": "晋升通知书",
    "announcement": "晋升公示",
    "progress": "个人晋升进度单",
}
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValidationError(
            "report.kind.unknown", field="kind", kind=kind, kinds=", ".join(KINDS)
        )


def _case_in_cycle(app: AppSession, employee_id: int, cycle: str | None) -> int | None:
    """The employee's newest case in ``cycle``; without a cycle, their newest case still under
    review (the one a meeting discusses), else None."""
    from core.domain import cases as dc
    from core.services.promotion.cycles import find_cycle

    with app.read() as s:
        query = select(PromotionCase.id).where(PromotionCase.employee_id == employee_id)
        if cycle is not None:
            query = query.where(PromotionCase.cycle_id == find_cycle(s, cycle).id)
        else:
            waiting = dc.OPEN_STATES | {dc.CaseState.APPROVED}
            query = query.where(PromotionCase.state.in_([state.value for state in waiting]))
        found = s.scalar(query.order_by(PromotionCase.id.desc()).limit(1))
        return int(found) if found is not None else None


def _cycle_as_of(app: AppSession, cycle: str | None) -> str | None:
    from core.services.promotion.cycles import find_cycle

    if cycle is None:
        return None
    with app.read() as s:
        row: ReviewCycle = find_cycle(s, cycle)
        return row.as_of


def render_report(
    app: AppSession,
    kind: str,
    employee_id: int | None = None,
    *,
    case_id: int | None = None,
    cycle: str | None = None,
    show_id_number: bool = False,
    as_of: str | None = None,
) -> bytes:
    """The PDF of one document. ``evaluation``: the case (given, or the employee's newest in the
    cycle, or without a cycle the one under review), else the employee's current transition; ``letter``: the case, else the employee's
    newest decided one; ``announcement``: the cycle's decided cases; ``progress``: the employee, as
    of ``as_of`` (the month the screen shows), else the cycle's month, else the latest complete."""
    from core.reports import announcement, evaluation, letter, progress

    _check_kind(kind)
    require(app.actor, Perm.PRINT_REPORTS)
    if kind == "announcement":
        return announcement.announcement_report(
            app, cycle, case_id=case_id, employee_id=employee_id
        )
    if employee_id is None:
        raise ValidationError("report.employee.required", field="employee", kind=kind)
    if kind == "evaluation":
        if case_id is None:
            case_id = _case_in_cycle(app, employee_id, cycle)
        return evaluation.evaluation_report(
            app,
            employee_id,
            case_id,
            show_id_number=show_id_number,
            as_of=as_of if case_id is None else None,
            cycle=cycle,
        )
    if kind == "letter":
        if case_id is None and cycle is not None:
            case_id = _case_in_cycle(app, employee_id, cycle)
        return letter.letter_report(app, employee_id, case_id)
    return progress.progress_report(app, employee_id, as_of or _cycle_as_of(app, cycle))


def file_name(no: str, name: str, kind: str) -> str:
    stem = _UNSAFE.sub("_", f"{no}_{name}_{KIND_TITLES[kind]}").strip(" .") or kind
    return f"{stem}.pdf"


@dataclass(frozen=True)
class BatchResult:
    written: tuple[Path, ...]
    skipped: tuple[tuple[str, str], ...]  # (工号 姓名, why) as the user reads it


def write_report(path: Path, data: bytes) -> Path:
    path = Path(path)
    if path.parent and not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, data)
    return path


def write_all(
    app: AppSession,
    kind: str,
    folder: Path,
    *,
    cycle: str | None = None,
    show_id_number: bool = False,
    progress: Progress = NO_PROGRESS,
    lang: str | None = None,
    as_of: str | None = None,
) -> BatchResult:
    """One PDF per active employee into ``folder`` (the announcement: one file for the cycle).

    ``progress`` steps once per person; a cancel stops before the next one (raising Cancelled),
    the files already written stay, each complete (written atomically)."""
    from core.reports.common import active_employee_ids

    _check_kind(kind)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if kind == "announcement":
        data = render_report(app, kind, cycle=cycle)
        name = _UNSAFE.sub("_", f"{KIND_TITLES[kind]}_{cycle or ''}").strip("_ .") + ".pdf"
        return BatchResult((write_report(folder / name, data),), ())
    people = active_employee_ids(app)
    written: list[Path] = []
    skipped: list[tuple[str, str]] = []
    for i, (employee_id, no, name) in enumerate(people):
        progress.step(i, len(people), Message("report.batch.step", {"name": name}))
        try:
            data = render_report(
                app, kind, employee_id, cycle=cycle, show_id_number=show_id_number, as_of=as_of
            )
        except ValidationError as err:  # not applicable to this person: say why, go on
            skipped.append((f"{no} {name}", err.text(lang)))
            continue
        except TiduiError:
            raise
        written.append(write_report(folder / file_name(no, name, kind), data))
    progress.step(len(people), len(people))
    return BatchResult(tuple(written), tuple(skipped))
