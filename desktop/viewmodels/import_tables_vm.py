"""The tables of the 数据导入 wizard: the raw sheet, the column mapping, parsed rows, issues, monthly totals, accounts.

Each is a QAbstractTableModel with column constants, filled from core's import objects and tested
without a window. The parsed-rows table fetches rows lazily: a 100,000-row export shows at once.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from core.domain import metrics as mx
from core.i18n import current_language
from core.importers.headers import ColumnMapping
from core.importers.sources import FieldSpec, SourceKind, source_kind
from core.importers.table import ParsedTable
from core.importers.totals import MonthTotals
from core.importers.values import cell_text, unwrap
from core.services.imports.owners import AccountMatch
from desktop.i18n import listed, tr

AnyIndex = QModelIndex | QPersistentModelIndex
ERROR_BACKGROUND = QColor("#fde0e0")
WARNING_BACKGROUND = QColor("#fff3c4")
HEADER_BACKGROUND = QColor("#d6e9ff")
ABOVE_HEADER = QColor("#9e9e9e")
MISSING_BACKGROUND = QColor("#fde0e0")
FETCH_STEP = 500
NOT_MAPPED = -1


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA, as Excel names columns."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def field_label(spec: FieldSpec) -> str:
    return spec.label_en if current_language() == "en" else spec.label_zh


def format_value(value: Any, type_: str | None = None) -> str:
    """A parsed value as the preview shows it: money with separators, rates as %, "—" for none."""
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        if type_ == "date" or (value.hour, value.minute, value.second) == (0, 0, 0):
            return value.strftime("%Y-%m-%d")
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return tr("是") if value else tr("否")
    if type_ in ("rate_percent_text", "rate_decimal") and isinstance(value, int | float):
        return f"{value * 100:.2f}%"
    if type_ == "money" and isinstance(value, int | float):
        return f"{value:,.2f}"
    if type_ == "duration" and isinstance(value, int | float):
        return f"{value / 60:.1f} " + tr("分钟")
    if isinstance(value, float):
        return f"{value:,.2f}" if not value.is_integer() else f"{int(value):,}"
    if isinstance(value, int):
        return f"{value:,}" if type_ in ("int", "number") else str(value)
    return str(value)


class _Table(QAbstractTableModel):
    """Shared plumbing: row and column counts from ``_rows`` and ``_headers``."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._headers: list[str] = []
        self._count = 0

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self._headers[section] if 0 <= section < len(self._headers) else None
        return section + 1


# --- 2: the sheet as it is -----------------------------------------------------------------------


class SheetPreviewModel(_Table):
    """The sheet's top rows as written, the header row highlighted, the rows above it greyed."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cells: list[list[Any]] = []
        self.header_row = 0

    def set_rows(self, rows: Sequence[Sequence[Any]], header_row: int) -> None:
        self.beginResetModel()
        self._cells = [list(r) for r in rows]
        width = max((len(r) for r in self._cells), default=0)
        self._headers = [column_letter(i) for i in range(width)]
        self._count = len(self._cells)
        self.header_row = header_row
        self.endResetModel()

    def set_header_row(self, row: int) -> None:
        self.header_row = row
        if self._count:
            self.dataChanged.emit(
                self.index(0, 0), self.index(self._count - 1, len(self._headers) - 1)
            )

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return str(section + 1)  # the row number Excel shows
        return super().headerData(section, orientation, role)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            cells = self._cells[row]
            return cell_text(cells[column]) if column < len(cells) else ""
        if role == Qt.ItemDataRole.BackgroundRole and row == self.header_row:
            return QBrush(HEADER_BACKGROUND)
        if role == Qt.ItemDataRole.FontRole and row == self.header_row:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and row < self.header_row:
            return QBrush(ABOVE_HEADER)
        return None


# --- 4: which column feeds which field -----------------------------------------------------------


def sample_text(spec: FieldSpec, cell: Any) -> str:
    """A column's first value as it will be imported: without the ="…" Excel guard of 淘宝's
    order numbers (="8893…" read as if the number were stored so), and a buyer's nickname
    said to become a pseudonym (the name itself is never stored)."""
    text = unwrap(cell_text(cell))
    if spec.personal and text:
        return tr("{value}（导入时换成匿名编号）").format(value=text)
    return text


@dataclass(frozen=True)
class MappingRow:
    spec: FieldSpec
    column: int  # NOT_MAPPED when no column feeds it
    header: str
    sample: str


class MappingTableModel(_Table):
    """One row per field Tidui reads from this kind of file; the 文件中的列 cell is editable."""

    COL_FIELD, COL_REQUIRED, COL_COLUMN, COL_SAMPLE = range(4)
    ChoicesRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[MappingRow] = []
        self._choices: list[tuple[int, str]] = []
        self._headers = [tr("Tidui 字段"), tr("必填"), tr("文件中的列"), tr("示例值")]
        self.on_edit: Any = None  # callable(field, column | None) set by the viewmodel

    def set_mapping(
        self,
        kind: SourceKind,
        fields: Sequence[FieldSpec],
        mapping: ColumnMapping,
        samples: Sequence[Any],
    ) -> None:
        self.beginResetModel()
        self._rows = []
        for spec in fields:
            match = mapping.columns.get(spec.name)
            column = match.column if match is not None else NOT_MAPPED
            sample = ""
            if match is not None and match.column < len(samples):
                sample = sample_text(spec, samples[match.column])
            self._rows.append(
                MappingRow(spec, column, match.header if match is not None else "", sample)
            )
        self._choices = [(NOT_MAPPED, tr("（不导入）"))] + [
            (i, f"{column_letter(i)} · {h}") for i, h in enumerate(mapping.headers) if h.strip()
        ]
        self._count = len(self._rows)
        del kind
        self.endResetModel()

    def row_at(self, row: int) -> MappingRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def choices(self) -> list[tuple[int, str]]:
        """(column index, "C · 支付金额") the user may pick for a field; -1 = not imported."""
        return list(self._choices)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid() and index.column() == self.COL_COLUMN:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        item = self.row_at(index.row()) if index.isValid() else None
        if item is None:
            return None
        column = index.column()
        missing = item.spec.required and item.column == NOT_MAPPED
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.COL_FIELD:
                return field_label(item.spec)
            if column == self.COL_REQUIRED:
                return tr("必填") if item.spec.required else ""
            if column == self.COL_COLUMN:
                if item.column == NOT_MAPPED:
                    return tr("（缺少，请选择）") if item.spec.required else tr("（不导入）")
                return f"{column_letter(item.column)} · {item.header}"
            if column == self.COL_SAMPLE:
                return item.sample
        if role == Qt.ItemDataRole.EditRole and column == self.COL_COLUMN:
            return item.column
        if role == self.ChoicesRole:
            return self.choices()
        if role == Qt.ItemDataRole.BackgroundRole and missing:
            return QBrush(MISSING_BACKGROUND)
        if role == Qt.ItemDataRole.ToolTipRole and column == self.COL_COLUMN:
            return tr("点击选择文件中对应的列")
        return None

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        item = self.row_at(index.row()) if index.isValid() else None
        if item is None or role != Qt.ItemDataRole.EditRole or index.column() != self.COL_COLUMN:
            return False
        column = int(value)
        if self.on_edit is not None:
            self.on_edit(item.spec.name, None if column == NOT_MAPPED else column)
        return True


# --- 6: the rows as they will be stored -----------------------------------------------------------

_EXTRA_LABELS = {"date": ("日期", "Date"), "month": ("月份", "Month")}


class ParsedRowsModel(_Table):
    """Parsed rows (errors included), per-cell errors red and warnings yellow with the message."""

    ROW_COLUMN = 0

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._frame = pd.DataFrame()
        self._columns: list[str] = []
        self._types: dict[str, str | None] = {}
        self._positions: np.ndarray = np.zeros(0, dtype=np.int64)
        self._cells: dict[tuple[int, str], tuple[str, str]] = {}  # (row, field) -> (severity, text)
        self._problem_rows: set[int] = set()
        self.only_problems = False

    def set_table(self, table: ParsedTable | None) -> None:
        self.beginResetModel()
        self._cells, self._problem_rows = {}, set()
        if table is None:
            self._frame, self._columns = pd.DataFrame(), []
        else:
            kind = source_kind(table.kind)
            self._frame = table.frame
            # a monthly overview has no day: its empty 日期 column says nothing
            self._columns = [
                c
                for c in table.frame.columns
                if not (c == "date" and table.frame["date"].isna().all())
            ]
            header_field = {m.header: name for name, m in table.mapping.columns.items()}
            self._types = {}
            labels = []
            for name in self._columns:
                if name == "row":
                    labels.append(tr("行"))
                    self._types[name] = None
                elif name in _EXTRA_LABELS:
                    zh, en = _EXTRA_LABELS[name]
                    labels.append(en if current_language() == "en" else zh)
                    self._types[name] = "date" if name == "date" else None
                else:
                    spec = kind.field(name)
                    label = field_label(spec)
                    if spec.personal:
                        label += tr("（匿名编号）")
                    labels.append(label)
                    self._types[name] = spec.type
            self._headers = labels
            for issue in table.issues:
                field_name = header_field.get(issue.column, "")
                key = (issue.row, field_name)
                if key in self._cells and self._cells[key][0] == "error":
                    continue
                self._cells[key] = (issue.severity, f"{issue.message.text()}")
                self._problem_rows.add(issue.row)
        self._select()
        self.endResetModel()

    def set_only_problems(self, only: bool) -> None:
        self.beginResetModel()
        self.only_problems = only
        self._select()
        self.endResetModel()

    def _select(self) -> None:
        if self._frame.empty:
            self._positions = np.zeros(0, dtype=np.int64)
        elif self.only_problems:
            rows = self._frame["row"].to_numpy()
            self._positions = np.flatnonzero(np.isin(rows, list(self._problem_rows)))
        else:
            self._positions = np.arange(len(self._frame))
        self._count = min(len(self._positions), FETCH_STEP)

    @property
    def total_rows(self) -> int:
        return len(self._positions)

    def canFetchMore(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._count < len(self._positions)

    def fetchMore(self, parent: AnyIndex = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid():
            return
        more = min(FETCH_STEP, len(self._positions) - self._count)
        if more <= 0:
            return
        self.beginInsertRows(QModelIndex(), self._count, self._count + more - 1)
        self._count += more
        self.endInsertRows()

    def excel_row(self, row: int) -> int:
        return int(self._frame["row"].iat[int(self._positions[row])])

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= self._count:
            return None
        name = self._columns[index.column()]
        position = int(self._positions[index.row()])
        excel_row = int(self._frame["row"].iat[position])
        problem = self._cells.get((excel_row, name))
        if role == Qt.ItemDataRole.DisplayRole:
            value = self._frame[name].iat[position]
            return str(excel_row) if name == "row" else format_value(value, self._types.get(name))
        if role == Qt.ItemDataRole.BackgroundRole and problem is not None:
            return QBrush(ERROR_BACKGROUND if problem[0] == "error" else WARNING_BACKGROUND)
        if role == Qt.ItemDataRole.ToolTipRole and problem is not None:
            return problem[1]
        if role == Qt.ItemDataRole.TextAlignmentRole and self._types.get(name) in (
            "int",
            "number",
            "money",
            "rate_percent_text",
            "rate_decimal",
        ):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


# --- 6: what is wrong or left out -------------------------------------------------------------------


# The "file F, row R, column C:" opening of a cell message, which the table's own columns say.
_WHERE = re.compile(
    r'^(?:文件.*?第\d+行(?:「[^」]*」列)?[：:]?\s*|File .*?, row \d+(?:, column ["“][^"”]*["”])?:\s*)'
)


def short_message(text: str) -> str:
    """A cell message without where it is (the issue table shows row and column apart)."""
    shorter = _WHERE.sub("", text, count=1)
    return shorter[:1].upper() + shorter[1:] if shorter else text


@dataclass(frozen=True)
class IssueRow:
    severity: str  # "error" | "warning" | "skipped"
    row: int
    column: str
    text: str
    message: str


SEVERITY_ORDER = {"error": 0, "warning": 1, "skipped": 2}


class IssueTableModel(_Table):
    """Errors (rows not imported), warnings (imported, with a note) and skipped rows, with why."""

    COL_KIND, COL_ROW, COL_COLUMN, COL_TEXT, COL_MESSAGE = range(5)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[IssueRow] = []
        self._headers = [tr("类型"), tr("行"), tr("列"), tr("原文"), tr("说明")]

    def set_table(self, table: ParsedTable | None, extra: Sequence[IssueRow] = ()) -> None:
        self.beginResetModel()
        rows: list[IssueRow] = []
        if table is not None:
            rows += [
                IssueRow(i.severity, i.row, i.column, i.text, short_message(i.message.text()))
                for i in table.issues
            ]
            rows += [IssueRow("skipped", s.row, "", "", s.reason.text()) for s in table.skipped]
        rows += list(extra)
        rows.sort(key=lambda r: (SEVERITY_ORDER[r.severity], r.row))
        self._rows = rows
        self._count = len(rows)
        self.endResetModel()

    def row_at(self, row: int) -> IssueRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def counts(self) -> dict[str, int]:
        found = {"error": 0, "warning": 0, "skipped": 0}
        for row in self._rows:
            found[row.severity] += 1
        return found

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        item = self.row_at(index.row()) if index.isValid() else None
        if item is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.COL_KIND:
                return {"error": tr("错误"), "warning": tr("警告"), "skipped": tr("跳过")}[
                    item.severity
                ]
            if column == self.COL_ROW:
                return str(item.row) if item.row else ""
            if column == self.COL_COLUMN:
                return item.column
            if column == self.COL_TEXT:
                return item.text
            if column == self.COL_MESSAGE:
                return item.message
        if role == Qt.ItemDataRole.ToolTipRole and column == self.COL_MESSAGE:
            return item.message
        if role == Qt.ItemDataRole.BackgroundRole and column == self.COL_KIND:
            if item.severity == "error":
                return QBrush(ERROR_BACKGROUND)
            if item.severity == "warning":
                return QBrush(WARNING_BACKGROUND)
        return None


# --- 6: monthly totals ---------------------------------------------------------------------------


class TotalsModel(_Table):
    """Per month: rows, GMV, visitors (viewers), buyers, orders (sessions) — to compare with the back-end."""

    COL_MONTH, COL_ROWS, COL_GMV, COL_VISITORS, COL_BUYERS, COL_ORDERS = range(6)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[MonthTotals] = []
        self.kind = ""

    def set_totals(self, kind: str, totals: Sequence[MonthTotals]) -> None:
        self.beginResetModel()
        self.kind = kind
        self._rows = list(totals)
        self._count = len(self._rows)
        live = kind == "douyin-live"
        self._headers = [
            tr("月份"),
            tr("行数"),
            tr("GMV（元）"),
            tr("观看人数") if live else tr("访客数"),
            tr("成交人数") if live else tr("买家数"),
            tr("场次") if live else tr("订单数"),
        ]
        self.endResetModel()

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        item = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            orders = item.sessions if self.kind == "douyin-live" else item.orders
            values: dict[int, Any] = {
                self.COL_MONTH: item.month + (tr("（不完整）") if item.partial else ""),
                self.COL_ROWS: f"{item.rows:,}",
                self.COL_GMV: "—" if item.gmv is None else f"{item.gmv:,.2f}",
                self.COL_VISITORS: "—" if item.visitors is None else f"{item.visitors:,}",
                self.COL_BUYERS: "—" if item.buyers is None else f"{item.buyers:,}",
                self.COL_ORDERS: "—" if orders is None else f"{orders:,}",
            }
            return values.get(column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column != self.COL_MONTH:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if item.partial and role == Qt.ItemDataRole.ForegroundRole:
            return QColor("#9e9e9e")
        if item.partial and role == Qt.ItemDataRole.ToolTipRole:
            return tr(
                "该月的订单在月底前一周之前就结束了（例如上月导出中月初付款的几笔订单），该月只有一部分在这个文件里。"
            )
        return None


# --- 5: accounts and who runs them -------------------------------------------------------------------


@dataclass(frozen=True)
class AccountAction:
    """What to do with an account's rows: its existing live account, a new one for an employee, or none."""

    store_id: int | None = None
    employee_id: int | None = None
    label: str = ""


class AccountsModel(_Table):
    """Accounts (主播昵称 / 达人昵称) of the file, the live account each is in Tidui, and its host."""

    COL_NAME, COL_ROWS, COL_ORDERS, COL_GMV, COL_ACCOUNT, COL_OWNERS, COL_ACTION = range(7)
    ChoicesRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[AccountMatch] = []
        self._actions: dict[str, AccountAction] = {}
        self._choices: list[AccountAction] = []
        self._headers = [
            tr("账号"),
            tr("行数"),
            tr("订单数"),
            "GMV",
            tr("Tidui 中的直播账号"),
            tr("负责人"),
            tr("处理"),
        ]
        self.on_edit: Any = None  # callable(name, AccountAction) set by the viewmodel

    def set_accounts(
        self,
        accounts: Sequence[AccountMatch],
        actions: dict[str, AccountAction],
        choices: Sequence[AccountAction],
    ) -> None:
        self.beginResetModel()
        self._rows = list(accounts)
        self._actions = dict(actions)
        self._choices = list(choices)
        self._count = len(self._rows)
        self.endResetModel()

    def account_at(self, row: int) -> AccountMatch | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def choices(self) -> list[AccountAction]:
        return list(self._choices)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        base = super().flags(index)
        account = self.account_at(index.row()) if index.isValid() else None
        if account is not None and account.store is None and index.column() == self.COL_ACTION:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        account = self.account_at(index.row()) if index.isValid() else None
        if account is None:
            return None
        column = index.column()
        action = self._actions.get(account.name, AccountAction())
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.COL_NAME:
                return account.name
            if column == self.COL_ROWS:
                return str(account.rows)
            if column == self.COL_ORDERS:
                return "—" if account.orders is None else f"{account.orders:,}"
            if column == self.COL_GMV:
                return "—" if account.gmv is None else mx.format_value("yuan", account.gmv)
            if column == self.COL_ACCOUNT:
                return account.store.name if account.store else tr("（未找到）")
            if column == self.COL_OWNERS:
                return listed(account.owners) or "—"
            if column == self.COL_ACTION:
                if account.store is not None:
                    return tr("已对应")
                return action.label or tr("分配给…")
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (
            self.COL_ROWS,
            self.COL_ORDERS,
            self.COL_GMV,
        ):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.EditRole and column == self.COL_ACTION:
            return self._choices.index(action) if action in self._choices else 0
        if role == self.ChoicesRole:
            return [c.label for c in self._choices]
        if role == Qt.ItemDataRole.BackgroundRole and account.store is None:
            unresolved = action.store_id is None and action.employee_id is None
            return QBrush(WARNING_BACKGROUND if unresolved else QColor("#e3f4e8"))
        return None

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        account = self.account_at(index.row()) if index.isValid() else None
        if account is None or role != Qt.ItemDataRole.EditRole or index.column() != self.COL_ACTION:
            return False
        position = int(value)
        if not 0 <= position < len(self._choices):
            return False
        action = self._choices[position]
        self._actions[account.name] = action
        if self.on_edit is not None:
            self.on_edit(account.name, action)
        self.dataChanged.emit(self.index(index.row(), 0), self.index(index.row(), self.COL_ACTION))
        return True
