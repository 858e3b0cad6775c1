"""Tidui's own import templates (roster, store owners, training, achievements, scores, metric values)
as data: the one place their canonical headers (docs/cli.md) and synonyms live.

The import engine's source kinds are derived from them (core/importers/sources.py), the archive's
template import reads their field keys, and core/services/imports/templates.py writes the
downloadable workbook from them. ``TEMPLATE_KINDS`` is the list of their import kinds.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Literal

from core.domain.metrics import ACHIEVEMENT_TYPES, CATALOGUE, EVALUATION_PARTS

FieldKind = Literal["text", "date", "month", "int", "number", "bool", "choice"]

GENDER_CHOICES = ("男", "女")
PLATFORM_CHOICES = ("天猫", "淘宝", "抖音", "抖音直播", "京东", "拼多多", "快手", "小红书")
RESULT_CHOICES = ("成功", "失败")
YES_NO = ("是", "否")
DATA_ROWS = 1000  # rows that get validation lists and formats


@dataclass(frozen=True)
class TemplateField:
    key: str  # canonical field key, what archive_import reads
    header: str  # canonical Chinese header (docs/cli.md)
    header_en: str
    kind: FieldKind = "text"
    required: bool = False
    synonyms: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    example: str = ""
    hint_zh: str = ""
    hint_en: str = ""
    in_template: bool = True  # accepted on import, but not a column of the downloadable file
    width: int = 14


@dataclass(frozen=True)
class TemplateSpec:
    kind: str  # import source kind: roster, store-owners, training, achievements, scores, metrics
    title_zh: str
    title_en: str
    sheet: str
    fields: tuple[TemplateField, ...]

    @property
    def columns(self) -> tuple[TemplateField, ...]:
        return tuple(f for f in self.fields if f.in_template)

    def field(self, key: str) -> TemplateField:
        for f in self.fields:
            if f.key == key:
                return f
        raise KeyError(key)

    def file_name(self, lang: str = "zh") -> str:
        return f"{self.title_en if lang == 'en' else self.title_zh}.xlsx"


def _no(
    required: bool = True, synonyms: tuple[str, ...] = ("员工编号", "员工号", "编号", "员工工号")
) -> TemplateField:
    return TemplateField(
        "no", "工号", "Employee no.", "text", required, synonyms, example="E001",
        hint_zh="员工在公司内唯一的编号", hint_en="The employee's unique number",
    )  # fmt: skip


_ACH_TYPES = tuple(t.name_zh for t in ACHIEVEMENT_TYPES.values())
_PARTS = "/".join(p.name_zh for p in EVALUATION_PARTS.values())
_MANUAL_METRICS = tuple(m.name_zh for m in CATALOGUE.values() if "manual" in m.sources)

TEMPLATES: dict[str, TemplateSpec] = {
    spec.kind: spec
    for spec in (
        TemplateSpec(
            "roster", "员工花名册", "Roster", "花名册",
            (
                _no(),
                TemplateField("name", "姓名", "Name", required=True, synonyms=("员工姓名", "名字"), example="王芳", width=10),
                TemplateField("gender", "性别", "Gender", "choice", choices=GENDER_CHOICES, example="女", width=8),
                TemplateField("phone", "手机号", "Mobile", synonyms=("手机", "手机号码", "联系电话", "电话"), example="13800000001", hint_zh="11位手机号", hint_en="11-digit mobile number"),
                TemplateField("id_number", "身份证号", "ID number", synonyms=("身份证", "身份证号码", "证件号码"), example="330102199001011234", hint_zh="18位，末位可为X", hint_en="18 characters, the last may be X", width=22),
                TemplateField("hire_date", "入职日期", "Hire date", "date", True, ("入职时间", "到岗日期"), example="2021-03-01"),
                TemplateField("leave_date", "离职日期", "Leave date", "date", synonyms=("离职时间",), example="", hint_zh="在职员工留空", hint_en="Empty while employed"),
                TemplateField("department", "部门", "Department", synonyms=("所属部门",), example="运营部"),
                TemplateField("track", "通道", "Track", "choice", synonyms=("职业通道", "序列", "岗位序列"), example="店铺运营", hint_zh="与晋升通道中的名称一致", hint_en="As named in the ladder"),
                TemplateField("level", "职级", "Level", "choice", synonyms=("级别", "岗位级别", "职位"), example="运营专员", hint_zh="与该通道的职级名称一致", hint_en="A level title of that track"),
                TemplateField("supervisor_no", "直属上级工号", "Supervisor no.", synonyms=("上级工号", "直属上级", "汇报对象工号"), example="E001", width=16),
                TemplateField("salary", "月薪", "Monthly salary", "int", synonyms=("月工资", "基本工资", "薪资", "月薪(元)"), example="8000", hint_zh="元/月", hint_en="CNY per month"),
                TemplateField("leave_reason", "离职原因", "Leave reason", synonyms=("离职说明",), in_template=False),
                TemplateField("level_since", "定级日期", "At level since", "date", synonyms=("任职日期", "晋升日期"), in_template=False),
            ),
        ),
        TemplateSpec(
            "store-owners", "店铺负责人", "Store owners", "店铺负责人",
            (
                TemplateField("store", "店铺", "Store", required=True, synonyms=("店铺名称", "店铺名", "直播账号", "账号昵称", "账号"), example="悦颜美妆旗舰店", hint_zh="抖音直播填账号昵称", hint_en="For 抖音直播: the account nickname", width=20),
                TemplateField("platform", "平台", "Platform", "choice", True, ("渠道", "平台名称"), PLATFORM_CHOICES, example="天猫"),
                _no(synonyms=("负责人工号", "员工编号", "员工号")),
                TemplateField("start_month", "开始月份", "From month", "month", True, ("开始月", "起始月份", "开始时间"), example="2023-01", hint_zh="写成 2024-03", hint_en="Write 2024-03"),
                TemplateField("end_month", "结束月份", "To month", "month", synonyms=("结束月", "截止月份", "结束时间"), example="", hint_zh="仍在负责则留空", hint_en="Empty while still running it"),
            ),
        ),
        TemplateSpec(
            "training", "培训记录", "Training", "培训记录",
            (
                _no(),
                TemplateField("course", "课程", "Course", required=True, synonyms=("课程名称", "培训课程", "培训名称", "培训项目"), example="直播运营进阶", width=20),
                TemplateField("provider", "机构", "Provider", synonyms=("培训机构", "主办方", "讲师"), example="内部培训", width=18),
                TemplateField("start_date", "开始日期", "Start date", "date", synonyms=("培训日期", "日期", "开始时间"), example="2024-03-02"),
                TemplateField("hours", "学时", "Hours", "number", synonyms=("课时", "时长", "学时(小时)"), example="12", width=8),
                TemplateField("score", "成绩", "Score", "number", synonyms=("分数", "考核成绩", "得分"), example="86", hint_zh="0–100", hint_en="0–100", width=8),
                TemplateField("passed", "是否通过", "Passed", "bool", synonyms=("通过", "考核结果", "是否合格"), choices=YES_NO, example="是", width=10),
            ),
        ),
        TemplateSpec(
            "achievements", "成果记录", "Achievements", "成果记录",
            (
                _no(),
                TemplateField("type", "类型", "Type", "choice", True, ("成果类型", "类别"), _ACH_TYPES, example="新品上线"),
                TemplateField("name", "名称", "Name", required=True, synonyms=("成果名称", "项目名称", "活动名称"), example="夏季防晒霜上新", width=22),
                TemplateField("date", "日期", "Date", "date", True, ("完成日期", "时间", "上线日期"), example="2024-04-12"),
                TemplateField("result", "结果", "Result", "choice", synonyms=("是否成功",), choices=RESULT_CHOICES, example="成功", hint_zh="留空视为成功", hint_en="Empty means 成功", width=8),
                TemplateField("roi", "ROI", "ROI", "number", synonyms=("投入产出比", "投产比", "roi"), example="2.6", hint_zh="2:1 写成 2", hint_en="Write 2:1 as 2", width=8),
                TemplateField("team_size", "带领人数", "Team size", "int", synonyms=("团队人数", "带队人数", "带领团队人数"), example="2", width=10),
                TemplateField("notes", "备注", "Notes", synonyms=("说明",), in_template=False),
            ),
        ),
        TemplateSpec(
            "scores", "评估打分", "Scores", "评估打分",
            (
                _no(),
                TemplateField("period", "评审周期", "Period", required=True, synonyms=("周期", "考核周期", "评估周期"), example="2024上半年"),
                TemplateField("item", "项目", "Item", required=True, synonyms=("评估项目", "考核项目", "评分项目"), example="能力-策略答辩", hint_zh=f"部分-项目，部分为{_PARTS}", hint_en="Part-item, part = 绩效/能力/潜力", width=20),
                TemplateField("score", "分数", "Score", "number", True, ("得分", "评分"), example="84", hint_zh="0–100", hint_en="0–100", width=8),
                TemplateField("rater", "评分人", "Rater", synonyms=("评委", "打分人", "评估人"), example="王芳", width=10),
                TemplateField("note", "备注", "Note", synonyms=("说明", "评语"), example="", width=24),
            ),
        ),
        TemplateSpec(
            "metrics", "指标数据", "Metric values", "指标数据",
            (
                _no(),
                TemplateField("month", "月份", "Month", "month", True, ("统计月份", "所属月份", "日期"), example="2024-03", hint_zh="写成 2024-03", hint_en="Write 2024-03"),
                TemplateField("metric", "指标", "Metric", "choice", True, ("指标名称", "指标代码", "考核指标"), _MANUAL_METRICS, example="30日留存率", hint_zh="指标目录中手工录入的指标（含自定义指标）", hint_en="A hand-entered metric of the catalogue (custom ones too)", width=20),
                TemplateField("value", "数值", "Value", required=True, synonyms=("指标值", "值", "数据", "结果"), example="12.5%", hint_zh="百分比写成 12.5% 或 0.125", hint_en="Percentages as 12.5% or 0.125", width=12),
                TemplateField("note", "备注", "Note", synonyms=("说明",), example="", width=24),
            ),
        ),
    )
}  # fmt: skip


def normalise_header(text: str) -> str:
    """Header text compared without blanks, full-width forms, brackets' width or case."""
    value = unicodedata.normalize("NFKC", str(text)).replace("\ufeff", "")
    return "".join(value.split()).lower()


def field_for_header(kind: str, header: str) -> str | None:
    """The field key a column header of a ``kind`` file stands for (canonical name, synonym or key)."""
    wanted = normalise_header(header)
    for f in TEMPLATES[kind].fields:
        names = (f.key, f.header, f.header_en, *f.synonyms)
        if wanted in {normalise_header(n) for n in names}:
            return f.key
    return None


TEMPLATE_KINDS: tuple[str, ...] = tuple(TEMPLATES)
