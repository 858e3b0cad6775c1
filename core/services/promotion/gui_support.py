"""Small read-only look-ups the promotion screens need and the core did not have yet.

Kept apart from the use-case modules so the lead can fold them in (or replace them) freely.
"""

from __future__ import annotations

from datetime import date

from core.permissions import Perm, require
from core.services.eligibility import readiness as el
from core.session import AppSession


def transitions(app: AppSession) -> list[tuple[int, str]]:
    """Every live transition as (id, "运营助理 → 运营专员"), bottom of the ladder first."""
    require(app.actor, Perm.VIEW_ELIGIBILITY)
    with app.read() as s:
        found = el._transitions(el.read_design(s))
    flat = [t for ts in found.values() for t in ts]

    def label(t: el.TransitionRules) -> str:
        # "运营助理 → 运营专员" exists on several tracks: name the track when it does not change
        same = t.from_track == t.to_track and t.from_track
        return f"{t.from_track} · {t.label()}" if same else t.label()

    return [(t.id, label(t)) for t in sorted(flat, key=lambda t: t.id)]


def default_cycle_month(app: AppSession, today: date | None = None) -> str:
    """The as-of month a new cycle gets when none is given: the last complete month with data."""
    from core.services.eligibility import metrics as kpi

    require(app.actor, Perm.VIEW_ELIGIBILITY)
    with app.read() as s:
        return kpi.default_as_of(kpi.latest_data_month(s), today)
