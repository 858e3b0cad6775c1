"""The downloadable .xlsx of Tidui's own import templates (their fields: core/importers/templates.py).

The field lists here are the one place the canonical headers of docs/cli.md live: the import engine
reads them to match headers (with synonyms), archive_import reads the field keys, and
``write_template`` produces the downloadable workbook: bold frozen header row, text-formatted
columns for 工号/手机号/身份证号 (so Excel does not turn an ID number into 3.30102E+17), date
formats, drop-down lists for closed choices, and a 填写说明 sheet explaining each column.
"""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from core.storage.atomic import save_workbook

if TYPE_CHECKING:
    from core.session import AppSession

from core.importers.templates import (
    DATA_ROWS,
    TEMPLATES,
)

# --- writing the downloadable workbook --------------------------------------------------------


def write_template(
    kind: str,
    target: Path | BinaryIO,
    *,
    tracks: Sequence[str] = (),
    levels: Sequence[str] = (),
    metrics: Sequence[str] = (),
    lang: str = "zh",
) -> None:
    """Write the empty ``kind`` template; ``tracks``/``levels`` fill the roster's drop-down lists,
    ``metrics`` the metric template's (default: the catalogue's hand-entered metrics)."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    spec = TEMPLATES[kind]
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = spec.sheet
    lists = wb.create_sheet("选项")
    lists.sheet_state = "hidden"
    header_font = Font(bold=True, color="FFFFFF")
    required_fill = PatternFill("solid", fgColor="C0504D")
    optional_fill = PatternFill("solid", fgColor="4F81BD")
    list_column = 0
    for col, f in enumerate(spec.columns, start=1):
        letter = get_column_letter(col)
        cell = ws.cell(row=1, column=col, value=f.header)
        cell.font = header_font
        cell.fill = required_fill if f.required else optional_fill
        cell.alignment = Alignment(horizontal="center", vertical="center")
        hint = f.hint_en if lang == "en" else f.hint_zh
        if hint:
            cell.comment = Comment(hint, "Tidui")
        ws.column_dimensions[letter].width = f.width
        number_format = {"date": "yyyy-mm-dd", "int": "0", "number": "0.##"}.get(f.kind, "@")
        for row in range(2, DATA_ROWS + 2):
            ws.cell(row=row, column=col).number_format = number_format
        choices = list(f.choices)
        if f.key == "track" and tracks:
            choices = list(dict.fromkeys(tracks))
        elif f.key == "level" and levels:
            choices = list(dict.fromkeys(levels))
        elif f.key == "metric" and metrics:
            choices = list(dict.fromkeys(metrics))
        if choices:
            list_column += 1
            list_letter = get_column_letter(list_column)
            lists.cell(row=1, column=list_column, value=f.header)
            for i, choice in enumerate(choices, start=2):
                lists.cell(row=i, column=list_column, value=choice)
            # a closed list rejects other values; the ladder's lists only warn (names may be new)
            strict = f.key not in ("track", "level", "metric")
            validation = DataValidation(
                type="list",
                formula1=f"='选项'!${list_letter}$2:${list_letter}${len(choices) + 1}",
                allow_blank=True,
                showErrorMessage=True,
                errorStyle="stop" if strict else "warning",
                error=f"{f.header}: {'/'.join(choices[:8])}",
            )
            ws.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{DATA_ROWS + 1}")
        elif f.kind in ("date",):
            validation = DataValidation(
                type="date", operator="greaterThan", formula1="1", allow_blank=True,
                showErrorMessage=True, errorStyle="warning", error=f"{f.header}: 2024-03-01",
            )  # fmt: skip
            ws.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{DATA_ROWS + 1}")
    ws.freeze_panes = "A2"
    ws.row_dimensions[1].height = 22

    help_sheet = wb.create_sheet("填写说明" if lang != "en" else "How to fill in")
    titles = (
        ("列", "必填", "说明", "示例")
        if lang != "en"
        else ("Column", "Required", "Notes", "Example")
    )
    help_sheet.append(list(titles))
    for c in help_sheet[1]:
        c.font = Font(bold=True)
    yes, no = ("是", "否") if lang != "en" else ("yes", "no")
    for f in spec.columns:
        hint = f.hint_en if lang == "en" else f.hint_zh
        if f.choices:
            hint = (hint + " " if hint else "") + "/".join(f.choices)
        help_sheet.append([f.header, yes if f.required else no, hint, f.example])
    for letter, width in zip("ABCD", (16, 8, 48, 22), strict=True):
        help_sheet.column_dimensions[letter].width = width
    help_sheet.freeze_panes = "A2"
    wb.active = 0
    if isinstance(target, Path | str):
        save_workbook(wb, Path(target))
    else:
        wb.save(target)


def write_company_template(app: AppSession, kind: str, path: Path, lang: str = "zh") -> None:
    """The empty ``kind`` template with the company's own drop-down lists: the ladder's tracks
    and levels for the roster, the hand-entered metrics (custom ones included) for 指标数据."""
    from core.services.archive import employees
    from core.services.eligibility import metric_values

    tracks = employees.ladder_choices(app)
    metrics = [m.name(lang) for m in metric_values.entry_metrics(app)]
    write_template(
        kind,
        path,
        tracks=[t.name for t in tracks],
        levels=[lv.title for t in tracks for lv in t.levels],
        metrics=metrics,
        lang=lang,
    )


def template_bytes(kind: str, **options: object) -> bytes:
    buffer = BytesIO()
    write_template(kind, buffer, **options)  # type: ignore[arg-type]
    return buffer.getvalue()
