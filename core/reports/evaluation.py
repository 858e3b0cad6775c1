"""评估报告: one employee's promotion evaluation, for the promotion meeting and the file.

From a case (core/services/promotion/cases.view_case: a decided case prints its snapshot, an
undecided one today's figures "截至 YYYY年M月 的数据"), or without a case from the employee's
current transition (eligibility.employee_progress). Sections: employee block, KPI months with a
trend line per KPI, the criteria checklist with the sentence the employee reads, the three-part
score breakdown, reason and comments, the approval trail, the decision, signature lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from core.i18n import render
from core.model import PromotionCase
from core.permissions import Perm, require
from core.reports import blocks as b
from core.reports.common import (
    EmployeeBlock,
    as_when_proposed,
    employee_block,
    letterhead,
    value_text,
    with_units,
)
from core.session import AppSession

TITLE = "晋升评估报告"
SIGNERS = ("被评估人", "直属上级", "人事", "老板")  # as the approval trail names the steps
MAX_MONTHS = 6  # the KPI table shows at most the window's last six months


@dataclass(frozen=True)
class TrailRow:
    at: datetime
    role: str
    login: str
    action: str
    comment: str
    on_behalf: bool = False


@dataclass(frozen=True)
class EvaluationData:
    """Everything the report prints, as plain values."""

    head: b.Letterhead
    employee: EmployeeBlock
    from_label: str
    to_label: str
    cycle: str | None
    as_of: str
    criteria: tuple[dict[str, Any], ...]
    evaluation: dict[str, Any]
    case_id: int | None = None
    state: str = ""
    snapshot: bool = False
    readiness: str = ""
    reason: str = ""
    statement: str = ""
    trail: tuple[TrailRow, ...] = ()
    decision: dict[str, Any] | None = None
    printed_on: date | None = None


def _label(code: str, fallback: str) -> str:
    text = render(code, {}, "zh")
    return fallback if not text or text == code else text


def _criterion(result: Any) -> dict[str, Any]:
    """A live criterion result in the shape of a case's snapshot."""
    found = result.as_dict("zh")
    return {
        "rule": found["rule"],
        "met": bool(found["met"]),
        "observed": found["observed"],
        "required": found["required"],
        "explanation": found["explanation"],
        "missing": found["missing"],
        "kind": result.spec.kind,
        "metric": result.spec.metric,
        "window": result.spec.window,
        "months": [{"month": d.month, "value": d.value, "met": d.met} for d in result.details],
    }


def from_case(app: AppSession, case_id: int, *, show_id_number: bool = False) -> EvaluationData:
    from core.services.promotion import cases

    require(app.actor, Perm.PRINT_REPORTS)
    view = cases.view_case(app, case_id)
    with app.read() as s:
        head = letterhead(s, TITLE)
        person = employee_block(s, app, view.summary.employee_id, show_id_number=show_id_number)
        person = as_when_proposed(s, person, s.get(PromotionCase, case_id))
        criteria = with_units(s, view.criteria)
    trail = tuple(
        TrailRow(t.at, t.role, t.login, t.action, t.text("zh"), t.on_behalf) for t in view.trail
    )
    decision = dict(view.decision) if view.decision else None
    if decision is not None and person.salary is None:
        decision.pop("salary", None)  # the reader may not see salaries
    return EvaluationData(
        head=head,
        employee=person,
        from_label=view.summary.from_label,
        to_label=view.summary.to_label,
        cycle=view.summary.cycle,
        as_of=view.as_of,
        criteria=criteria,
        evaluation=dict(view.evaluation),
        case_id=view.id,
        state=_label(f"case.state.{view.summary.state}", view.summary.state),
        snapshot=view.from_snapshot,
        reason=view.reason,
        statement=view.statement,
        trail=trail,
        decision=decision,
        printed_on=date.today(),
    )


def from_progress(
    app: AppSession,
    employee_id: int,
    as_of: str | None = None,
    *,
    transition_id: int | None = None,
    show_id_number: bool = False,
    cycle: str | None = None,
) -> EvaluationData:
    """Without a case: the employee's current (first, or the given) transition, as of a month.
    The scores are those of ``cycle``, else of the newest open cycle, and the report names it:
    the person's latest scores were printed as current, even when they were a past cycle's,
    given for the move before (运营助理 → 运营专员 scores on a 运营专员 → 运营主管 report)."""
    from core.domain import scoring
    from core.errors import ValidationError
    from core.services.eligibility import readiness as el
    from core.services.promotion import scores

    require(app.actor, Perm.PRINT_REPORTS)
    with app.read() as s:
        judged = _report_cycle(s, cycle)
        if judged is not None and (cycle is not None or as_of is None):
            as_of = judged.as_of  # a named cycle is judged as of its month
    progress = el.employee_progress(app, employee_id, as_of, transition_id=transition_id)
    with app.read() as s:
        head = letterhead(s, TITLE)
        person = employee_block(s, app, employee_id, show_id_number=show_id_number)
        entries = scores.period_entries(s, employee_id, judged.name) if judged else []
        outlook = progress.outlooks[0] if progress.outlooks else None
        criteria = with_units(s, [_criterion(r) for r in outlook.results] if outlook else [])
    if outlook is None:
        raise ValidationError("report.no_transition", name=person.name)
    template = outlook.transition.template or scoring.DEFAULT_TEMPLATE
    evaluation = scores.evaluate(template, outlook.results, entries).as_dict()
    from_label, to_label = outlook.transition.ends()
    return EvaluationData(
        head=head,
        employee=person,
        from_label=from_label,
        to_label=to_label,
        cycle=judged.name if judged else None,
        as_of=progress.as_of,
        criteria=criteria,
        evaluation=evaluation,
        readiness=outlook.status.message().text("zh"),
        printed_on=date.today(),
    )


def _report_cycle(session: Any, cycle: str | None) -> Any:
    """The cycle a report without a case is for: the one named, else the newest open one."""
    from sqlalchemy import select

    from core.model import ReviewCycle
    from core.services.promotion.cycles import find_cycle

    if cycle is not None:
        return find_cycle(session, cycle)
    newest = select(ReviewCycle).where(ReviewCycle.state == "open")
    return session.scalar(newest.order_by(ReviewCycle.as_of.desc(), ReviewCycle.id.desc()).limit(1))


# --- rendering ----------------------------------------------------------------------------------


def _number(value: Any, decimals: int = 1) -> str:
    if value is None:
        return "—"
    if isinstance(value, int | float):
        text = f"{float(value):.{decimals}f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    return str(value)


def _kpi_months(criteria: tuple[dict[str, Any], ...]) -> tuple[list[str], list[dict[str, Any]]]:
    kpis = [c for c in criteria if c.get("months") and c.get("kind") != "score"]
    months = sorted({m["month"] for c in kpis for m in c["months"] if m.get("month")})
    return months[-MAX_MONTHS:], kpis


def _kpi_table(criteria: tuple[dict[str, Any], ...]) -> list[Any]:
    months, kpis = _kpi_months(criteria)
    if not kpis or not months:
        return []
    header: list[Any] = ["指标", *[b.month_text(m)[2:] for m in months], "趋势"]
    rows: list[list[Any]] = [header]
    for c in kpis:
        by_month = {m["month"]: m for m in c["months"]}
        cells: list[Any] = [c.get("rule", "")]
        values: list[float | None] = []
        met: list[bool | None] = []
        for month in months:
            found = by_month.get(month)
            value = found.get("value") if found else None
            if isinstance(value, float) and value != value:
                value = None
            values.append(value)
            met.append(found.get("met") if found else None)
            # blank: a month the rule does not look at (a change rule compares only its first
            # and last month); a month it looks at without figures says 无数据
            shown = "" if found is None else value_text({**c, "kind": "each_month"}, value)
            if found is not None and found.get("met") is False:
                shown = f'<font color="{b.BAD}">{b.text(shown)} {b.NOT_MET}</font>'
                cells.append(b.para(shown, "cell_r", markup=True))
            else:
                cells.append(b.para(shown, "cell_r"))
        cells.append(b.sparkline(values, met))
        rows.append(cells)
    widths = [42, *([17] * len(months)), 26]  # "23年10月" on one line
    return [
        *b.heading("月度指标"),
        b.table(rows, widths, zebra=True),
        b.para(
            "空白：该条件不看这个月（例如“较3个月前提升”只比较首尾两个月）；无数据：该月没有导入数据。",
            "muted",
        ),
    ]


def _criteria_table(criteria: tuple[dict[str, Any], ...]) -> list[Any]:
    if not criteria:
        return [*b.heading("达标条件"), b.para("该晋升方向没有设置条件。")]
    met = sum(1 for c in criteria if c.get("met"))
    rows: list[list[Any]] = [["", "条件", "实际", "要求", "说明"]]
    for c in criteria:
        rows.append(
            [
                b.mark(bool(c.get("met"))),
                c.get("rule", ""),
                value_text(c, c.get("observed")),
                value_text(c, c.get("required")),
                c.get("explanation", "") + (f"\n{c['missing']}" if c.get("missing") else ""),
            ]
        )
    return [
        *b.heading(f"达标条件（已满足 {met} / {len(criteria)} 项）"),
        # 要求 as wide as 实际: "1.5个百分点" broke as 1.5个百分 / 点 in 18
        b.table(rows, [7, 40, 22, 22, 83]),
    ]


def _scores_table(evaluation: dict[str, Any]) -> list[Any]:
    parts = evaluation.get("parts") or []
    if not parts:
        return []
    rows: list[list[Any]] = [["部分", "权重", "项目（权重）", "评分人", "平均", "分差", "部分得分"]]
    spans: list[tuple[Any, ...]] = []
    for part in parts:
        start = len(rows)
        weight = f"{_number(part.get('weight'))}%"
        score = _number(part.get("score"))
        items = part.get("items") or []
        if part.get("from_kpi") or not items:
            how = "由达标条件的完成度计算" if part.get("from_kpi") else "—"
            rows.append([part.get("name", ""), weight, how, "", "", "", score])
        else:
            for i, item in enumerate(items):
                ratings = "、".join(
                    f"{r.get('rater') or '匿名'} {_number(r.get('score'))}"
                    for r in item.get("ratings") or []
                )
                rows.append(
                    [
                        part.get("name", "") if i == 0 else "",
                        weight if i == 0 else "",
                        f"{item.get('name', '')}（{_number(item.get('weight'))}%）",
                        ratings or "未评分",
                        _number(item.get("average")),
                        _number(item.get("spread")),
                        score if i == 0 else "",
                    ]
                )
        end = len(rows) - 1
        if end > start:
            for col in (0, 1, 6):
                spans.append(("SPAN", (col, start), (col, end)))
    total = evaluation.get("total")
    rows.append(["总分", "100%", "各部分得分 × 权重之和", "", "", "", _number(total)])
    last = len(rows) - 1
    spans.append(("SPAN", (2, last), (5, last)))
    from reportlab.lib import colors

    spans.append(("BACKGROUND", (0, last), (-1, last), colors.HexColor(b.HEAD_BG)))
    spans.append(("VALIGN", (0, 1), (-1, -1), "MIDDLE"))
    spans.append(("ALIGN", (4, 1), (6, -1), "RIGHT"))
    spans.append(("ALIGN", (1, 1), (1, -1), "CENTER"))
    title = "评分明细" + (
        f"（总分 {_number(total)}）" if total is not None else "（评分未完成，暂无总分）"
    )
    return [*b.heading(title), b.table(rows, [18, 13, 40, 56, 14, 14, 19], extra=spans)]


def _when(at: datetime) -> str:
    local = at.replace(tzinfo=UTC).astimezone() if at.tzinfo is None else at.astimezone()
    return local.strftime("%Y-%m-%d %H:%M")


def _trail_table(trail: tuple[TrailRow, ...]) -> list[Any]:
    if not trail:
        return []
    rows: list[list[Any]] = [["时间", "步骤", "处理人", "操作", "意见"]]
    for t in trail:
        if t.role:
            role = _label(f"case.role.{t.role}", t.role)
        else:
            role = "申请人" if t.action in ("submit", "resubmit", "withdraw") else "—"
        who = t.login + ("（代为处理）" if t.on_behalf else "") if t.login else "—"
        rows.append(
            [
                _when(t.at),
                role,
                who,
                _label(f"case.action.{t.action}", t.action),
                t.comment or "",
            ]
        )
    return [*b.heading("审批记录"), b.table(rows, [28, 16, 26, 18, 86], zebra=True)]


def _decision(decision: dict[str, Any] | None) -> list[Any]:
    if not decision:
        return []
    pairs: list[tuple[str, Any]] = []
    if decision.get("salary") is not None:
        pairs.append(("新月薪", f"¥{int(decision['salary']):,}"))
    effective = decision.get("effective")
    if effective:
        pairs.append(("生效日期", b.date_text(date.fromisoformat(str(effective)))))
    pairs.append(("新增权限", "、".join(decision.get("permissions") or []) or "无"))
    pairs.append(("培训", "、".join(decision.get("training") or []) or "无"))
    found: list[Any] = [*b.heading("决定"), b.fields(pairs)]
    if decision.get("notice"):
        found += [b.spacer(1.5), b.para(f"公示：{decision['notice']}")]
    return found


def story(data: EvaluationData) -> list[Any]:
    e = data.employee
    month = b.month_text(data.as_of)
    basis = f"决定时的数据快照（截至 {month}）" if data.snapshot else f"截至 {month} 的数据"
    found: list[Any] = [
        b.para(TITLE, "title"),
        b.para(f"{e.name} · {data.from_label} → {data.to_label} · {basis}", "subtitle"),
    ]
    pairs: list[tuple[str, Any]] = [
        ("姓名", e.name),
        ("工号", e.no),
        ("部门", e.department or "—"),
        ("直属上级", e.supervisor or "—"),
        (
            "原通道 / 职级" if e.held_then else "通道 / 现职级",
            f"{e.track} / {e.level}" if e.track else e.level or "—",
        ),
        ("原职级起始" if e.held_then else "现职级起始", b.date_text(e.level_since) or "—"),
        ("入职日期", b.date_text(e.hire_date) or "—"),
        ("身份证号", e.id_number or "—"),
        ("晋升方向", f"{data.from_label} → {data.to_label}"),
        ("评审周期", data.cycle or "—"),
        ("数据月份", month or "—"),
        (
            "申请",
            f"#{data.case_id} {data.state}" if data.case_id else (data.readiness or "未提交申请"),
        ),
    ]
    found.append(b.fields(pairs))
    reasons: list[Any] = []
    if data.reason or data.statement:
        reasons.extend(b.heading("申请理由与自述"))
        if data.reason:
            reasons.append(b.para(f"申请理由：{data.reason}"))
        if data.statement:
            reasons.append(b.para(f"自述：{data.statement}"))
    sections = [
        _kpi_table(data.criteria),
        _criteria_table(data.criteria),
        _scores_table(data.evaluation),
        reasons,
        _trail_table(data.trail),
        _decision(data.decision),
    ]
    sections = [s for s in sections if s]
    for section in sections[:-1]:
        found += section
    from reportlab.platypus import CondPageBreak, KeepTogether

    signatures = [
        b.para("签字", "h2"),
        b.signatures(SIGNERS),
        b.spacer(2),
        b.para(f"打印日期：{b.date_text(data.printed_on or date.today())}", "muted"),
    ]
    # The signatures go onto the next page with the section above them, never alone: a page of
    # blank signature lines could be stapled to anything. One flat group: a KeepTogether inside
    # another one, or the section's own CondPageBreak, asks for more than a frame and would push
    # the group a page further on.
    last = [f for f in (sections[-1] if sections else []) if not isinstance(f, CondPageBreak)]
    found.append(KeepTogether([*last, *signatures]))
    return found


def render_evaluation(data: EvaluationData) -> bytes:
    subject = f"{data.employee.name} {data.from_label} → {data.to_label}"
    return b.build_pdf(
        story(data), data.head, title=f"{TITLE} — {data.employee.name}", subject=subject
    )


def evaluation_report(
    app: AppSession,
    employee_id: int,
    case_id: int | None = None,
    *,
    show_id_number: bool = False,
    as_of: str | None = None,
    cycle: str | None = None,
) -> bytes:
    """The PDF for a case, or (without one) for the employee's current transition in ``cycle``
    (else the newest open cycle)."""
    if case_id is not None:
        data = from_case(app, case_id, show_id_number=show_id_number)
        if data.employee.id != employee_id:
            from core.errors import ValidationError

            raise ValidationError("report.case.other_employee", id=case_id, name=data.employee.name)
        return render_evaluation(data)
    data = from_progress(app, employee_id, as_of, show_id_number=show_id_number, cycle=cycle)
    return render_evaluation(data)
