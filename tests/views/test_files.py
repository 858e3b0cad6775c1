"""Open and save dialogs start where the user's files are, and where they last went.

Qt's dialogs given no folder open in the program's working folder: the installed app's own
folder, where an exported 达标名单 was written out of sight (or refused, under Program Files).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog

from desktop.views import files


class _Dialogs:
    """QFileDialog's static functions, answering what the test says and noting where they
    opened."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.opened: list[str] = []
        self.answer: Any = ""
        for name in ("getOpenFileName", "getOpenFileNames", "getSaveFileName"):
            monkeypatch.setattr(QFileDialog, name, self._file)
        monkeypatch.setattr(QFileDialog, "getExistingDirectory", self._folder)

    def _file(self, _parent: object, _title: str, folder: str, _filters: str = "") -> Any:
        self.opened.append(folder)
        return self.answer, ""

    def _folder(self, _parent: object, _title: str, folder: str) -> str:
        self.opened.append(folder)
        return str(self.answer)


@pytest.fixture
def dialogs(
    qapp: object, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> tuple[_Dialogs, Path, Path]:
    """The dialogs, and this user's 下载 and 文档 folders (in tmp_path)."""
    downloads, documents = tmp_path / "Downloads", tmp_path / "Documents"
    downloads.mkdir()
    documents.mkdir()
    where = {
        QStandardPaths.StandardLocation.DownloadLocation: str(downloads),
        QStandardPaths.StandardLocation.DocumentsLocation: str(documents),
        QStandardPaths.StandardLocation.PicturesLocation: str(tmp_path / "no-pictures-folder"),
    }
    monkeypatch.setattr(QStandardPaths, "writableLocation", lambda kind: where.get(kind, ""))
    return _Dialogs(monkeypatch), downloads, documents


def test_store_exports_are_looked_for_in_downloads_and_the_folder_is_remembered(
    dialogs: tuple[_Dialogs, Path, Path], tmp_path: Path
) -> None:
    seen, downloads, _documents = dialogs
    shop = tmp_path / "店铺数据" / "2024-06"
    shop.mkdir(parents=True)
    seen.answer = [str(shop / "ExportOrderList202406.csv")]
    picked = files.open_files(None, "选择要导入的文件", files.import_filter(), files.IMPORTS)
    assert picked == [shop / "ExportOrderList202406.csv"]
    assert seen.opened == [str(downloads)]  # the first time: where the browser saved it
    seen.answer = []
    assert files.open_files(None, "选择", "", files.IMPORTS) == []  # cancelled
    assert seen.opened[-1] == str(shop)  # next month: the folder used last time
    # another kind of file keeps its own folder
    files.open_file(None, "选择证书文件", "", files.ATTACHMENTS)
    assert seen.opened[-1] == str(tmp_path / "Documents")


def test_a_save_dialog_proposes_the_name_in_the_documents_folder_then_where_it_went(
    dialogs: tuple[_Dialogs, Path, Path], tmp_path: Path
) -> None:
    seen, _downloads, documents = dialogs
    target = tmp_path / "人事" / "达标名单_2024-06.xlsx"
    target.parent.mkdir()
    seen.answer = str(target.with_suffix(""))
    assert files.ask_save_xlsx(None, "导出达标名单", "达标名单_2024-06.xlsx") == target
    assert seen.opened == [str(documents / "达标名单_2024-06.xlsx")]
    seen.answer = ""
    assert files.ask_save_xlsx(None, "导出", "仪表盘.xlsx") is None
    assert seen.opened[-1] == str(target.parent / "仪表盘.xlsx")
    # a proposal with its own folder (the recovery key beside the new company file) is kept
    beside = tmp_path / "公司" / "悦颜-恢复密钥.pdf"
    files.save_file(None, "保存恢复密钥", str(beside), "PDF (*.pdf)", files.RECOVERY)
    assert seen.opened[-1] == str(beside)


def test_a_folder_that_is_gone_falls_back_to_documents_then_home(
    dialogs: tuple[_Dialogs, Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen, _downloads, documents = dialogs
    usb = tmp_path / "U盘"
    usb.mkdir()
    seen.answer = str(usb)
    assert files.choose_folder(None, "选择备份文件夹", files.BACKUPS) == usb
    usb.rmdir()  # the stick was pulled out
    assert files.start_folder(files.BACKUPS) == documents
    assert files.start_folder(files.PICTURES) == documents  # no 图片 folder on this PC
    monkeypatch.setattr(QStandardPaths, "writableLocation", lambda kind: "")
    assert files.start_folder(files.PICTURES) == Path.home()


def test_a_name_typed_without_its_suffix_gets_it_once(
    dialogs: tuple[_Dialogs, Path, Path], tmp_path: Path
) -> None:
    """Every save that needs a suffix gets it in one place: the recovery key's PDF and the
    dashboard page used to be written as "恢复密钥" with none."""
    seen, _downloads, _documents = dialogs
    seen.answer = str(tmp_path / "悦颜-恢复密钥")
    found = files.save_file(None, "保存恢复密钥", "", "PDF (*.pdf)", files.RECOVERY, ".pdf")
    assert found == tmp_path / "悦颜-恢复密钥.pdf"
    seen.answer = str(tmp_path / "报告.PDF")
    assert files.save_file(None, "另存", "", "", files.REPORTS, ".pdf") == tmp_path / "报告.PDF"
    seen.answer = str(tmp_path / "名单.v2")  # a dot inside the name is not a suffix to replace
    assert files.ask_save_xlsx(None, "导出", "名单.xlsx") == tmp_path / "名单.v2.xlsx"
