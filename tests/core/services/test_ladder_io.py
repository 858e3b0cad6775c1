"""Copying a ladder to another company file as JSON or as the readable workbook, and refusing bad files."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from core.domain import ladder_design
from core.errors import PermissionDenied, ValidationError
from core.model import AuditEntry
from core.services.ladder import io as ladder_io
from core.services.ladder import saving as ladder
from core.session import AppSession
from tests.conftest import as_role, make_company


def _comparable(app: AppSession) -> dict[str, object]:
    data = ladder_io.export_data(app)
    data["transitions"] = sorted(
        data["transitions"], key=lambda t: json.dumps([t["from"], t["to"]], ensure_ascii=False)
    )
    return data


@pytest.mark.parametrize("suffix", [".json", ".xlsx"])
def test_a_ladder_copies_into_an_empty_company_file(
    company_beauty: AppSession, tmp_path: Path, suffix: str
) -> None:
    (tmp_path / "other").mkdir()
    company, _ = make_company(tmp_path / "other")
    path = ladder_io.export_file(company_beauty, tmp_path / f"ladder{suffix}")
    summary = ladder_io.import_file(company, path)
    assert (summary.tracks_added, summary.levels_added, summary.transitions_added) == (4, 12, 12)
    assert _comparable(company) == _comparable(company_beauty)
    # importing the same file again changes nothing
    again = ladder_io.import_file(company, path)
    assert again.changes == 0 and again.tracks_added == 0
    company.close(backup=False)


def test_importing_merges_by_name_and_bumps_changed_rules(
    company_home: AppSession, tmp_path: Path
) -> None:
    data = ladder_io.export_data(company_home)
    first = data["transitions"][0]
    first["criteria"][0]["threshold"] = 0.2
    data["tracks"].append(
        {"name": "直播运营", "levels": [{"title": "主播", "rank": 1, "salary_min": 5000}]}
    )
    summary = ladder_io.import_data(company_home, data, source="edited.json")
    assert summary.tracks_added == 1 and summary.levels_added == 1 and summary.updated == 1
    design = ladder.load_design(company_home)
    changed = design.transitions[0]
    assert changed.version == 2 and changed.criteria[0].threshold == 0.2
    with company_home.read() as s:
        last = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert last is not None and last.action == "ladder.import"
    assert last.after is not None and last.after["file"] == "edited.json"


def test_a_bad_file_is_reported_with_where_and_nothing_changes(company_home: AppSession) -> None:
    data = ladder_io.export_data(company_home)
    bad = copy.deepcopy(data)
    bad["tracks"][0]["levels"][1]["salary_min"] = "六千"
    bad["transitions"][1]["to"]["level"] = "运营经理"
    bad["transitions"][0]["criteria"][0]["window"] = 0
    with company_home.read() as s:
        audits = s.scalar(select(func.count()).select_from(AuditEntry))
    _, _, problems = ladder_io.check_import(company_home, bad)
    texts = [p.text("zh") for p in problems]
    assert "tracks[1].levels[2].salary_min：“六千”不是数字" in texts
    assert "transitions[2].to：找不到通道“店铺运营”中的职级“运营经理”" in texts
    with pytest.raises(ValidationError) as err:
        ladder_io.import_data(company_home, bad, source="bad.json")
    assert "bad.json" in err.value.text("zh") and "未作任何修改" in err.value.text("zh")
    assert ladder_io.export_data(company_home) == data
    with company_home.read() as s:
        assert s.scalar(select(func.count()).select_from(AuditEntry)) == audits


def test_rule_problems_are_found_after_the_fields_are_read(company_home: AppSession) -> None:
    data = ladder_io.export_data(company_home)
    data["transitions"][0]["criteria"][0]["window"] = 0
    _, _, problems = ladder_io.check_import(company_home, data)
    assert len(problems) == 1
    assert "统计月数" in problems[0].text("zh") and "运营助理→运营专员" in problems[0].text("zh")


def test_other_files_are_refused_clearly(company: AppSession, tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="不是 Tidui 导出的晋升通道文件"):
        ladder_io.import_data(company, {"format": "something-else"})
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(ValidationError, match="不是有效的 JSON"):
        ladder_io.read_file(broken)
    with pytest.raises(ValidationError, match="找不到文件"):
        ladder_io.read_file(tmp_path / "missing.json")
    newer = {"format": ladder_io.FORMAT, "version": 99}
    with pytest.raises(ValidationError, match="更新版本"):
        ladder_io.import_data(company, newer)


def test_hr_may_export_but_not_import(company_home: AppSession, tmp_path: Path) -> None:
    hr = as_role(company_home, "hr1", "hr")
    path = ladder_io.export_file(hr, tmp_path / "ladder.json")
    with pytest.raises(PermissionDenied):
        ladder_io.import_file(hr, path)


def test_the_workbook_is_readable_one_sheet_per_track(
    company_beauty: AppSession, tmp_path: Path
) -> None:
    path = ladder_io.export_file(company_beauty, tmp_path / "ladder.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == [
        "说明",
        "店铺运营",
        "用户运营",
        "直播运营",
        "数据运营",
        "评估模板",
        "自定义指标",
    ]
    ws = wb["店铺运营"]
    cells = [[c for c in row] for row in ws.iter_rows(values_only=True)]
    assert ["运营主管" in (row[1] or "") for row in cells].count(True) == 1
    sentences = [row[8] for row in cells if row[8]]
    assert "连续3个月GMV增长率≥12%" in sentences
    assert "转化率较3个月前提升≥1.5个百分点" in sentences
    rule = next(row for row in cells if row[8] == "转化率较3个月前提升≥1.5个百分点")
    assert (rule[12], rule[13]) == (1.5, "个百分点")


def test_text_that_looks_like_a_formula_stays_text(company: AppSession, tmp_path: Path) -> None:
    design = ladder_design.LadderDesign()
    track = ladder_design.TrackSpec(design.new_id(), "=HYPERLINK(1)")
    design = design.put_track(track)
    design = design.put_level(
        ladder_design.LevelSpec(design.new_id(), track.id, "@助理", description="-先试用")
    )
    ladder.save_design(company, design)
    path = ladder_io.export_file(company, tmp_path / "ladder.xlsx")
    ws = load_workbook(path)[load_workbook(path).sheetnames[1]]
    assert ws["B1"].value == "'=HYPERLINK(1)" and ws["B1"].data_type == "s"
    data = ladder_io.read_file(path)
    assert data["tracks"][0]["name"] == "=HYPERLINK(1)"
    assert data["tracks"][0]["levels"][0]["title"] == "@助理"
