"""Asking which file to open or where to save one (a dialog; tests replace the callers).

Every dialog starts in the folder the user last used for the same kind of file on this PC
(kept in QSettings), else where such files usually are: the store exports in 下载 (they are
downloaded from the platforms' back ends), the rest in 文档. Without a folder, Qt's dialogs
open in the program's working folder: for the installed app that is its own install folder,
where an export would be written out of sight (or not at all, under Program Files).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtWidgets import QFileDialog, QWidget

from desktop.i18n import tr

_KEY = "files/last_folder/"
_Where = QStandardPaths.StandardLocation


@dataclass(frozen=True)
class Purpose:
    """A kind of file the user picks: its remembered folder and where it usually is."""

    key: str
    usual: _Where = _Where.DocumentsLocation


IMPORTS = Purpose("imports", _Where.DownloadLocation)  # the platforms' exports, Tidui templates
EXPORTS = Purpose("exports")  # Excel tables written for the user
REPORTS = Purpose("reports")  # PDFs: evaluation reports, letters, the dashboard page
ATTACHMENTS = Purpose("attachments")  # certificates, evidence, an employee's files
PICTURES = Purpose("pictures", _Where.PicturesLocation)  # the company logo
COMPANY = Purpose("company")  # company files (.tidui)
BACKUPS = Purpose("backups")
RECOVERY = Purpose("recovery-key")  # the recovery key's PDF


def import_filter() -> str:
    """The file types an import reads, for the open dialog's filter."""
    return tr("表格文件 (*.xlsx *.xls *.csv *.xlsm *.ods *.txt *.tsv)")


def start_folder(purpose: Purpose) -> Path:
    """Where a dialog for ``purpose`` opens: the folder last used for it if it still exists,
    else the usual place for such files, else 文档, else the home folder."""
    kept = QSettings().value(_KEY + purpose.key, "")
    candidates = [str(kept or "")]
    for where in (purpose.usual, _Where.DocumentsLocation):
        candidates.append(QStandardPaths.writableLocation(where))
    for folder in candidates:
        if folder and Path(folder).is_dir():
            return Path(folder)
    return Path.home()


def remember(purpose: Purpose, chosen: Path | str) -> None:
    """The folder of ``chosen`` (a file, or a folder itself) is where ``purpose`` opens next."""
    path = Path(chosen)
    folder = path if path.is_dir() else path.parent
    QSettings().setValue(_KEY + purpose.key, str(folder))


def open_files(parent: QWidget | None, title: str, filters: str, purpose: Purpose) -> list[Path]:
    names, _ = QFileDialog.getOpenFileNames(parent, title, str(start_folder(purpose)), filters)
    if names:
        remember(purpose, names[0])
    return [Path(n) for n in names]


def open_file(parent: QWidget | None, title: str, filters: str, purpose: Purpose) -> Path | None:
    name, _ = QFileDialog.getOpenFileName(parent, title, str(start_folder(purpose)), filters)
    if not name:
        return None
    remember(purpose, name)
    return Path(name)


def save_file(
    parent: QWidget | None,
    title: str,
    suggested: str,
    filters: str,
    purpose: Purpose,
    suffix: str | None = None,
) -> Path | None:
    """Where to save a file named ``suggested`` (a bare name starts in the purpose's folder; a
    path is kept as given), or None if the user cancelled. ``suffix`` (".pdf") is added to a
    name typed without it: Excel, a PDF reader or Tidui would not open "名单" otherwise."""
    proposed = (
        Path(suggested) if Path(suggested).is_absolute() else start_folder(purpose) / suggested
    )
    name, _ = QFileDialog.getSaveFileName(parent, title, str(proposed), filters)
    if not name:
        return None
    path = Path(name)
    remember(purpose, path.parent)
    if suffix and not path.name.lower().endswith(suffix.lower()):
        path = path.with_name(path.name + suffix)
    return path


def choose_folder(parent: QWidget | None, title: str, purpose: Purpose) -> Path | None:
    folder = QFileDialog.getExistingDirectory(parent, title, str(start_folder(purpose)))
    if not folder:
        return None
    remember(purpose, Path(folder))
    return Path(folder)


def ask_save_xlsx(parent: QWidget | None, title: str, suggested: str) -> Path | None:
    """A place for an .xlsx file, or None if the user cancelled."""
    return save_file(parent, title, suggested, tr("Excel 工作簿 (*.xlsx)"), EXPORTS, ".xlsx")
