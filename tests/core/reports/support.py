"""A demo company with one decided and one open promotion case, and poppler helpers."""

from __future__ import annotations

import io
import re
import subprocess
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import pytest

from core.services import demo
from core.services.admin import auth, company
from core.services.archive.employees import find_by_no
from core.services.eligibility import readiness as el
from core.services.promotion import cases, cycles, review, scores
from core.session import AppSession

CYCLE = "2024上半年"
PASSWORD = "tidui-demo"
PERMISSIONS = ["决定新品上线策略", "审批店铺活动预算"]
RATINGS = {
    ("ability", "策略答辩"): (("王芳", 86), ("李娜", 80)),
    ("ability", "数据分析"): (("王芳", 90), ("李娜", 84)),
    ("ability", "团队协作"): (("李娜", 78),),
    ("potential", "学习能力"): (("王芳", 88),),
    ("potential", "创新能力"): (("王芳", 75), ("李娜", 79)),
    ("potential", "领导力"): (("王芳", 70),),
}


@dataclass(frozen=True)
class DemoCases:
    path: Path
    decided: int  # 孙悦 (E006) 运营助理 → 运营专员, decided and effective
    open: int  # 陈静 (E004) 运营专员 → 运营主管, waiting at the first step
    sun: int
    chen: int


def logo_png() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (240, 80), "#2f5d8a")
    ImageDraw.Draw(image).ellipse((10, 10, 70, 70), fill="#f5c542")
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return buf.getvalue()


def employee(app: AppSession, no: str) -> int:
    with app.read() as s:
        found = find_by_no(s, no)
        assert found is not None
        return found.id


def build_demo(path: Path) -> DemoCases:
    """The demo company, a logo, a cycle, scores for 孙悦 and her case decided through the chain."""
    demo.create_demo(path, with_cases=False)  # the tests walk their own cases
    app = auth.log_in(path, "demo", PASSWORD)
    try:
        info = company.get_info(app)
        company.update_info(app, info.name, info.currency, info.language, logo=logo_png())
        found = [c for c in cycles.list_cycles(app) if c.name == CYCLE]  # the demo opens it
        cycle = found[0] if found else cycles.open_cycle(app, CYCLE, "2024-06")
        sun, chen = employee(app, "E006"), employee(app, "E004")
        for (part, item), ratings in RATINGS.items():
            for rater, value in ratings:
                scores.enter_score(
                    app, scores.ScoreTarget(cycle.id, sun, part, item, rater), value, "表现稳定"
                )
        to_level = el.employee_progress(app, sun).outlooks[0].transition.to_level_id
        decided = cases.create_case(
            app,
            sun,
            to_level,
            cycle=CYCLE,
            reason="连续三个月GMV增长超过目标，带教新人表现突出，店铺活动策划能力强，建议晋升。"
            * 2,
            statement="半年来负责专营店的日常运营与活动策划，完成三次新品上线。",
        )
        while cases.view_case(app, decided).state.value in ("submitted", "in_review"):
            cases.act(app, decided, "approve", "同意，数据扎实。")
        view = cases.view_case(app, decided)
        assert view.state.value == "approved"
        salary = view.suggested_salary[0] if view.suggested_salary else 7000
        cases.decide(app, decided, salary, date(2024, 7, 1), permissions=PERMISSIONS)
        chen_to = el.employee_progress(app, chen).outlooks[0].transition.to_level_id
        opened = cases.create_case(app, chen, chen_to, cycle=CYCLE, reason="接近达标，提前评估。")
    finally:
        app.close(backup=False)
    return DemoCases(path, decided, opened, sun, chen)


def pdffonts(path: Path) -> list[dict[str, str]]:
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    rows = []
    for line in out.stdout.splitlines()[2:]:
        parts = line.split()
        # name type... encoding emb sub uni object ID: the flags are the 5th–3rd from the end
        rows.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4], "uni": parts[-3]})
    return rows


def assert_cjk_embedded(path: Path) -> None:
    fonts = pdffonts(path)
    assert fonts, "no fonts at all"
    assert any("WenQuanYi" in f["name"] for f in fonts), fonts
    for f in fonts:  # every font embedded and subset: nothing left to the reader's PC
        assert (f["emb"], f["sub"]) == ("yes", "yes"), f


def pdftext(path: Path, *, first: int | None = None, last: int | None = None) -> str:
    args = ["pdftotext", "-raw", "-enc", "UTF-8"]
    if first is not None:
        args += ["-f", str(first)]
    if last is not None:
        args += ["-l", str(last)]
    out = subprocess.run([*args, str(path), "-"], capture_output=True, text=True, check=True)
    return out.stdout


def flat(text: str) -> str:
    """Text without the line breaks and spaces a wrapped cell adds (and × for ✗, as printed)."""
    return re.sub(r"\s+", "", text.replace("✗", "×"))


def pages(path: Path) -> int:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    found = re.search(r"^Pages:\s+(\d+)", out.stdout, re.M)
    assert found
    return int(found.group(1))


LONG_RULE = (
    "近三个月店铺直通车推广投入产出比与自然搜索流量占比的加权综合指标"
    "连续达到公司经营目标要求并且客户满意度评分不低于四点八分"
)


def with_long_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every candidate's first criterion carries a 60-character name (a company's own metric)."""
    real = review.review_detail

    def detail(
        app: AppSession, cycle: review.CycleRow, row: review.ReviewRow
    ) -> review.ReviewDetail:
        found = real(app, cycle, row)
        first, *rest = found.criteria
        return replace(found, criteria=(replace(first, rule=LONG_RULE), *rest))

    monkeypatch.setattr(review, "review_detail", detail)
