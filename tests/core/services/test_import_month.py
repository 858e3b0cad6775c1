"""The month's exports in one drop: ordered, decided without asking when Tidui is sure, one batch per
file, and a result per store and per person (core/services/imports/month.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from core.domain.rules import Readiness
from core.model import ImportBatch
from core.progress import Progress
from core.services.imports import facts as import_facts
from core.services.imports import month as import_month
from core.session import AppSession
from tests.core.services.import_support import (
    LIVE,
    SAMPLES,
    SYCM_MONTHLY,
    TAOBAO,
    with_people,
)

TEN = sorted(p for p in SAMPLES.iterdir() if p.is_file())


def unknown_store(target: Path) -> Path:
    """The monthly 生意参谋 sample as a store Tidui has never heard of would export it."""
    book = openpyxl.load_workbook(SYCM_MONTHLY)
    for sheet in book.worksheets:
        for row in sheet.iter_rows(max_row=4):
            for cell in row:
                if isinstance(cell.value, str):
                    cell.value = cell.value.replace("悦颜美妆专营店", "悦颜美妆折扣店")
    book.save(target)
    return target


def one_more_month(target: Path) -> Path:
    """The monthly 生意参谋 sample exported a month later: 2023-01 .. 2024-07, 18 months already in."""
    book = openpyxl.load_workbook(SYCM_MONTHLY)
    sheet = book.worksheets[0]
    last = [c.value for c in sheet[sheet.max_row]]
    sheet.append(["2024-07", *last[1:]])
    book.save(target)
    return target


def unknown_headers(target: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["编号", "备注", "颜色"])
    sheet.append(["1", "随便写写", "红"])
    book.save(target)
    return target


@pytest.fixture
def company_beauty(company_beauty: AppSession) -> AppSession:
    """Template B with the review cycle the 评估打分 sample names already opened by the owner (a
    score row for a cycle nobody opened is a row error)."""
    from core.services.promotion.cycles import open_cycle

    open_cycle(company_beauty, "2024上半年", "2024-06")
    return company_beauty


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """The ten sample exports as the HR assistant downloads them into one folder."""
    target = tmp_path / "2024-06"
    shutil.copytree(SAMPLES, target)
    return target


def test_ten_samples_in_one_drop_are_ordered_and_all_imported(
    company_beauty: AppSession, folder: Path
) -> None:
    assert len(TEN) == 10
    plan = import_month.plan(company_beauty, [folder])
    assert [f.status for f in plan.files] == ["ready"] * 10, [
        (f.name, f.message and f.message.text()) for f in plan.files
    ]
    kinds = [f.kind for f in plan.files]
    assert kinds[:2] == ["roster", "store-owners"]
    assert set(kinds[2:5]) == {"training", "achievements", "scores"}
    assert kinds.index("douyin-orders") > kinds.index("douyin-live")
    # the stores come with 店铺负责人.xlsx: the exports wait for it
    daily = next(f for f in plan.files if f.name.startswith("【生意参谋平台】"))
    assert daily.store == "悦颜美妆旗舰店" and daily.store_pending

    result = import_month.commit(company_beauty, plan)
    assert [o.status for o in result.outcomes] == ["imported"] * 10
    assert len(set(result.batch_ids)) == 10
    with company_beauty.read() as s:
        assert s.scalar(select(func.count(ImportBatch.id))) == 10
    months = {m.store: m for m in result.stores}
    assert months["悦颜美妆旗舰店"].complete == tuple(f"2024-0{n}" for n in range(1, 7))
    # the June order export holds a few orders paid on 1 July: July is not complete
    assert ("2024-07", 1) in months["悦颜美妆专营店"].incomplete
    assert "2024-06" in months["悦颜抖音小店"].complete
    texts = [c.text("zh") for c in result.readiness]
    # Template B's role criteria (issue 20) with the samples' scores: nobody is ready yet; 李娜
    # is close (her evaluation a little short of 85). 陈静 no longer is for 用户运营, with 0 of
    # the 1 proposal it asks: one unmet criterion must be half-way there to count as close.
    assert texts == ["李娜：接近达标 运营总监"]
    assert all(c.before is None for c in result.readiness)
    assert {c.after for c in result.readiness} == {Readiness.NEARLY}


def test_one_unplaceable_store_one_copy_and_one_broken_file(
    company_beauty: AppSession, tmp_path: Path
) -> None:
    with_people(company_beauty)
    drop = tmp_path / "drop"
    drop.mkdir()
    shutil.copy(LIVE, drop / LIVE.name)
    shutil.copy(TAOBAO, drop / TAOBAO.name)
    shutil.copy(TAOBAO, drop / "ExportOrderList202406 (1).csv")
    unknown_store(drop / "生意参谋_交易概况_月_悦颜美妆折扣店_2023-01_2024-06.xlsx")
    (drop / "店铺数据.xlsx").write_bytes(b"PK\x03\x04 this is not really a workbook")
    (drop / "说明.txt.md").write_text("notes", encoding="utf-8")

    plan = import_month.plan(company_beauty, [drop])
    by_status = {
        s: plan.with_status(s) for s in ("ready", "needs_decision", "refused", "duplicate")
    }
    assert [f.name for f in by_status["needs_decision"]] == [
        "生意参谋_交易概况_月_悦颜美妆折扣店_2023-01_2024-06.xlsx"
    ]
    question = by_status["needs_decision"][0]
    assert question.question == "store" and "悦颜美妆折扣店" in (question.message or "").__str__()
    copy = by_status["duplicate"]
    assert len(copy) == 1 and copy[0].same_as is not None
    assert (copy[0].name, copy[0].same_as.name) == ("ExportOrderList202406 (1).csv", TAOBAO.name)
    assert "同一个文件" in str(copy[0].message)
    assert [f.name for f in by_status["refused"]] == ["店铺数据.xlsx"]
    assert str(by_status["refused"][0].message).strip()
    assert len(plan.listed) == 4 and [p.name for p in plan.ignored] == ["说明.txt.md"]
    assert sorted(f.name for f in by_status["ready"]) == sorted([LIVE.name, copy[0].same_as.name])

    result = import_month.commit(company_beauty, plan)
    statuses = {o.path.name: o.status for o in result.outcomes}
    assert statuses[LIVE.name] == "imported"
    assert statuses["店铺数据.xlsx"] == "failed"
    assert statuses[question.name] == "needs_decision"
    assert sorted(statuses.values()).count("skipped") == 1  # the copy


def test_files_already_imported_are_recognised_the_next_month(
    company_beauty: AppSession, folder: Path
) -> None:
    import_month.commit(company_beauty, import_month.plan(company_beauty, [folder]))
    again = import_month.plan(company_beauty, [folder])
    assert {f.status for f in again.files} == {"already_imported"}
    assert all("批次 #" in str(f.message) for f in again.files)
    result = import_month.commit(company_beauty, again)
    assert {o.status for o in result.outcomes} == {"skipped"} and result.readiness == []
    assert all(o.message is not None and str(o.message) for o in result.outcomes)


def test_a_file_that_fails_leaves_the_others_in_and_nothing_of_itself(
    company_beauty: AppSession, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = import_facts.insert_facts

    def failing(connection, fact_set, batch_id, *args, **kwargs):  # type: ignore[no-untyped-def]
        if fact_set.model.__tablename__ == "live_session_facts":
            real(connection, fact_set, batch_id, *args, **kwargs)
            from core.errors import ValidationError

            raise ValidationError("import_month.cancelled_file")
        return real(connection, fact_set, batch_id, *args, **kwargs)

    monkeypatch.setattr(import_facts, "insert_facts", failing)
    result = import_month.commit(company_beauty, import_month.plan(company_beauty, [folder]))
    statuses = {o.path.name: o.status for o in result.outcomes}
    assert statuses.pop(LIVE.name) == "failed"
    assert set(statuses.values()) == {"imported"}
    with company_beauty.read() as s:
        from core.model import LiveSessionFact

        assert s.scalar(select(func.count(LiveSessionFact.id))) == 0
        assert s.scalar(select(func.count(ImportBatch.id))) == 9


def test_cancel_stops_between_files_and_rolls_back_the_one_being_stored(
    company_beauty: AppSession, folder: Path
) -> None:
    plan = import_month.plan(company_beauty, [folder])
    seen: list[str] = []

    def report(done: int, total: int, note: object) -> None:
        seen.append(str(note))
        if "ExportOrderList" in str(note):
            progress.cancel()

    progress = Progress(report)
    result = import_month.commit(company_beauty, plan, progress=progress)
    assert result.cancelled
    statuses = [o.status for o in result.outcomes]
    assert statuses[:5] == ["imported"] * 5 and set(statuses[5:]) == {"skipped"}
    with company_beauty.read() as s:
        assert s.scalar(select(func.count(ImportBatch.id))) == 5


def test_readiness_changes_name_the_person_the_status_and_the_level() -> None:
    before = {
        (1, 7): import_month.Standing(
            "宋雨", "E007", "运营专员", "运营助理 → 运营专员", Readiness.NEARLY
        ),
        (2, 7): import_month.Standing("王芳", "E002", "运营专员", "x", Readiness.NOT_READY),
    }
    after = {
        (1, 7): import_month.Standing(
            "宋雨", "E007", "运营专员", "运营助理 → 运营专员", Readiness.READY
        ),
        (2, 7): import_month.Standing("王芳", "E002", "运营专员", "x", Readiness.NOT_READY),
        (3, 7): import_month.Standing("新人", "E020", "运营专员", "x", Readiness.NOT_READY),
    }
    changes = import_month.readiness_changes(before, after)
    assert [c.text("zh") for c in changes] == ["宋雨：已达标 运营专员"]
    assert import_month.readiness_changes(before, None) == []


def test_rows_imported_before_are_a_question_for_a_person_and_skipped_unattended(
    company_beauty: AppSession, tmp_path: Path
) -> None:
    with_people(company_beauty)
    import_month.commit(company_beauty, import_month.plan(company_beauty, [SYCM_MONTHLY]))
    later = one_more_month(tmp_path / "生意参谋_交易概况_月_悦颜美妆专营店_2023-01_2024-07.xlsx")
    asked = import_month.plan(company_beauty, [later]).files[0]
    assert (asked.status, asked.question, asked.overlap) == ("needs_decision", "overlap", 18)
    assert "18 行已由批次" in str(asked.message) and "跳过重复还是替换" in str(asked.message)
    plan = import_month.plan(company_beauty, [later], overlap="skip")
    planned = plan.files[0]
    assert (planned.status, planned.counted, planned.overlap) == ("ready", 1, 18)
    result = import_month.commit(company_beauty, plan)
    done = result.outcomes[0].result
    assert done is not None and (done.imported, done.duplicates) == (1, 18)
    assert done.months == ["2024-07"]


def test_a_file_tidui_cannot_recognise_asks_which_kind(
    company_beauty: AppSession, tmp_path: Path
) -> None:
    strange = unknown_headers(tmp_path / "不知道是什么.xlsx")
    planned = import_month.plan(company_beauty, [strange]).files[0]
    assert (planned.status, planned.question) == ("needs_decision", "kind")
    assert "编号" in str(planned.message) and planned.file is not None
