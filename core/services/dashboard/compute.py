"""``dashboard(app, as_of)``: every figure in one call.

Formulas: see the package docstring (core/services/dashboard/__init__.py)."""

from __future__ import annotations

from datetime import date

from core.domain import months as mo
from core.permissions import Perm, require
from core.progress import NO_PROGRESS, Progress
from core.services.archive.employees import visible_ids, without_self
from core.services.dashboard.business import _business, _checklist
from core.services.dashboard.cases import _cases
from core.services.dashboard.competency import _competency
from core.services.dashboard.figures import CaseFigures, Dashboard, read_settings
from core.services.dashboard.flow import _flow, _promotions
from core.services.dashboard.nine_box import _nine_box
from core.services.dashboard.pipeline import _levels, _pipeline, _promotion_into, _staff
from core.services.eligibility import readiness as el
from core.session import AppSession


def dashboard(
    app: AppSession,
    as_of: str | None = None,
    *,
    progress: Progress = NO_PROGRESS,
    today: date | None = None,
    with_cases: bool = True,
) -> Dashboard:
    """Every figure of the dashboard as of ``as_of`` (default: the 达标名单's month)."""
    require(app.actor, Perm.VIEW_ELIGIBILITY)
    if as_of is not None:
        mo.parse(as_of)
    found = el.eligibility_list(app, as_of, progress=progress, today=today)
    month = found.as_of
    end = mo.last_day(month)
    with app.read() as s:
        scope = visible_ids(s, app.actor)
        scope_set = None if scope is None else set(scope)
        current = read_settings(s)
        tracks_rows, levels = _levels(s)
        staff = _staff(s, scope_set)
        into = _promotion_into(s)
        # a supervisor's own readiness is not in her list: a level only she could succeed to is
        # not a gap of her team's pipeline
        viewer = app.actor.employee_id if scope_set is not None else None
        tracks, gaps = _pipeline(
            tracks_rows, levels, staff, found, into, end, current.bench_strength, viewer
        )
        flow = _flow(staff, levels, month, [t[0] for t in tracks_rows])
        promotions = _promotions(staff, levels, month)
        checklist = _checklist(s)
        everyone = {p.id: p for p in (staff if scope_set is None else _staff(s, None))}

        def track_of(employee_id: int, m: str) -> str | None:
            person = everyone.get(employee_id)
            level = person.level_at(mo.last_day(m)) if person is not None else None
            return levels[level].track if level in levels else None

        business = _business(s, month, track_of)
        # a supervisor's own case and scores are reviewed by others: not on her dashboard
        reviewed = without_self(scope_set, app.actor)
        nine = _nine_box(s, reviewed, found, current)
        competency = _competency(s, levels, staff, into, end)
        cases = _cases(s, reviewed) if with_cases else CaseFigures(0, None, None, (), (), ())
    return Dashboard(
        month,
        current,
        tracks,
        gaps,
        flow,
        promotions,
        cases,
        nine,
        business,
        checklist,
        found.latest_month,
        competency,
    )
