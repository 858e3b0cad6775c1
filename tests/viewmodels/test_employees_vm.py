"""The employee list model (5,000 rows, lazily fetched), the form's undo/validation, and the archive tabs' models."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt
from pytestqt.qtbot import QtBot

from core.services.archive import records as archive
from core.services.archive.employees import EmployeeRow
from core.session import AppSession
from desktop.viewmodels.archive_vm import ArchiveViewModel
from desktop.viewmodels.employees_form_vm import EmployeeFormViewModel
from desktop.viewmodels.employees_vm import (
    STATUS_ALL,
    STATUS_DEPARTED,
    EmployeeListViewModel,
    EmployeeTableModel,
)
from desktop.viewmodels.session_vm import SessionViewModel
from tests.core.services.archive_support import seed_ladder

M = EmployeeTableModel
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "芳娜静丽强磊洋军杰婷敏勇艳涛明超霞平刚桂"


def many_rows(n: int) -> list[EmployeeRow]:
    rows = []
    for i in range(n):
        rows.append(
            EmployeeRow(
                id=i + 1, no=f"E{i + 1:05d}", name=SURNAMES[i % 20] + GIVEN[(i // 20) % 20],
                initials="", track_id=1 + i % 4, track=("店铺运营", "用户运营", "直播运营", "数据运营")[i % 4],
                level_id=1 + i % 3, level=("运营助理", "运营专员", "运营主管")[i % 3], level_rank=1 + i % 3,
                department="运营部", supervisor_id=None if i < 10 else 1 + i % 10,
                supervisor="" if i < 10 else "主管", hire_date=date(2020, 1, 1),
                leave_date=date(2024, 1, 1) if i % 7 == 0 else None,
            )
        )  # fmt: skip
    from core.domain.pinyin import initials

    return [EmployeeRow(**{**r.__dict__, "initials": initials(r.name)}) for r in rows]


def test_five_thousand_rows_are_fetched_lazily_and_filter_fast(qtbot: QtBot) -> None:
    model = M()
    rows = many_rows(5000)
    started = time.perf_counter()
    model.set_rows(rows)
    model.set_filters(status=STATUS_ALL)
    load = time.perf_counter() - started
    assert model.matching == 5000 and model.rowCount() == M.BATCH  # only the first batch is exposed
    assert model.canFetchMore()
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == 5000
    # formatting what a screen shows (40 rows x 8 columns) costs next to nothing
    started = time.perf_counter()
    for row in range(2000, 2040):
        for col in range(M.COLUMN_COUNT):
            model.data(model.index(row, col))
    paint = time.perf_counter() - started
    started = time.perf_counter()
    model.set_search("wf")  # pinyin initials of 王芳
    search = time.perf_counter() - started
    assert model.matching > 0
    assert all(model.row_at(i).initials == "wf" for i in range(model.rowCount()))  # type: ignore[union-attr]
    started = time.perf_counter()
    model.sort(M.COL_LEVEL, Qt.SortOrder.DescendingOrder)
    sort = time.perf_counter() - started
    print(
        f"5000 rows: load {load * 1000:.1f} ms, 320 cells {paint * 1000:.2f} ms, search {search * 1000:.1f} ms, sort {sort * 1000:.1f} ms"
    )
    assert load < 0.5 and paint < 0.05 and search < 0.2 and sort < 0.2


def test_search_filter_and_sort(qtbot: QtBot) -> None:
    model = M()
    model.set_rows(many_rows(100))
    assert model.matching == 100 - 15  # departed (every 7th) are hidden by default
    model.set_filters(status=STATUS_DEPARTED)
    assert model.matching == 15
    assert model.data(model.index(0, M.COL_STATUS)) == "离职"
    assert model.data(model.index(0, M.COL_NO), Qt.ItemDataRole.ForegroundRole) is not None
    model.set_filters(status=STATUS_ALL, track_id=2, level_id=None)
    assert {model.row_at(i).track for i in range(model.rowCount())} == {"用户运营"}  # type: ignore[union-attr]
    model.set_filters(status=STATUS_ALL)
    model.set_search("e0004")
    assert [model.data(model.index(i, M.COL_NO)) for i in range(model.rowCount())] == [
        f"E0004{d}" for d in range(10)
    ]
    model.set_search("")
    model.sort(M.COL_NO, Qt.SortOrder.DescendingOrder)
    assert model.data(model.index(0, M.COL_NO)) == "E00100"
    assert model.headerData(M.COL_NAME, Qt.Orientation.Horizontal) == "姓名"
    assert model.rowCount(model.index(0, 0)) == 0 and model.data(QModelIndex()) is None
    assert model.row_of(1) == 99


def test_a_feature_adds_a_column_that_shows_sorts_and_refreshes(qtbot: QtBot) -> None:
    """The 晋升状态 column's API: add_column inserts after the archive's columns, its sort key
    orders the list, column_changed repaints it once the figures arrive."""
    model = M()
    model.set_rows(many_rows(30))
    status = {r.id: "" for r in many_rows(30)}
    inserted: list[tuple[int, int]] = []
    model.columnsInserted.connect(lambda _p, first, last: inserted.append((first, last)))
    column = model.add_column("晋升状态", lambda r: status[r.id], sort_key=lambda r: (-r.id,))
    assert column == M.COLUMN_COUNT and inserted == [(column, column)]
    assert model.columnCount() == M.COLUMN_COUNT + 1
    assert model.headerData(column, Qt.Orientation.Horizontal) == "晋升状态"
    status[3] = "已达标 → 运营主管"
    changed: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda a, b, *_: changed.append((a.column(), b.column())))
    model.column_changed(column)
    assert changed == [(column, column)]
    assert any(model.data(model.index(i, column)) == status[3] for i in range(model.rowCount()))
    model.sort(column, Qt.SortOrder.AscendingOrder)
    ids = [model.row_at(i).id for i in range(model.rowCount())]  # type: ignore[union-attr]
    assert ids == sorted(ids, reverse=True)


def test_list_viewmodel_refreshes_when_employees_change(qtbot: QtBot, company: AppSession) -> None:
    session_vm = SessionViewModel(company)
    vm = EmployeeListViewModel(session_vm)
    vm.refresh()
    assert vm.model.total == 0
    form = EmployeeFormViewModel(session_vm)
    form.new()
    form.set_field("no", "E001")
    form.set_field("name", "王芳")
    with qtbot.waitSignal(vm.rows_loaded):
        assert form.save()
    assert vm.model.total == 1 and vm.model.data(vm.model.index(0, M.COL_NAME)) == "王芳"


def test_form_undo_validation_and_save(qtbot: QtBot, company: AppSession) -> None:
    levels = seed_ladder(company)
    form = EmployeeFormViewModel(SessionViewModel(company))
    form.new()
    assert not form.dirty and form.can_edit
    for text in ("E", "E0", "E00", "E001"):
        form.set_field("no", text)  # typing merges into one undo step
    form.set_field("id_number", "110105194912310021")
    form.set_field("level_id", levels[("店铺运营", "运营助理")])
    assert form.dirty and form.undo_stack.count() == 3
    form.undo_stack.undo()
    assert form.value("level_id") is None
    assert not form.save()
    assert set(form.errors) == {"name", "id_number"}
    assert "校验位" in form.error("id_number")
    form.set_field("id_number", "11010519491231002X")
    assert "id_number" not in form.errors  # an edited field drops its old message
    form.set_field("name", "王芳")
    with qtbot.waitSignal(form.saved):
        assert form.save()
    assert not form.dirty and form.employee_id is not None
    form.set_field("department", "运营部")
    assert form.dirty
    form.revert()
    assert form.value("department") is None and not form.dirty
    assert form.mark_departed(date.today(), "个人原因")
    assert form.detail is not None and not form.detail.active and form.can_anonymise
    assert form.anonymise()
    assert form.value("name").startswith("#") and not form.can_edit


def test_typing_a_field_back_to_what_it_was_leaves_the_form_unchanged(
    qtbot: QtBot, company: AppSession
) -> None:
    """138…01 → 9 → 138…01 (the field's own Ctrl+Z, or retyped): no edit is left, so no "*"
    and no "未保存的修改" question; an edit of another field before it stays."""
    form = EmployeeFormViewModel(SessionViewModel(company))
    form.new()
    form.set_field("no", "E001")
    form.set_field("name", "王芳")
    form.set_field("phone", "13800000001")
    with qtbot.waitSignal(form.saved):
        assert form.save()
    assert not form.dirty
    with qtbot.waitSignal(form.dirty_changed, check_params_cb=lambda dirty: not dirty):
        form.set_field("phone", "9")
        assert form.dirty
        form.set_field("phone", "13800000001")
    assert not form.dirty and form.undo_stack.count() == 0
    form.set_field("notes", "调岗面谈")
    form.set_field("phone", "9")
    form.set_field("phone", "13800000001")
    assert form.dirty and form.undo_stack.count() == 1  # the note
    form.undo_stack.undo()
    assert not form.dirty and form.value("notes") in ("", None)


def test_archive_viewmodel_models_and_commands(
    qtbot: QtBot, company: AppSession, tmp_path: Path
) -> None:
    session_vm = SessionViewModel(company)
    form = EmployeeFormViewModel(session_vm)
    form.new()
    form.set_field("no", "E006")
    form.set_field("name", "孙悦")
    form.save()
    vm = ArchiveViewModel(session_vm)
    vm.set_employee(form.employee_id)
    cert = tmp_path / "证书.pdf"
    cert.write_bytes(b"%PDF cert")
    with qtbot.waitSignal(session_vm.data_changed):
        assert vm.add_training(
            archive.TrainingInput(
                "直播运营进阶", "抖音电商学习中心", date(2024, 3, 2), 12, 86, True
            ),
            cert,
        )
    assert vm.training.rowCount() == 1
    assert [vm.training.data(vm.training.index(0, c)) for c in range(7)] == [
        "直播运营进阶",
        "抖音电商学习中心",
        "2024-03-02",
        "12",
        "86",
        "是",
        "证书.pdf",
    ]
    assert vm.attachments.rowCount() == 1
    attachment = vm.attachments.row_at(0)
    assert attachment is not None
    opened = vm.open_attachment(attachment.id)
    assert opened is not None and opened.read_bytes() == b"%PDF cert"
    vm.cleanup()
    assert not opened.exists()
    assert vm.add_store_and_ownership("悦颜美妆专营店", "淘宝", "2023-07", None)
    assert vm.ownerships.data(vm.ownerships.index(0, 4)) == "至今"
    errors: list[str] = []
    vm.failed.connect(errors.append)
    assert not vm.add_ownership(vm.ownerships.row_at(0).store_id, "2023-09", None)  # type: ignore[union-attr]
    assert errors and "重叠" in errors[0]
    assert vm.add_feedback(archive.FeedbackInput("上级", date(2024, 6, 1), {"数据分析": 4}, "不错"))
    assert vm.feedback.rowCount() == 1
    assert [c.name for c in vm.competencies][:1] == ["数据分析"]
    kinds = [vm.timeline.data(vm.timeline.index(i, 1)) for i in range(vm.timeline.rowCount())]
    assert kinds == ["入职", "评价", "培训"]  # newest first; the form defaults 入职日期 to today


def test_archive_cells_speak_the_ui_language(english: None) -> None:
    """评价反馈's 关系 showed 自评 and 成果记录's 结果 成功 in English, where the dialogs offer
    "Self" and "Succeeded"; the ratings were joined with "，" and the evidence with "、"."""
    from datetime import date

    from core.services.archive.records import AchievementRow, FeedbackRow
    from desktop.viewmodels.archive_vm import achievement_columns, feedback_columns

    feedback = FeedbackRow(
        1, 1, "孙悦", False, "自评", date(2024, 6, 1), {"数据分析": 4, "策略制定": 3}, "", False
    )
    cells = {c.header: c.text(feedback) for c in feedback_columns()}
    assert cells["Relation"] == "Self"
    assert cells["Ratings"] == "数据分析 4, 策略制定 3"
    done = AchievementRow(
        1, 1, "campaign", "618", date(2024, 6, 18), "成功", None, None, "", ((1, "a"), (2, "b"))
    )
    free = AchievementRow(2, 1, "campaign", "x", date(2024, 6, 18), "部分达成", None, None, "", ())
    results = [
        next(c for c in achievement_columns() if c.header == "Result").text(r) for r in (done, free)
    ]
    assert results == ["Succeeded", "部分达成"]  # a result imported as free text stays as written
    name = next(c for c in achievement_columns() if c.header == "Name")
    assert name.tooltip is not None
    assert name.tooltip(done) == "618\nEvidence: a, b"  # the files under the whole name
    assert name.tooltip(free) == "x"
    kind = next(c for c in achievement_columns() if c.header == "Type").text(done)
    assert kind[:1].isupper()  # a type standing alone: "Campaign…", not "campaign…"


def test_a_supervisor_sees_her_own_boss_in_her_form(
    qtbot: QtBot, fresh_demo: Callable[..., Path]
) -> None:
    """李娜's own 基本信息 showed 直属上级 blank: the picker held only her team, so her boss
    (named in her list row) was not there to show."""
    from core.services.admin import auth
    from core.services.archive import employees

    del qtbot
    app = auth.log_in(fresh_demo(), "lina", "tidui-demo")
    try:
        me = next(r for r in employees.list_employees(app) if r.no == "E002")
        assert me.supervisor_id is not None and me.supervisor
        vm = EmployeeFormViewModel(SessionViewModel(app))
        vm.load(me.id)
        choices = {p.id: p.name for p in vm.supervisor_choices()}
        assert choices[me.supervisor_id] == me.supervisor
        assert me.id not in choices  # never her own boss
    finally:
        app.close(backup=False)
