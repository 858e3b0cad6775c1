"""An audit entry's change in words, for the owner's viewer (设置 → 审计日志):
``{"state": "in_review", "step": 2} → {"state": "returned", …}`` reads 状态：审批中 → 退回补充；
审批步骤：第3步 → —；意见：…

Pure: plain values in, text out, in the language asked for. The words come from the tables the
app already keeps: case states (``case.state.*``), account roles (``role.*``), approval-step roles
(``case.role.*``), import sources (``SOURCE_KINDS``), evaluation parts, achievement types and
metrics (core.domain.metrics), and the import templates' column headers (工号, 入职日期, 月薪 …);
what only the log names has ``audit.field.*`` / ``audit.value.*`` in the catalogue. A key or value
none of them knows is shown as it is stored, so nothing is ever dropped. The log itself, and its
export, keep the stored JSON.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from core.domain import metrics as mx
from core.i18n import catalogue, current_language, render
from core.importers.sources import SOURCE_KINDS
from core.importers.templates import TEMPLATES

# An entity's own import template: its headers name its fields best (姓名, not 名称).
_ENTITY_TEMPLATE = {
    "employee": "roster",
    "training": "training",
    "achievement": "achievements",
    "score": "scores",
    "metric_value": "metrics",
    "store_ownership": "store-owners",
}
# Fields holding the id of an employee, a level or a track.
_EMPLOYEE_REFS = frozenset({"employee_id", "supervisor_id", "rater_employee_id"})
_MISSING = object()


@dataclass(frozen=True)
class AuditNames:
    """What the ids an entry stores stand for in this file (see ``audit.reference_names``):
    employee id → (name, 工号), level id → title, track id → name."""

    employees: Mapping[int, tuple[str, str]] = field(default_factory=dict)
    levels: Mapping[int, str] = field(default_factory=dict)
    tracks: Mapping[int, str] = field(default_factory=dict)


_NO_NAMES = AuditNames()


def _known(code: str, lang: str, params: dict[str, Any] | None = None) -> str | None:
    return render(code, params, lang) if code in catalogue() else None


def field_label(key: str, entity: str = "", lang: str | None = None) -> str:
    """A stored field's name in words: 状态 for ``state``, 入职日期 for an employee's
    ``hire_date``; the key itself when nothing names it."""
    lang = lang or current_language()
    found = _known(f"audit.field.{entity}.{key}", lang) if entity else None
    own = TEMPLATES.get(_ENTITY_TEMPLATE.get(entity, ""))
    if found is None and own is not None:
        found = _header(own.fields, key, lang)
    if found is None:
        found = _known(f"audit.field.{key}", lang)
    for template in TEMPLATES.values() if found is None else ():
        found = _header(template.fields, key, lang)
        if found is not None:
            break
    return found if found is not None else str(key)


def _header(fields: Any, key: str, lang: str) -> str | None:
    for f in fields:
        if f.key == key:
            return str(f.header_en if lang == "en" else f.header)
    return None


def _number(value: float) -> str:
    if math.isfinite(value) and value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def _plain(value: Any, lang: str) -> str:
    """Any stored value as text: 是/否, — for nothing, lists and objects spelt out."""
    if value is None or value == "" or value == [] or value == {}:
        return render("audit.value.empty", None, lang)
    if isinstance(value, bool):
        return render("audit.value.yes" if value else "audit.value.no", None, lang)
    if isinstance(value, float):
        return _number(value)
    if isinstance(value, list | tuple):
        return render("rules.sep.names", None, lang).join(_plain(v, lang) for v in value)
    if isinstance(value, dict):
        inner = render("rules.sep.conditions", None, lang).join(
            _pair(field_label(str(k), "", lang), _plain(v, lang), lang) for k, v in value.items()
        )
        return f"（{inner}）" if lang != "en" else f"({inner})"
    return str(value)


def _pair(label: str, text: str, lang: str) -> str:
    return render("audit.change.field", {"field": label, "value": text}, lang)


def value_text(
    key: str, value: Any, entity: str = "", lang: str | None = None, names: AuditNames = _NO_NAMES
) -> str:
    """A stored value in words: 审批中 for a case's ``in_review``, 淘宝/天猫订单报表 for the
    source ``taobao-orders``, 主管 for the role ``supervisor``; as stored when unknown."""
    lang = lang or current_language()
    if isinstance(value, list | tuple) and key in ("chain", "permissions", "training", "aliases"):
        words = [value_text(key, v, entity, lang, names) for v in value]
        return render("rules.sep.names", None, lang).join(words) if words else _plain([], lang)
    if isinstance(value, bool) or value is None or isinstance(value, list | tuple | dict):
        return _plain(value, lang)
    found: str | None = None
    if isinstance(value, str):
        found = _known(f"audit.value.{entity}.{key}.{value}", lang)
        if found is None:
            found = _word(key, value, lang)
    elif isinstance(value, int):
        found = _reference(key, value, lang, names)
    return found if found is not None else _plain(value, lang)


def _word(key: str, value: str, lang: str) -> str | None:
    """A code's words from the app's own tables."""
    if key == "state":
        return _known(f"case.state.{value}", lang)
    if key == "role":
        return _known(f"role.{value}", lang)
    if key == "chain":
        return _known(f"case.role.{value}", lang)
    if key == "source":
        kind = SOURCE_KINDS.get(value)
        return None if kind is None else kind.name(lang)
    if key == "part":
        part = mx.EVALUATION_PARTS.get(value)
        return None if part is None else part.name(lang)
    if key == "type":
        kind_ = mx.ACHIEVEMENT_TYPES.get(value)
        return None if kind_ is None else kind_.name(lang)
    if key == "metric":
        metric = mx.CATALOGUE.get(value)
        return None if metric is None else metric.name(lang) or None
    return None


def _reference(key: str, value: int, lang: str, names: AuditNames) -> str | None:
    """第3步 for a 0-based ``step``; a person, a level or a track by name for its id."""
    if isinstance(value, bool):
        return None
    if key == "step":
        return render("audit.value.step", {"n": value + 1}, lang)
    if key in _EMPLOYEE_REFS and value in names.employees:
        name, no = names.employees[value]
        return render("audit.value.employee", {"name": name, "no": no}, lang)
    if key == "level_id" and value in names.levels:
        return names.levels[value]
    if key == "track_id" and value in names.tracks:
        return names.tracks[value]
    return None


def change_parts(
    before: Any,
    after: Any,
    entity: str = "",
    lang: str | None = None,
    names: AuditNames = _NO_NAMES,
) -> list[str]:
    """One ``label：value`` (or ``label：old → new``) per stored field: what changed first (a
    field the change cleared reads ``old → —``), then what only the new side says (a comment),
    then what stayed as it was."""
    lang = lang or current_language()
    if not isinstance(before, dict) or not isinstance(after, dict):
        # one side only (made, deleted), or something other than an object: each as it is
        return [
            part
            for side in (before, after)
            if side is not None
            for part in _one_side(side, entity, lang, names)
        ]
    changed, added, same = [], [], []
    for key in [*before, *(k for k in after if k not in before)]:
        old, new = before.get(key, _MISSING), after.get(key, _MISSING)
        label = field_label(str(key), entity, lang)
        if old is _MISSING:
            added.append(_pair(label, value_text(str(key), new, entity, lang, names), lang))
        elif old == new and type(old) is type(new):
            same.append(_pair(label, value_text(str(key), new, entity, lang, names), lang))
        else:
            was = value_text(str(key), old, entity, lang, names)
            now = (
                render("audit.value.empty", None, lang)
                if new is _MISSING
                else value_text(str(key), new, entity, lang, names)
            )
            arrow = render("audit.change.from_to", {"before": was, "after": now}, lang)
            changed.append(_pair(label, arrow, lang))
    return changed + added + same


def _one_side(side: Any, entity: str, lang: str, names: AuditNames) -> list[str]:
    if not isinstance(side, dict):
        return [] if side in ({}, []) else [_plain(side, lang)]
    return [
        _pair(field_label(str(k), entity, lang), value_text(str(k), v, entity, lang, names), lang)
        for k, v in side.items()
    ]


def change_summary(
    before: Any,
    after: Any,
    entity: str = "",
    lang: str | None = None,
    names: AuditNames = _NO_NAMES,
) -> str:
    """``change_parts`` on one line: 状态：审批中 → 退回补充；意见：请补充…"""
    lang = lang or current_language()
    return render("rules.sep.problems", None, lang).join(
        change_parts(before, after, entity, lang, names)
    )
