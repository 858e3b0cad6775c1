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
    if key == "margin" and isinstance(value, int | float) and not isinstance(value, bool):
        found = f"{value * 100:g}%"  # 接近达标范围 is a share: 0.1 reads 10%
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
    changed: list[str] = []
    added: list[str] = []
    same: list[str] = []
    for key in [*before, *(k for k in after if k not in before)]:
        old, new = before.get(key, _MISSING), after.get(key, _MISSING)
        label = field_label(str(key), entity, lang)
        if entity == "evaluation_template" and key == "parts":
            if old is _MISSING or new is _MISSING or old == new:
                shown = new if old is _MISSING or old == new else old
                (same if old == new else added).append(
                    _pair(label, template_outline(shown, lang), lang)
                )
            else:
                changed.extend(template_changes(old, new, lang))
            continue
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
        _pair(
            field_label(str(k), entity, lang),
            template_outline(v, lang)
            if entity == "evaluation_template" and k == "parts"
            else value_text(str(k), v, entity, lang, names),
            lang,
        )
        for k, v in side.items()
    ]


def _entries(value: Any) -> list[Mapping[str, Any]]:
    return [v for v in value if isinstance(v, Mapping)] if isinstance(value, list) else []


def template_outline(parts: Any, lang: str | None = None) -> str:
    """A stored evaluation template's parts in a line: 绩效 60、能力 20（3 项）…; what is
    not a list of parts is shown as stored."""
    lang = lang or current_language()
    found = _entries(parts)
    if not found:
        return _plain(parts, lang)
    return render("rules.sep.names", None, lang).join(
        render(
            "audit.template.part" if _entries(p.get("items")) else "audit.template.part_no_items",
            {
                "part": mx.template_part_name(p, lang),
                "weight": _plain(p.get("weight"), lang),
                "n": len(_entries(p.get("items"))),
            },
            lang,
        )
        for p in found
    )


def template_changes(before: Any, after: Any, lang: str | None = None) -> list[str]:
    """What an edit of an evaluation template changed, a line each: 绩效 权重：60 → 40;
    能力 · 新增评分项：案例复盘（权重 20）; 能力 · 策略答辩 评分标准已修改. Parts are matched by
    their key, items by their name (a renamed item reads as one removed and one added)."""
    lang = lang or current_language()
    old_parts, new_parts = _entries(before), _entries(after)
    if not old_parts and not new_parts:
        arrow = {"before": _plain(before, lang), "after": _plain(after, lang)}
        return [render("audit.change.from_to", arrow, lang)]
    olds = {str(p.get("key", p.get("name", ""))): p for p in old_parts}
    news = {str(p.get("key", p.get("name", ""))): p for p in new_parts}
    lines: list[str] = []

    def say(code: str, **params: Any) -> None:
        lines.append(render(f"audit.template.{code}", params, lang))

    def was_now(a: Any, b: Any) -> str:
        arrow = {"before": _plain(a, lang), "after": _plain(b, lang)}
        return render("audit.change.from_to", arrow, lang)

    for key in [*olds, *(k for k in news if k not in olds)]:
        old, new = olds.get(key), news.get(key)
        if old is None or new is None:
            p = new if old is None else old
            assert p is not None
            name = mx.template_part_name(p, lang)
            weight = _plain(p.get("weight"), lang)
            say("part_added" if old is None else "part_removed", part=name, weight=weight)
            continue
        part = mx.template_part_name(new, lang)
        if old.get("name") != new.get("name"):
            say("part_renamed", change=was_now(old.get("name"), new.get("name")))
        if old.get("weight") != new.get("weight"):
            say("weight", part=part, change=was_now(old.get("weight"), new.get("weight")))
        items_before = {str(i.get("name", "")): i for i in _entries(old.get("items"))}
        items_after = {str(i.get("name", "")): i for i in _entries(new.get("items"))}
        for name in [*items_before, *(n for n in items_after if n not in items_before)]:
            a, b = items_before.get(name), items_after.get(name)
            if a is None or b is None:
                i = b if a is None else a
                assert i is not None
                code = "item_added" if a is None else "item_removed"
                say(code, part=part, item=name, weight=_plain(i.get("weight"), lang))
                continue
            if a.get("weight") != b.get("weight"):
                change = was_now(a.get("weight"), b.get("weight"))
                say("item_weight", part=part, item=name, change=change)
            if a.get("rubric") != b.get("rubric"):
                say("item_rubric", part=part, item=name)
            if (a.get("raters") or []) != (b.get("raters") or []):
                change = was_now(a.get("raters") or [], b.get("raters") or [])
                say("item_raters", part=part, item=name, change=change)
    if not lines and [p.get("key") for p in old_parts] != [p.get("key") for p in new_parts]:
        say("reordered")
    return lines


def setting_names(lang: str | None = None) -> list[str]:
    """Every setting's name as 编号 shows it (what that column must be wide enough for)."""
    lang = lang or current_language()
    return [render(k, None, lang) for k in catalogue() if k.startswith("audit.setting.")]


def entity_id_text(entity: str, entity_id: str | None, lang: str | None = None) -> str:
    """The 编号 of an entry in words where it is a setting's internal key (接近达标范围 for
    ``eligibility.margin``); an object's id as stored."""
    if not entity_id:
        return ""
    if entity == "file_meta":
        found = _known(f"audit.setting.{entity_id}", lang or current_language())
        if found is not None:
            return found
    return str(entity_id)


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
