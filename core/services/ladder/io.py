"""Copying a ladder between company files: a JSON file (exact) and a readable .xlsx (one sheet per track).

Both formats become the same plain dictionary, and importing merges it into the open file's
ladder by name (track name, level title within its track, the pair of levels of a path,
template name, metric code): what the file names is added or updated, nothing else is
removed. The whole import is checked first and saved as one transaction with its audit.
Archived parts of the ladder are history, not design, and are not exported.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.domain import explain as ex
from core.domain import ladder_design, rules, scoring
from core.domain import metrics as mx
from core.errors import ValidationError
from core.i18n import Message
from core.permissions import Perm, require
from core.services.ladder import saving as ladder
from core.session import AppSession
from core.storage.atomic import save_workbook, write_atomic

FORMAT = "tidui-ladder"
FORMAT_VERSION = 1
MAX_FILE_BYTES = 5 * 1024 * 1024


# --- the exchange dictionary -----------------------------------------------------------------------


def design_to_data(design: ladder_design.LadderDesign) -> dict[str, Any]:
    """The design (without archived parts) as the JSON-able exchange dictionary."""
    tracks: list[dict[str, Any]] = []
    kept_levels: set[int] = set()
    for track in design.sorted_tracks():
        if track.archived:
            continue
        levels = []
        for level in design.levels_of(track.id):
            if level.archived:
                continue
            kept_levels.add(level.id)
            levels.append(
                {
                    "title": level.title,
                    "rank": level.rank,
                    "salary_min": level.salary_min,
                    "salary_max": level.salary_max,
                    "permissions": list(level.permissions),
                    "trainings": list(level.trainings),
                    "competencies": dict(level.competencies),
                    "description": level.description,
                }
            )
        tracks.append({"name": track.name, "description": track.description, "levels": levels})

    def where(level_id: int) -> dict[str, str]:
        level = design.level(level_id)
        track = design.track(level.track_id) if level else None
        return {"track": track.name if track else "", "level": level.title if level else ""}

    transitions = []
    for t in design.transitions:
        if t.archived or t.from_level_id not in kept_levels or t.to_level_id not in kept_levels:
            continue
        template = design.template(t.evaluation_template_id)
        transitions.append(
            {
                "from": where(t.from_level_id),
                "to": where(t.to_level_id),
                "kind": t.kind,
                "min_tenure_months": t.min_tenure_months,
                "evaluation_template": template.name if template else None,
                "raise_min_pct": t.raise_min_pct,
                "raise_max_pct": t.raise_max_pct,
                "criteria": [ladder.criterion_columns(c) for c in t.criteria],
            }
        )
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "tracks": tracks,
        "transitions": transitions,
        "evaluation_templates": [
            {"name": t.name, "is_default": t.is_default, "parts": t.template.to_parts()}
            for t in design.templates
        ],
        "custom_metrics": [dataclasses.asdict(m) for m in design.custom_metrics],
    }


def export_data(app: AppSession) -> dict[str, Any]:
    return design_to_data(ladder.load_design(app))


# --- reading the dictionary back, with clear complaints ---------------------------------------------


class _Reader:
    """Checks the exchange dictionary field by field, naming where each problem is."""

    def __init__(self) -> None:
        self.problems: list[Message] = []

    def bad(self, where: str, code: str, **params: Any) -> None:
        self.problems.append(Message(code, {"where": where, **params}))

    def mapping(self, value: Any, where: str) -> Mapping[str, Any]:
        if isinstance(value, Mapping):
            return value
        self.bad(where, "ladder_io.not_object")
        return {}

    def items(self, value: Any, where: str) -> Sequence[Any]:
        if value is None:
            return []
        if isinstance(value, list):
            return value
        self.bad(where, "ladder_io.not_list")
        return []

    def text(self, value: Any, where: str, required: bool = False) -> str:
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.bad(where, "ladder_io.required")
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.bad(where, "ladder_io.not_text")
            return ""
        return str(value).strip()

    def number(self, value: Any, where: str, whole: bool = False) -> float | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, bool):
            self.bad(where, "ladder_io.not_number", text=str(value))
            return None
        try:
            number = float(value)
        except (TypeError, ValueError):
            self.bad(where, "ladder_io.not_number", text=str(value))
            return None
        if not math.isfinite(number) or (whole and not number.is_integer()):
            self.bad(
                where, "ladder_io.not_whole" if whole else "ladder_io.not_number", text=str(value)
            )
            return None
        return number

    def whole(self, value: Any, where: str, default: int | None = None) -> int | None:
        found = self.number(value, where, whole=True)
        return default if found is None else int(found)

    def strings(self, value: Any, where: str) -> tuple[str, ...]:
        return tuple(
            s
            for i, v in enumerate(self.items(value, where))
            if (s := self.text(v, f"{where}[{i + 1}]"))
        )


@dataclass(frozen=True)
class ImportSummary:
    """What an import did, for the CLI line and the designer's message."""

    tracks_added: int = 0
    levels_added: int = 0
    transitions_added: int = 0
    updated: int = 0
    templates: int = 0
    metrics: int = 0
    changes: int = 0

    def message(self) -> Message:
        return Message("ladder_io.imported", dataclasses.asdict(self))


def merge_data(
    design: ladder_design.LadderDesign, data: Any
) -> tuple[ladder_design.LadderDesign, ImportSummary, list[Message]]:
    """The design with ``data`` merged in by name, what changed, and the problems found on the way."""
    r = _Reader()
    root = r.mapping(data, "/")
    if root and root.get("format") != FORMAT:
        return design, ImportSummary(), [Message("ladder_io.not_a_ladder")]
    version = root.get("version")
    if isinstance(version, int) and version > FORMAT_VERSION:
        return design, ImportSummary(), [Message("ladder_io.too_new", {"version": version})]
    counts = {
        "tracks_added": 0,
        "levels_added": 0,
        "transitions_added": 0,
        "updated": 0,
        "templates": 0,
        "metrics": 0,
    }

    for i, raw in enumerate(r.items(root.get("custom_metrics"), "custom_metrics")):
        where = f"custom_metrics[{i + 1}]"
        m = r.mapping(raw, where)
        code = r.text(m.get("code"), f"{where}.code", required=True)
        if not code:
            continue
        spec = ladder_design.CustomMetricSpec(
            code=code,
            name_zh=r.text(m.get("name_zh"), f"{where}.name_zh", required=True),
            name_en=r.text(m.get("name_en"), f"{where}.name_en"),
            unit=r.text(m.get("unit"), f"{where}.unit") or "count",
            direction=r.text(m.get("direction"), f"{where}.direction") or "higher",
            category=r.text(m.get("category"), f"{where}.category") or "custom",
        )
        design = design.put_metric(spec)
        counts["metrics"] += 1

    templates_by_name = {t.name: t for t in design.templates}
    for i, raw in enumerate(r.items(root.get("evaluation_templates"), "evaluation_templates")):
        where = f"evaluation_templates[{i + 1}]"
        t = r.mapping(raw, where)
        name = r.text(t.get("name"), f"{where}.name", required=True)
        if not name:
            continue
        parts = r.items(t.get("parts"), f"{where}.parts")
        for j, part in enumerate(parts):
            p = r.mapping(part, f"{where}.parts[{j + 1}]")
            r.number(p.get("weight"), f"{where}.parts[{j + 1}].weight")
            for k, item in enumerate(r.items(p.get("items"), f"{where}.parts[{j + 1}].items")):
                it = r.mapping(item, f"{where}.parts[{j + 1}].items[{k + 1}]")
                r.number(it.get("weight"), f"{where}.parts[{j + 1}].items[{k + 1}].weight")
                if not isinstance(it.get("rubric") or {}, Mapping):
                    r.bad(f"{where}.parts[{j + 1}].items[{k + 1}].rubric", "ladder_io.not_object")
        if r.problems:
            continue
        template = scoring.EvaluationTemplate.from_parts(name, parts)
        existing = templates_by_name.get(name)
        template_spec = ladder_design.EvaluationTemplateSpec(
            existing.id if existing else design.new_id(), template, bool(t.get("is_default"))
        )
        design = design.put_template(template_spec)
        templates_by_name[name] = template_spec
        counts["templates"] += 1

    tracks_by_name = {t.name: t for t in design.tracks}
    for i, raw in enumerate(r.items(root.get("tracks"), "tracks")):
        where = f"tracks[{i + 1}]"
        t = r.mapping(raw, where)
        name = r.text(t.get("name"), f"{where}.name", required=True)
        if not name:
            continue
        existing_track = tracks_by_name.get(name)
        if existing_track is None:
            track = ladder_design.TrackSpec(design.new_id(), name, sort_order=len(design.tracks))
            counts["tracks_added"] += 1
        else:
            track = dataclasses.replace(existing_track, archived=False)
        track = dataclasses.replace(
            track,
            description=r.text(t.get("description"), f"{where}.description") or track.description,
        )
        if existing_track is not None and track != existing_track:
            counts["updated"] += 1
        design = design.put_track(track)
        tracks_by_name[name] = track
        for j, raw_level in enumerate(r.items(t.get("levels"), f"{where}.levels")):
            lw = f"{where}.levels[{j + 1}]"
            lv = r.mapping(raw_level, lw)
            title = r.text(lv.get("title"), f"{lw}.title", required=True)
            if not title:
                continue
            competencies_raw = r.mapping(lv.get("competencies") or {}, f"{lw}.competencies")
            competencies = tuple(
                (str(k), expected)
                for k, v in competencies_raw.items()
                if (expected := r.whole(v, f"{lw}.competencies.{k}")) is not None
            )
            existing_level = next((x for x in design.levels_of(track.id) if x.title == title), None)
            level = ladder_design.LevelSpec(
                id=existing_level.id if existing_level else design.new_id(),
                track_id=track.id,
                title=title,
                rank=r.whole(lv.get("rank"), f"{lw}.rank", default=j + 1) or 0,
                salary_min=r.whole(lv.get("salary_min"), f"{lw}.salary_min"),
                salary_max=r.whole(lv.get("salary_max"), f"{lw}.salary_max"),
                permissions=r.strings(lv.get("permissions"), f"{lw}.permissions"),
                trainings=r.strings(lv.get("trainings"), f"{lw}.trainings"),
                competencies=competencies,
                description=r.text(lv.get("description"), f"{lw}.description"),
            )
            if existing_level is None:
                counts["levels_added"] += 1
            elif level != existing_level:
                counts["updated"] += 1
            design = design.put_level(level)

    for i, raw in enumerate(r.items(root.get("transitions"), "transitions")):
        where = f"transitions[{i + 1}]"
        t = r.mapping(raw, where)
        ends: list[int] = []
        for end in ("from", "to"):
            e = r.mapping(t.get(end), f"{where}.{end}")
            track_name = r.text(e.get("track"), f"{where}.{end}.track", required=True)
            title = r.text(e.get("level"), f"{where}.{end}.level", required=True)
            found_track = tracks_by_name.get(track_name)
            found = (
                next((x for x in design.levels_of(found_track.id) if x.title == title), None)
                if found_track
                else None
            )
            if found is None:
                if track_name and title:
                    r.bad(
                        f"{where}.{end}", "ladder_io.unknown_level", track=track_name, level=title
                    )
                continue
            ends.append(found.id)
        criteria = tuple(
            _criterion(r, c, f"{where}.criteria[{k + 1}]")
            for k, c in enumerate(r.items(t.get("criteria"), f"{where}.criteria"))
        )
        template_name = r.text(t.get("evaluation_template"), f"{where}.evaluation_template")
        template_id = None
        if template_name:
            found_template = templates_by_name.get(template_name)
            if found_template is None:
                r.bad(
                    f"{where}.evaluation_template", "ladder_io.unknown_template", name=template_name
                )
            else:
                template_id = found_template.id
        if len(ends) != 2:
            continue
        existing_path = design.find_transition(ends[0], ends[1])
        path = ladder_design.TransitionSpec(
            id=existing_path.id if existing_path else design.new_id(),
            from_level_id=ends[0],
            to_level_id=ends[1],
            kind=r.text(t.get("kind"), f"{where}.kind") or "promotion",
            min_tenure_months=r.whole(
                t.get("min_tenure_months"), f"{where}.min_tenure_months", default=0
            )
            or 0,
            evaluation_template_id=template_id,
            raise_min_pct=r.number(t.get("raise_min_pct"), f"{where}.raise_min_pct"),
            raise_max_pct=r.number(t.get("raise_max_pct"), f"{where}.raise_max_pct"),
            criteria=criteria,
            version=existing_path.version if existing_path else 1,
        )
        if existing_path is None:
            counts["transitions_added"] += 1
        elif path != existing_path:
            counts["updated"] += 1
        design = design.put_transition(path)
    return design, ImportSummary(**counts), r.problems


def _criterion(r: _Reader, raw: Any, where: str) -> rules.CriterionSpec:
    c = r.mapping(raw, where)
    conditions = r.mapping(c.get("conditions") or {}, f"{where}.conditions")
    roi = r.number(conditions.get("roi_min"), f"{where}.conditions.roi_min")
    team = r.whole(conditions.get("team_min"), f"{where}.conditions.team_min")
    return rules.CriterionSpec(
        kind=r.text(c.get("kind"), f"{where}.kind", required=True),
        metric=r.text(c.get("metric"), f"{where}.metric") or None,
        comparator=r.text(c.get("comparator"), f"{where}.comparator") or ">=",
        threshold=r.number(c.get("threshold"), f"{where}.threshold") or 0.0,
        window=r.whole(c.get("window"), f"{where}.window", default=1) or 0,
        achievement_type=r.text(c.get("achievement_type"), f"{where}.achievement_type") or None,
        conditions=rules.AchievementConditions(
            roi_min=roi, team_min=team, require_success=conditions.get("result", "成功") is not None
        ),
        score_part=r.text(c.get("score_part"), f"{where}.score_part") or None,
    )


def check_import(
    app: AppSession, data: Any
) -> tuple[ladder_design.LadderDesign, ImportSummary, list[Message]]:
    """What importing ``data`` would give, and every problem that stops it (nothing is written)."""
    require(app.actor, Perm.EDIT_LADDER)
    merged, summary, problems = merge_data(ladder.load_design(app), data)
    if not problems:
        problems = [p.message for p in ladder_design.validate_design(merged)]
    return merged, summary, problems


def import_data(app: AppSession, data: Any, source: str = "") -> ImportSummary:
    """Merge ``data`` into the file's ladder in one transaction, or change nothing and say why."""
    require(app.actor, Perm.EDIT_LADDER)
    with app.uow() as uow:
        current = ladder.read_design(uow.session)
        merged, summary, problems = merge_data(current, data)
        if not problems:
            problems = [p.message for p in ladder_design.validate_design(merged)]
        if problems:
            raise ValidationError(
                "ladder_io.invalid", count=len(problems), first=problems[0], file=source
            )
        result = ladder.apply_design(uow, merged)
        summary = dataclasses.replace(summary, changes=result.changes)
        uow.audit(
            "ladder.import", "ladder", None, after={"file": source, **dataclasses.asdict(summary)}
        )
        uow.commit()
    return summary


# --- files ------------------------------------------------------------------------------------------------


def export_file(app: AppSession, path: Path) -> Path:
    """Write the ladder to ``path``: .xlsx gives the readable workbook, anything else JSON."""
    require(app.actor, Perm.VIEW_LADDER)
    design = ladder.load_design(app)
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        write_workbook(design, path)
    else:
        text = json.dumps(design_to_data(design), ensure_ascii=False, indent=2)
        _check_folder(path)
        write_atomic(path, text.encode("utf-8"))
    return path


def read_file(path: Path) -> Any:
    """The exchange dictionary of a ladder file (.json or .xlsx written by Tidui)."""
    path = Path(path)
    if not path.exists():
        raise ValidationError("ladder_io.no_file", file=str(path))
    if path.stat().st_size > MAX_FILE_BYTES:
        raise ValidationError("ladder_io.too_big", file=str(path))
    if path.suffix.lower() == ".xlsx":
        return read_workbook(path)
    try:
        return json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationError("ladder_io.bad_json", file=str(path), detail=str(exc)) from exc


def import_file(app: AppSession, path: Path) -> ImportSummary:
    return import_data(app, read_file(path), source=Path(path).name)


def _check_folder(path: Path) -> None:
    if not path.parent.is_dir():
        raise ValidationError("ladder_io.no_folder", folder=str(path.parent))


# --- the readable workbook ------------------------------------------------------------------------------
# One sheet per track (its levels, then the paths that start there, one rule per row with the
# sentence an employee reads beside the rule's parts), a sheet of evaluation templates and one
# of custom metrics. Headings are Chinese because the people printing it are; reading it back
# goes by heading text, so reordered columns still import.

INFO_SHEET = "说明"
TEMPLATES_SHEET = "评估模板"
METRICS_SHEET = "自定义指标"
LEVELS_MARK = "【职级】"
PATHS_MARK = "【晋升/转岗路径】"
LEVEL_HEADERS = (
    "序位",
    "职级",
    "薪资下限(元/月)",
    "薪资上限(元/月)",
    "权限",
    "培训",
    "能力要求",
    "说明",
)
PATH_HEADERS = (
    "起点职级",
    "终点通道",
    "终点职级",
    "类型",
    "最短任职(月)",
    "评估模板",
    "调薪下限(%)",
    "调薪上限(%)",
    "规则说明",
    "规则类型",
    "指标",
    "比较",
    "阈值",
    "单位",
    "统计月数",
    "成果类型",
    "ROI不低于",
    "带领人数不低于",
    "只计成功",
    "评估部分",
)
TEMPLATE_HEADERS = (
    "模板",
    "默认",
    "部分",
    "部分代码",
    "部分权重",
    "项目",
    "项目权重",
    "优秀(≥90)",
    "良好(≥75)",
    "合格(≥60)",
    "待提升(<60)",
)
RUBRIC_BANDS = ("90", "75", "60", "0")
METRIC_HEADERS = ("代码", "中文名", "英文名", "单位", "方向", "类别")

RULE_KIND_NAMES = {
    "each_month": "每月达标",
    "change": "变化",
    "average": "平均",
    "count": "次数",
    "tenure": "任职时长",
    "score": "评估得分",
}
PATH_KIND_NAMES = {"promotion": "晋升", "transfer": "转岗"}
COMPARATOR_SIGNS = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}
SCORE_PART_NAMES = {"total": "总分", "performance": "绩效", "ability": "能力", "potential": "潜力"}
UNIT_NAMES = {
    "yuan": "元",
    "percent": "%",
    "count": "个",
    "days": "天",
    "ratio": "",
    "people": "人",
}
DIRECTION_NAMES = {"higher": "越高越好", "lower": "越低越好"}
_PP = "个百分点"
_YES, _NO = "是", "否"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe(value: Any) -> Any:
    """Text a spreadsheet would run as a formula is kept as text (a leading apostrophe)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _unsafe(value: Any) -> Any:
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(_FORMULA_START):
        return value[1:]
    return value


def _sheet_title(name: str, taken: set[str]) -> str:
    cleaned = "".join("_" if ch in "[]:*?/\\\\" else ch for ch in name).strip("'")[:28] or "通道"
    title, n = cleaned, 2
    while title in taken:
        title = f"{cleaned[:26]}~{n}"
        n += 1
    taken.add(title)
    return title


def _threshold_cell(
    spec: rules.CriterionSpec, custom: Mapping[str, mx.Metric]
) -> tuple[float, str]:
    """The threshold as people write it (15 and "%", 2 and "个百分点") and its unit."""
    if spec.kind in rules.METRIC_KINDS:
        found = mx.metric(spec.metric or "", custom)
        unit = found.unit if found else "ratio"
        if unit == "percent":
            return round(spec.threshold * 100, 6), (_PP if spec.kind == "change" else "%")
        return spec.threshold, UNIT_NAMES.get(unit, "")
    if spec.kind == "count":
        return spec.threshold, "次"
    if spec.kind == "tenure":
        return spec.threshold, "个月"
    return spec.threshold, "分"


def _whole_or_float(value: float | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def write_workbook(design: ladder_design.LadderDesign, path: Path) -> None:
    """The ladder as a readable .xlsx for printing and discussion (and importing back)."""

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.worksheet import Worksheet

    data = design_to_data(design)
    custom = design.custom()
    bold = Font(bold=True)
    title_font = Font(bold=True, size=14)
    head_fill = PatternFill("solid", fgColor="DDEBF7")
    wrap = Alignment(wrap_text=True, vertical="top")

    def heading(ws: Worksheet, row: int, names: Sequence[str]) -> None:
        for col, name in enumerate(names, start=1):
            cell = ws.cell(row=row, column=col, value=name)
            cell.font, cell.fill = bold, head_fill

    def put(ws: Worksheet, row: int, values: Sequence[Any]) -> None:
        for col, value in enumerate(values, start=1):
            if value is not None and value != "":
                ws.cell(row=row, column=col, value=_safe(value)).alignment = wrap

    wb = Workbook()
    info = wb.active
    assert info is not None
    info.title = INFO_SHEET
    info["A1"] = "Tidui 梯队 · 晋升通道"
    info["A1"].font = title_font
    info["A2"], info["B2"], info["C2"] = "format", FORMAT, FORMAT_VERSION
    info["A3"] = "每个通道一张工作表：先列职级，再列从该通道出发的晋升/转岗路径，每条规则一行。"
    info["A5"], info["B5"] = "通道", "工作表"
    info["A5"].font = info["B5"].font = bold
    info.column_dimensions["A"].width = 24
    info.column_dimensions["B"].width = 24

    taken = {INFO_SHEET, TEMPLATES_SHEET, METRICS_SHEET}
    paths_by_track: dict[str, list[dict[str, Any]]] = {}
    for path_data in data["transitions"]:
        paths_by_track.setdefault(path_data["from"]["track"], []).append(path_data)
    for n, track in enumerate(data["tracks"]):
        title = _sheet_title(track["name"], taken)
        put(info, 6 + n, (track["name"], title))
        ws = wb.create_sheet(title)
        ws["A1"], ws["B1"] = "通道", _safe(track["name"])
        ws["A1"].font = ws["B1"].font = title_font
        if track["description"]:
            ws["C1"], ws["D1"] = "说明", _safe(track["description"])
        ws["A3"] = LEVELS_MARK
        ws["A3"].font = bold
        heading(ws, 4, LEVEL_HEADERS)
        row = 5
        for level in track["levels"]:
            put(
                ws,
                row,
                (
                    level["rank"],
                    level["title"],
                    level["salary_min"],
                    level["salary_max"],
                    "、".join(level["permissions"]),
                    "、".join(level["trainings"]),
                    "、".join(f"{k}:{v}" for k, v in level["competencies"].items()),
                    level["description"],
                ),
            )
            row += 1
        row += 1
        ws.cell(row=row, column=1, value=PATHS_MARK).font = bold
        heading(ws, row + 1, PATH_HEADERS)
        row += 2
        for path_data in paths_by_track.get(track["name"], []):
            head = (
                path_data["from"]["level"],
                path_data["to"]["track"],
                path_data["to"]["level"],
                PATH_KIND_NAMES.get(path_data["kind"], path_data["kind"]),
                path_data["min_tenure_months"],
                path_data["evaluation_template"],
                _whole_or_float(path_data["raise_min_pct"]),
                _whole_or_float(path_data["raise_max_pct"]),
            )
            specs: list[rules.CriterionSpec | None] = [
                rules.CriterionSpec.from_dict(c) for c in path_data["criteria"]
            ] or [None]
            for k, spec in enumerate(specs):
                rule_cells: tuple[Any, ...] = ()
                if spec is not None:
                    threshold, unit = _threshold_cell(spec, custom)
                    metric = mx.metric(spec.metric or "", custom)
                    achievement = mx.ACHIEVEMENT_TYPES.get(spec.achievement_type or "")
                    is_count = spec.kind == "count"
                    rule_cells = (
                        ex.describe(spec, "zh", custom),
                        RULE_KIND_NAMES.get(spec.kind, spec.kind),
                        metric.name_zh if metric else spec.metric,
                        COMPARATOR_SIGNS.get(spec.comparator, spec.comparator),
                        _whole_or_float(threshold),
                        unit,
                        spec.window if spec.kind in (*rules.METRIC_KINDS, "count") else None,
                        (achievement.name_zh if achievement else spec.achievement_type)
                        if is_count
                        else None,
                        _whole_or_float(spec.conditions.roi_min) if is_count else None,
                        spec.conditions.team_min if is_count else None,
                        (_YES if spec.conditions.require_success else _NO) if is_count else None,
                        SCORE_PART_NAMES.get(spec.score_part or "total")
                        if spec.kind == "score"
                        else None,
                    )
                put(ws, row, (*(head if k == 0 else (None,) * len(head)), *rule_cells))
                row += 1
        widths = (10, 14, 12, 12, 22, 22, 26, 30, 10, 14, 12, 8, 10, 10, 34, 10, 16, 6, 8, 8)
        for col, width in enumerate(widths, start=1):
            ws.column_dimensions[ws.cell(row=1, column=col).column_letter].width = width
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth = 1
        ws.sheet_properties.pageSetUpPr.fitToPage = True

    ws = wb.create_sheet(TEMPLATES_SHEET)
    heading(ws, 1, TEMPLATE_HEADERS)
    row = 2
    for template in data["evaluation_templates"]:
        for part in template["parts"]:
            items = part["items"] or [None]
            for item in items:
                rubric = (item or {}).get("rubric") or {}
                put(
                    ws,
                    row,
                    (
                        template["name"],
                        _YES if template["is_default"] else _NO,
                        part["name"],
                        part["key"],
                        _whole_or_float(part["weight"]),
                        item["name"] if item else None,
                        _whole_or_float(item["weight"]) if item else None,
                        *(rubric.get(band) for band in RUBRIC_BANDS),
                    ),
                )
                row += 1
    for col, width in enumerate((16, 6, 8, 12, 8, 12, 8, 30, 30, 30, 30), start=1):
        ws.column_dimensions[ws.cell(row=1, column=col).column_letter].width = width

    ws = wb.create_sheet(METRICS_SHEET)
    heading(ws, 1, METRIC_HEADERS)
    for n, m in enumerate(data["custom_metrics"]):
        put(
            ws,
            2 + n,
            (
                m["code"],
                m["name_zh"],
                m["name_en"],
                UNIT_NAMES.get(m["unit"], m["unit"]) or m["unit"],
                DIRECTION_NAMES.get(m["direction"], m["direction"]),
                m["category"],
            ),
        )
    _check_folder(path)
    save_workbook(wb, path)


def _reverse(names: Mapping[str, str]) -> dict[str, str]:
    return {v: k for k, v in names.items() if v}


def read_workbook(path: Path) -> dict[str, Any]:
    """The exchange dictionary of a workbook written by ``write_workbook`` (possibly edited by hand)."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = load_workbook(path, data_only=True)
    except (InvalidFileException, OSError, KeyError, ValueError) as exc:
        raise ValidationError("ladder_io.bad_xlsx", file=str(path), detail=str(exc)) from exc
    if INFO_SHEET not in wb.sheetnames or wb[INFO_SHEET]["B2"].value != FORMAT:
        raise ValidationError("ladder_io.not_a_ladder_xlsx", file=str(path))

    def rows_of(ws: Any, start: int) -> list[list[Any]]:
        return [[_unsafe(v) for v in row] for row in ws.iter_rows(min_row=start, values_only=True)]

    def table(rows: list[list[Any]], headers_at: int) -> list[dict[str, Any]]:
        headers = [str(h).strip() if h is not None else "" for h in rows[headers_at]]
        found: list[dict[str, Any]] = []
        for row in rows[headers_at + 1 :]:
            if all(v is None or str(v).strip() == "" for v in row):
                break
            found.append({h: row[i] if i < len(row) else None for i, h in enumerate(headers) if h})
        return found

    def split(value: Any) -> list[str]:
        if value is None:
            return []
        return [
            p.strip()
            for p in str(value).replace("，", "、").replace(",", "、").split("、")
            if p.strip()
        ]

    metrics = []
    metric_units = _reverse(UNIT_NAMES)
    directions = _reverse(DIRECTION_NAMES)
    if METRICS_SHEET in wb.sheetnames:
        rows = rows_of(wb[METRICS_SHEET], 1)
        for m in table(rows, 0) if rows else []:
            unit = str(m.get("单位") or "").strip()
            metrics.append(
                {
                    "code": m.get("代码"),
                    "name_zh": m.get("中文名"),
                    "name_en": m.get("英文名"),
                    "unit": metric_units.get(unit, unit or "count"),
                    "direction": directions.get(
                        str(m.get("方向") or ""), m.get("方向") or "higher"
                    ),
                    "category": m.get("类别") or "custom",
                }
            )
    metric_codes = {m.name_zh: m.code for m in mx.CATALOGUE.values()}
    metric_codes.update({m.name_en: m.code for m in mx.CATALOGUE.values()})
    metric_codes.update({str(m["name_zh"]): str(m["code"]) for m in metrics if m["name_zh"]})
    achievements = {t.name_zh: t.code for t in mx.ACHIEVEMENT_TYPES.values()}
    kinds, path_kinds = _reverse(RULE_KIND_NAMES), _reverse(PATH_KIND_NAMES)
    comparators, parts = _reverse(COMPARATOR_SIGNS), _reverse(SCORE_PART_NAMES)

    tracks, transitions = [], []
    info_rows = rows_of(wb[INFO_SHEET], 6)
    for info_row in info_rows:
        if not info_row or info_row[0] is None:
            break
        name, sheet = str(info_row[0]), str(info_row[1] or info_row[0])
        if sheet not in wb.sheetnames:
            raise ValidationError("ladder_io.missing_sheet", file=str(path), sheet=sheet)
        ws = wb[sheet]
        rows = rows_of(ws, 1)
        marks = {str(r[0]).strip(): i for i, r in enumerate(rows) if r and r[0] is not None}
        if LEVELS_MARK not in marks or PATHS_MARK not in marks:
            raise ValidationError("ladder_io.missing_section", file=str(path), sheet=sheet)
        description = rows[0][3] if len(rows[0]) > 3 else None
        levels = []
        for lv in table(rows, marks[LEVELS_MARK] + 1):
            competencies: dict[str, Any] = {}
            for pair in split(lv.get("能力要求")):
                key, _, value = pair.partition(":") if ":" in pair else pair.partition("：")
                competencies[key.strip()] = value.strip()
            levels.append(
                {
                    "title": lv.get("职级"),
                    "rank": lv.get("序位"),
                    "salary_min": lv.get("薪资下限(元/月)"),
                    "salary_max": lv.get("薪资上限(元/月)"),
                    "permissions": split(lv.get("权限")),
                    "trainings": split(lv.get("培训")),
                    "competencies": competencies,
                    "description": lv.get("说明") or "",
                }
            )
        tracks.append({"name": name, "description": description or "", "levels": levels})
        current: dict[str, Any] | None = None
        for p in table(rows, marks[PATHS_MARK] + 1):
            if p.get("起点职级") not in (None, ""):
                current = {
                    "from": {"track": name, "level": p.get("起点职级")},
                    "to": {"track": p.get("终点通道") or name, "level": p.get("终点职级")},
                    "kind": path_kinds.get(str(p.get("类型") or ""), p.get("类型") or "promotion"),
                    "min_tenure_months": p.get("最短任职(月)") or 0,
                    "evaluation_template": p.get("评估模板"),
                    "raise_min_pct": p.get("调薪下限(%)"),
                    "raise_max_pct": p.get("调薪上限(%)"),
                    "criteria": [],
                }
                transitions.append(current)
            if current is None or p.get("规则类型") in (None, ""):
                continue
            kind_text = str(p.get("规则类型")).strip()
            kind = kinds.get(kind_text, kind_text)
            threshold = p.get("阈值")
            unit = str(p.get("单位") or "").strip()
            if unit in ("%", _PP) and isinstance(threshold, int | float):
                threshold = threshold / 100
            metric_text = str(p.get("指标") or "").strip()
            type_text = str(p.get("成果类型") or "").strip()
            conditions: dict[str, Any] = {
                "roi_min": p.get("ROI不低于"),
                "team_min": p.get("带领人数不低于"),
                "result": None if str(p.get("只计成功") or "").strip() == _NO else "成功",
            }
            part_text = str(p.get("评估部分") or "").strip()
            current["criteria"].append(
                {
                    "kind": kind,
                    "metric": metric_codes.get(metric_text, metric_text) or None,
                    "comparator": comparators.get(
                        str(p.get("比较") or "≥").strip(), str(p.get("比较") or "")
                    ),
                    "threshold": threshold,
                    "window": p.get("统计月数") or 1,
                    "achievement_type": achievements.get(type_text, type_text) or None,
                    "conditions": conditions,
                    "score_part": parts.get(part_text, part_text) or None,
                }
            )

    templates: dict[str, dict[str, Any]] = {}
    if TEMPLATES_SHEET in wb.sheetnames:
        rows = rows_of(wb[TEMPLATES_SHEET], 1)
        for t in table(rows, 0) if rows else []:
            name = str(t.get("模板") or "").strip()
            if not name:
                continue
            template = templates.setdefault(
                name, {"name": name, "is_default": str(t.get("默认") or "") == _YES, "parts": []}
            )
            key = str(t.get("部分代码") or "").strip() or {
                p.name_zh: p.code for p in mx.EVALUATION_PARTS.values()
            }.get(str(t.get("部分") or ""), "")
            part = next((p for p in template["parts"] if p["key"] == key), None)
            if part is None:
                part = {
                    "key": key,
                    "name": t.get("部分") or "",
                    "weight": t.get("部分权重"),
                    "items": [],
                }
                template["parts"].append(part)
            if t.get("项目") not in (None, ""):
                headers = TEMPLATE_HEADERS[7:]
                rubric = {
                    band: t.get(h)
                    for band, h in zip(RUBRIC_BANDS, headers, strict=True)
                    if t.get(h)
                }
                part["items"].append(
                    {"name": t.get("项目"), "weight": t.get("项目权重"), "rubric": rubric}
                )
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "tracks": tracks,
        "transitions": transitions,
        "evaluation_templates": list(templates.values()),
        "custom_metrics": metrics,
    }
