"""The demo company (template B, 悦颜美妆, 14 people on the payroll in 2024-06, 18 months of data) for `tidui --demo` and `tidui-cli demo`.

The people, stores and records are those of the platforms' sample exports (the brief's beauty shop); the monthly
store figures are generated from a fixed seed so that the screens have something true to say:
孙悦 (E006) meets every rule for 运营专员 as of 2024-06, 陈静 (E004) is close to 运营主管, and
nobody is ready for 运营总监 (a pipeline gap). The 直播运营 and 用户运营 people are judged on their
own measures: 黄婷 (E008) draws the viewers but June's order conversion fell to 2.2% (nearly ready
for 运营专员); 吴昊 (E009) sells ¥60,000+ a session but converts under 3% and has led no
campaigns (not ready for 运营主管); 刘洋 (E005) keeps his members and the flagship's repurchase
rate above 30% but has led no campaigns (nearly ready); 徐丽 (E010) misses 30% 30-day retention
by a point or two (nearly ready). Everything goes in through the same services as
real data, marked as one import batch per kind ("演示数据") so it can be undone like any import.

The finished cycle 2023下半年 (as of 2023-12, closed) is the brief's first year of promotions:
the rules found five people ready, HR proposed them, every step was approved by its account and
the owner decided; in effect from 2024-01-01 (FINISHED_CASES): 刘洋, 吴昊 and 林晓 运营助理 →
运营专员, 赵磊 and 宋佳 运营专员 → 运营主管, each with a letter to print. The roster holds their
levels before it; the cases' grade changes make them what they are today.

The year to 2024-06 against the year before (the dashboard's 近12个月 as of 2024-06 and as of
2023-06): turnover falls from 45% (four assistants left: E012, E017–E019) to 21% (E013, E020,
E021); GMV grows 35% (2024-06 over 2023-06: the flagship's decline in 2023's second half, 陈静's
turnaround in 2024, the 抖店 growing through its live rooms); the live rooms' share of GMV goes
from 10% to 30%.

The open cycle 2024上半年 shows the approval workflow: 人事 (hr) has proposed five cases and the
demo accounts have acted on them through the case service (see CASES): 陈静 waits for her
supervisor 李娜 (lina); 孙悦 has passed 人事 and waits for the owner's decision (her supervisor
陈静 has no account, so that step is skipped and the trail says why); 徐丽 waits for 人事 (刘洋
has no account either); 李娜 returned 刘洋's case for more information; 人事 rejected 黄婷's.
360 feedback of June 2024 (FEEDBACK) gives the 能力缺口 card its sentence: the people below
运营主管 analyse well but none leads yet.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from core.domain import months as mo
from core.errors import TiduiError
from core.model import ImportBatch, LiveSessionFact, OrderFact, Store, StoreMonthFact
from core.services.admin import auth, users
from core.services.archive import template_import as archive_import
from core.services.eligibility import order_totals
from core.session import AppSession, UnitOfWork

DEMO_COMPANY = "悦颜美妆（演示）"
# Raised whenever the story changes (2: the finished cycle 2023下半年, seven departures; 3: the
# leavers' dates, so turnover reads about 45% → about 20%), so the demo a user's Tidui made
# earlier is built again instead of telling the old story.
STORY_VERSION = "4"  # 4: the finished cycle takes effect on its effective day
FIRST_MONTH, LAST_MONTH = "2023-01", "2024-06"
DEMO_CYCLE = "2024上半年"
SEED = 20240630

# 工号, 姓名, 性别, 入职, 离职, 部门, 通道, 职级, 上级, 月薪 — as in tests/data/samples/员工花名册.xlsx,
# except the five the finished cycle 2023下半年 promoted (effective 2024-01-01, see FINISHED_CASES):
# the roster holds their level and salary before it, the cases make them what they are today;
# 陈静 was made 运营专员 by hand before Tidui (ROSTER_UPDATE, the June 2023 roster). 宋佳 (E016) and five of the leavers (E017–E021) are the demo's own.
ROSTER: tuple[tuple[Any, ...], ...] = (
    ("E001", "王芳", "女", "2021-03-01", None, "运营部", "店铺运营", "运营总监", None, 18000),
    ("E002", "李娜", "女", "2021-05-10", None, "运营部", "店铺运营", "运营主管", "E001", 12000),
    ("E003", "赵磊", "男", "2021-08-02", None, "直播部", "直播运营", "运营专员", "E001", 9000),
    ("E004", "陈静", "女", "2022-02-14", None, "运营部", "店铺运营", "运营助理", "E002", 6000),
    ("E005", "刘洋", "男", "2022-06-01", None, "运营部", "用户运营", "运营助理", "E002", 6000),
    ("E006", "孙悦", "女", "2023-03-01", None, "运营部", "店铺运营", "运营助理", "E004", 5500),
    ("E007", "周杰", "男", "2023-04-17", None, "运营部", "店铺运营", "运营助理", "E004", 5500),
    ("E008", "黄婷", "女", "2023-07-03", None, "直播部", "直播运营", "运营助理", "E003", 5500),
    ("E009", "吴昊", "男", "2022-09-05", None, "直播部", "直播运营", "运营助理", "E003", 6000),
    ("E010", "徐丽", "女", "2023-10-09", None, "运营部", "用户运营", "运营助理", "E005", 5500),
    ("E011", "马超", "男", "2024-02-19", None, "运营部", "数据运营", "运营助理", "E002", 6000),
    ("E012", "胡月", "女", "2022-11-01", "2023-06-30", "运营部", "店铺运营", "运营助理", "E004", 5500),
    ("E013", "郭强", "男", "2023-01-09", "2023-09-15", "直播部", "直播运营", "运营助理", "E003", 5500),
    ("E014", "何琳", "女", "2024-03-18", None, "直播部", "直播运营", "运营助理", "E003", 5500),
    ("E015", "林晓", "女", "2023-05-22", None, "运营部", "数据运营", "运营助理", "E001", 6500),
    ("E016", "宋佳", "女", "2021-11-15", None, "运营部", "用户运营", "运营专员", "E001", 8500),
    ("E017", "张萌", "女", "2022-01-10", "2022-07-29", "运营部", "店铺运营", "运营助理", "E002", 5000),
    ("E018", "陈浩", "男", "2022-04-06", "2022-07-22", "直播部", "直播运营", "运营助理", "E003", 5000),
    ("E019", "林雪", "女", "2023-01-03", "2023-02-28", "运营部", "用户运营", "运营助理", "E002", 5000),
    ("E020", "赵宇", "男", "2023-07-03", "2024-05-31", "直播部", "直播运营", "运营助理", "E003", 5500),
    ("E021", "钱蕾", "女", "2023-07-17", "2024-04-30", "运营部", "店铺运营", "运营助理", "E002", 5500),
)  # fmt: skip
# the roster of June 2023 as the shop exported it again: 陈静 promoted to 运营专员 on 2023-06-01
ROSTER_UPDATE = (
    {"_row": 2, "no": "E004", "track": "店铺运营", "level": "运营专员", "salary": 8000,
     "level_since": "2023-06-01"},
)  # fmt: skip
# why the leavers left (the archive's 离职原因): before the ladder, assistants saw no way up
LEAVE_REASONS = {
    "E012": "转行",
    "E013": "个人原因",
    "E017": "看不到晋升路径",
    "E018": "薪资",
    "E019": "看不到晋升路径",
    "E020": "家庭原因",
    "E021": "回老家发展",
}

STORE_OWNERS: tuple[tuple[str, str, str, str, str | None], ...] = (
    ("悦颜美妆旗舰店", "天猫", "E004", "2023-01", None),
    # 用户运营: 刘洋 looks after the flagship's members (its repurchase rate is his measure too)
    ("悦颜美妆旗舰店", "天猫", "E005", "2023-01", None),
    ("悦颜美妆专营店", "淘宝", "E012", "2023-01", "2023-06"),
    ("悦颜美妆专营店", "淘宝", "E006", "2023-07", None),
    ("悦颜抖音小店", "抖音", "E007", "2023-05", None),
    ("悦颜小美", "抖音直播", "E008", "2023-08", None),
    ("悦颜大师兄", "抖音直播", "E009", "2023-01", None),
    # until their promotion to 运营主管 (2024-01-01): 宋佳 ran the flagship's members, 赵磊
    # hosted 悦颜大师兄 with 吴昊
    ("悦颜美妆旗舰店", "天猫", "E016", "2023-01", "2023-12"),
    ("悦颜大师兄", "抖音直播", "E003", "2023-01", "2023-12"),
)

TRAINING: tuple[tuple[Any, ...], ...] = (
    ("E006", "直播运营进阶", "抖音电商学习中心", "2024-03-02", 12, 86, "是"),
    ("E004", "团队管理技巧", "内部培训", "2024-04-13", 8, 91, "是"),
    ("E008", "数据分析入门", "生意参谋课堂", "2024-05-11", 6, 58, "否"),
    ("E009", "电商运营峰会", "杭州电商协会", "2024-05-25", 16, None, "是"),
)

ACHIEVEMENTS: tuple[tuple[Any, ...], ...] = (
    ("E006", "新品上线", "夏季防晒霜上新", "2024-04-12", "成功", None, None),
    ("E006", "新品上线", "水光精华液上新", "2024-05-20", "成功", None, None),
    ("E006", "直播支持", "618预热直播", "2024-06-10", "成功", None, None),
    ("E004", "活动策划", "38女王节", "2024-03-08", "成功", 2.6, 2),
    ("E004", "活动策划", "520告白季", "2024-05-20", "成功", 2.1, 2),
    ("E004", "活动策划", "618大促", "2024-06-18", "成功", 3.4, 3),
    ("E004", "新品上线", "氨基酸洁面乳上新", "2024-02-26", "成功", None, 2),
    ("E004", "新品上线", "修护面霜上新", "2024-05-06", "成功", None, 2),
    ("E004", "新品上线", "玻尿酸面膜上新", "2024-06-25", "成功", None, 2),
    ("E005", "创新提案", "私域社群分层运营方案", "2024-04-01", "成功", None, None),
    ("E009", "带教新人", "带教何琳", "2024-04-30", "成功", None, 1),
    ("E009", "直播支持", "双11直播专场", "2023-11-11", "成功", None, None),
    ("E015", "创新提案", "日报自动化方案", "2024-03-15", "成功", None, None),
    ("E007", "新品上线", "抖音小店试水新品", "2024-05-28", "失败", None, None),
    # what the finished cycle 2023下半年 promoted on
    ("E003", "活动策划", "七夕直播专场", "2023-08-22", "成功", 2.4, 2),
    ("E003", "活动策划", "双11直播大促", "2023-11-11", "成功", 3.1, 3),
    ("E003", "活动策划", "年终直播盛典", "2023-12-16", "成功", 2.2, 2),
    ("E016", "活动策划", "会员日·秋季焕新", "2023-09-09", "成功", 2.3, 2),
    ("E016", "活动策划", "双11会员专享", "2023-11-08", "成功", 2.8, 3),
    ("E016", "活动策划", "年终会员答谢", "2023-12-20", "成功", 2.1, 2),
    ("E015", "创新提案", "竞品价格监控看板", "2023-10-16", "成功", None, None),
)

SCORES: tuple[tuple[Any, ...], ...] = (
    ("E004", "2024上半年", "能力-策略答辩", 84, "王芳", "店铺衰退期的运营策略答辩"),
    ("E004", "2024上半年", "能力-数据分析", 88, "李娜", ""),
    ("E004", "2024上半年", "潜力-领导力", 78, "李娜", "带领2人完成618"),
    ("E006", "2024上半年", "能力-策略答辩", 72, "李娜", ""),
    ("E006", "2024上半年", "潜力-学习能力", 90, "李娜", "主动学习直播运营"),
    # the rest of 孙悦's evaluation, so the owner decides her case on a whole total
    ("E006", "2024上半年", "能力-数据分析", 80, "李娜", "竞品周报坚持了半年"),
    ("E006", "2024上半年", "能力-团队协作", 84, "李娜", ""),
    ("E006", "2024上半年", "潜力-创新能力", 82, "李娜", ""),
    ("E006", "2024上半年", "潜力-领导力", 70, "李娜", "尚未带人"),
    # 李娜's whole evaluation (the 主管 → 总监 path has no KPI rules, so 绩效 is scored from its
    # own item): total 81.2, short of the path's 85 but within 10%: 接近达标, the pipeline gap
    ("E002", "2024上半年", "绩效-年度绩效", 82, "王芳", "店铺运营团队全年目标完成率 96%"),
    ("E002", "2024上半年", "能力-策略答辩", 80, "王芳", ""),
    ("E002", "2024上半年", "能力-数据分析", 82, "王芳", ""),
    ("E002", "2024上半年", "能力-团队协作", 84, "王芳", ""),
    ("E002", "2024上半年", "潜力-学习能力", 78, "王芳", ""),
    ("E002", "2024上半年", "潜力-创新能力", 80, "王芳", ""),
    ("E002", "2024上半年", "潜力-领导力", 76, "王芳", ""),
)

# Extra accounts so every role can be tried (password: the demo password).
EXTRA_USERS = (("hr", "人事小王", "hr", None), ("lina", "李娜", "supervisor", "E002"))

# 360 feedback (1–5 per competency) received in the first half of 2024: the 能力缺口 card reads
# "运营主管：2人数据分析达到3级，但领导力未达标" (陈静 and 林晓 plan well but have led nobody yet);
# 孙悦 reaches every competency 运营专员 expects, 周杰 falls short on 团队协作.
# (工号, rater 工号 ("" for a self-rating), relation, date, ratings, comment, anonymous); an
# anonymous rater is named to the owner only, as in real data
FEEDBACK: tuple[tuple[str, str, str, str, dict[str, int], str, bool], ...] = (
    (
        "E004",
        "E002",
        "上级",
        "2024-06-20",
        {"数据分析": 4, "策略制定": 4, "团队协作": 4, "学习能力": 4, "创新能力": 3, "领导力": 2},
        "大促复盘做得扎实，数据口径清楚；还没有独立带过人。",
        False,
    ),
    (
        "E004",
        "E005",
        "同事",
        "2024-06-21",
        {"数据分析": 4, "策略制定": 4, "团队协作": 4, "学习能力": 3, "创新能力": 3, "领导力": 3},
        "愿意分享方法，遇到分歧时可以更主动拍板。",
        True,
    ),
    (
        "E005",
        "E002",
        "上级",
        "2024-06-20",
        {"数据分析": 3, "策略制定": 3, "团队协作": 4, "学习能力": 3, "创新能力": 3, "领导力": 2},
        "会员运营稳定，活动策划经验不足。",
        False,
    ),
    (
        "E009",
        "E003",
        "上级",
        "2024-06-18",
        {
            "数据分析": 2,
            "策略制定": 3,
            "团队协作": 3,
            "学习能力": 3,
            "创新能力": 3,
            "领导力": 2,
            "直播控场": 4,
        },
        "控场能力强，转化复盘要更看数据。",
        False,
    ),
    (
        "E015",
        "E001",
        "上级",
        "2024-06-20",
        {"数据分析": 5, "策略制定": 4, "团队协作": 3, "学习能力": 4, "创新能力": 4, "领导力": 2},
        "数据建模和策略复盘是团队里最强的，带人经验还少。",
        False,
    ),
    (
        "E006",
        "E004",
        "上级",
        "2024-06-19",
        {"数据分析": 3, "策略制定": 2, "团队协作": 3, "学习能力": 4, "创新能力": 3},
        "上手快，报表和竞品分析主动做，618期间独立盯完整个店铺。",
        False,
    ),
    (
        "E006",
        "E007",
        "同事",
        "2024-06-21",
        {"数据分析": 3, "策略制定": 3, "团队协作": 4, "学习能力": 4, "创新能力": 2},
        "配合好，交接清楚。",
        True,
    ),
    (
        "E006",
        "",
        "自评",
        "2024-06-22",
        {"数据分析": 4, "策略制定": 3, "团队协作": 4, "学习能力": 5, "创新能力": 4},
        "希望下半年负责一个品类的活动。",
        False,
    ),
    (
        "E007",
        "E004",
        "上级",
        "2024-06-19",
        {"数据分析": 2, "策略制定": 2, "团队协作": 2, "学习能力": 3, "创新能力": 2},
        "执行认真，跨组沟通需要加强。",
        False,
    ),
    (
        "E008",
        "E003",
        "上级",
        "2024-06-18",
        {"数据分析": 2, "策略制定": 2, "团队协作": 4, "学习能力": 3, "创新能力": 3, "直播控场": 4},
        "镜头感好，下单转化需要和运营一起复盘话术。",
        False,
    ),
    (
        "E010",
        "E005",
        "上级",
        "2024-06-20",
        {"数据分析": 2, "策略制定": 2, "团队协作": 3, "学习能力": 3, "创新能力": 2},
        "社群维护细致，留存分析刚起步。",
        False,
    ),
    (
        "E011",
        "E002",
        "上级",
        "2024-06-20",
        {"数据分析": 4, "策略制定": 2, "团队协作": 2, "学习能力": 3, "创新能力": 2},
        "数据功底好，入职时间短，业务理解在积累。",
        False,
    ),
)

# The cases of the open cycle, proposed by hr: (工号, 通道, target level, reason — needed for
# whoever is not ready yet, then the moves: (login, action, comment) through the case service.
# Only accounts in the chain act: lina supervises E002's team (E004, E005); the other
# candidates' supervisors have no account, so their first step is skipped.
CASES: tuple[tuple[str, str, str, str, tuple[tuple[str, str, str], ...]], ...] = (
    ("E004", "店铺运营", "运营主管", "618大促带队表现突出，GMV增长仅2月未达18%", ()),
    ("E006", "店铺运营", "运营专员", "", (("hr", "approve", "各项规则均已达标"),)),
    ("E010", "用户运营", "运营专员", "社群活跃增长稳定，30日留存率差1–2个百分点", ()),
    (
        "E005",
        "用户运营",
        "运营主管",
        "会员留存与旗舰店复购率均达标",
        (("lina", "return", "请补充牵头策划的活动：档案中尚无活动策划记录"),),
    ),
    (
        "E008",
        "直播运营",
        "运营专员",
        "直播观看人数与互动率连续达标",
        (("hr", "reject", "6月直播下单转化率跌至2.2%，未达2.5%，下个周期再评"),),
    ),
)


# The finished cycle 2023下半年 (as of 2023-12): HR proposed five people the rules found ready,
# each step was approved by the account whose step it is (lina for her team; the other
# supervisors have no account, so their step is skipped), the owner decided, and the
# promotions took effect on 2024-01-01: 3 运营助理 → 运营专员, 2 运营专员 → 运营主管.
FINISHED_CYCLE = "2023下半年"
FINISHED_AS_OF = "2023-12"
FINISHED_EFFECTIVE = date(2024, 1, 1)
# (工号, 通道, target level, new monthly salary, HR's reason)
FINISHED_CASES: tuple[tuple[str, str, str, int, str], ...] = (
    ("E005", "用户运营", "运营专员", 7800, "会员留存与私域转化连续三个月达标"),
    ("E009", "直播运营", "运营专员", 7800, "直播观看、互动与下单转化连续三个月达标"),
    ("E015", "数据运营", "运营专员", 8400, "报表准确率稳定在95%以上，竞品监控看板已落地"),
    ("E003", "直播运营", "运营主管", 12000, "场均直播GMV连续6个月超6万，带队完成双11直播大促"),
    ("E016", "用户运营", "运营主管", 11500, "带队完成三场会员活动，90日留存率稳定在20%以上"),
)
# their evaluation: (工号, rater, 策略答辩, 数据分析, 团队协作, 学习能力, 创新能力, 领导力)
FINISHED_SCORES: tuple[tuple[str, str, int, int, int, int, int, int], ...] = (
    ("E005", "李娜", 78, 80, 86, 82, 76, 70),
    ("E009", "赵磊", 76, 72, 84, 85, 78, 72),
    ("E015", "王芳", 82, 92, 80, 88, 84, 66),
    ("E003", "王芳", 86, 80, 88, 82, 84, 86),
    ("E016", "王芳", 84, 82, 90, 80, 86, 85),
)
_ITEMS = (
    ("ability", "策略答辩"),
    ("ability", "数据分析"),
    ("ability", "团队协作"),
    ("potential", "学习能力"),
    ("potential", "创新能力"),
    ("potential", "领导力"),
)


def _months() -> list[str]:
    return mo.month_range(FIRST_MONTH, LAST_MONTH)


def _id_number(no: str, born: date, female: bool) -> str:
    """A made-up but well-formed GB 11643 number (杭州上城 330102), so the archive shows no warnings."""
    seq = int(no[1:]) * 2 + (0 if female else 1)
    body = f"330102{born:%Y%m%d}{seq:03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]
    return body + check


def _roster_rows() -> list[dict[str, Any]]:
    rows = []
    for i, (no, name, gender, hired, left, dept, track, level, sup, salary) in enumerate(ROSTER):
        born = date(1990 + i % 9, 1 + i % 12, 1 + (i * 3) % 27)
        rows.append(
            {
                "_row": i + 2,
                "no": no,
                "name": name,
                "gender": gender,
                "phone": f"138{int(no[1:]):08d}",
                "id_number": _id_number(no, born, gender == "女"),
                "hire_date": hired,
                "leave_date": left,
                "leave_reason": LEAVE_REASONS.get(no),
                "department": dept,
                "track": track,
                "level": level,
                "supervisor_no": sup,
                "salary": salary,
                "level_since": hired,
            }
        )
    return rows


def _rows(fields: Sequence[str], data: Sequence[Sequence[Any]]) -> list[dict[str, Any]]:
    return [{"_row": i + 2, **dict(zip(fields, row, strict=True))} for i, row in enumerate(data)]


# -- generated store figures -------------------------------------------------------------------
# Month-over-month growth per store (2023-02 … 2024-06); chosen so the stories in the module
# docstring hold, and so that the company's year (2023-07 … 2024-06, the dashboard's 近12个月 as
# of 2024-06) reads as the brief's: GMV +35% (2024-06 over 2023-06), the live share 10% → 30%.
_GROWTH: Mapping[str, Sequence[float]] = {
    # 旗舰店 (陈静): after 618 of 2023 a decline (店铺衰退期, her 策略答辩's subject) she turns
    # round in 2024: ≥18% in five of the last six months (2024-02 only 9%): 接近达标
    "悦颜美妆旗舰店": (
        0.04, 0.06, 0.03, 0.05, 0.08,
        -0.12, -0.14, -0.15, -0.16, 0.04, -0.18,
        0.21, 0.09, 0.20, 0.22, 0.19, 0.23,
    ),
    # 专营店 (孙悦 from 2023-07): flat through the winter, ≥12% in 2024-04..06
    "悦颜美妆专营店": (
        0.02, -0.03, 0.05, 0.01, 0.02,
        -0.02, -0.03, 0.02, -0.02, 0.04, -0.06,
        -0.05, -0.09, 0.02, 0.13, 0.14, 0.16,
    ),
}  # fmt: skip
_BASE_GMV = {"悦颜美妆旗舰店": 200_000.0, "悦颜美妆专营店": 100_000.0}
# conversion rate per month (fraction); 专营店 climbs 1.57 pp from 2024-03 to 2024-06
_CONVERSION = {
    "悦颜美妆旗舰店": [0.028 + 0.0005 * i for i in range(18)],
    "悦颜美妆专营店": [0.020 + 0.0002 * i for i in range(14)] + [0.0195, 0.0265, 0.031, 0.0352],
}
_REPURCHASE = {"悦颜美妆旗舰店": 0.33, "悦颜美妆专营店": 0.27}
# 抖店: the shop's GMV in 2023-01, 2023-06 and 2024-06 (geometric in between), and the share of
# the company's GMV sold through the live rooms: about 10% until 2023-06, 30% by 2024-06
_DOUYIN_GMV = (150_000.0, 260_000.0, 377_000.0)
_PRICES = (129, 159, 199, 258, 318, 399)


def _shop_gmv(name: str) -> list[float]:
    """The shop's GMV per month, FIRST_MONTH … LAST_MONTH (before rounding)."""
    gmv, found = _BASE_GMV[name], []
    for i in range(len(_months())):
        if i:
            gmv *= 1 + _GROWTH[name][i - 1]
        found.append(gmv)
    return found


def _douyin_plan() -> list[tuple[str, float, float]]:
    """(month, the 抖店's GMV, the part of it sold in the live rooms) per month."""
    months = _months()
    start, mid, end = _DOUYIN_GMV
    split = months.index("2023-06")
    shops = [a + b for a, b in zip(*(_shop_gmv(n) for n in _BASE_GMV), strict=True)]
    plan = []
    for i, month in enumerate(months):
        if i <= split:
            gmv = start * (mid / start) ** (i / split)
            share = 0.08 + 0.02 * i / split
        else:
            k = i - split
            gmv = mid * (end / mid) ** (k / (len(months) - 1 - split))
            share = 0.10 + 0.20 * k / (len(months) - 1 - split)
        plan.append((month, gmv, min(gmv, share * (shops[i] + gmv))))
    return plan


def _store_month_facts(store: Store, batch_id: int, rng: random.Random) -> list[StoreMonthFact]:
    facts = []
    for i, (month, gmv) in enumerate(zip(_months(), _shop_gmv(store.name), strict=True)):
        conversion = _CONVERSION[store.name][i]
        buyers = round(gmv / rng.uniform(118, 135))
        visitors = round(buyers / conversion)
        old = round(buyers * (_REPURCHASE[store.name] + rng.uniform(-0.02, 0.02)))
        facts.append(
            StoreMonthFact(
                store_id=store.id,
                month=month,
                source="sycm-shop",
                batch_id=batch_id,
                gmv=round(gmv, 2),
                visitors=visitors,
                paid_buyers=buyers,
                old_buyers=old,
                paid_orders=round(buyers * 1.08),
            )
        )
    return facts


def _douyin_orders(
    store: Store, live: Mapping[str, Store], batch_id: int, rng: random.Random
) -> list[dict[str, Any]]:
    """抖店 sub-orders (rows of order_facts, inserted in bulk as the import engine does): a pool
    of buyers so repurchase shows up; a growing part of them sold in the live rooms
    (``_douyin_plan``), each live room from its first month."""
    orders: list[dict[str, Any]] = []
    buyers = [hashlib.sha256(f"demo-buyer-{n}".encode()).hexdigest()[:32] for n in range(2000)]
    mean = sum(_PRICES) / len(_PRICES) * 2 * 0.95  # 1–3 items; 5% closed
    seq = 0
    for i, (month, gmv, live_gmv) in enumerate(_douyin_plan()):
        year, mon = int(month[:4]), int(month[5:])
        hosts = [a for a in live.values() if a.name != "悦颜小美" or month >= "2023-08"]
        for _ in range(round(gmv / mean)):
            seq += 1
            day = rng.randint(1, 28)
            paid = datetime(year, mon, day, rng.randint(9, 23), rng.randint(0, 59))
            closed = rng.random() < 0.05
            host = hosts[seq % len(hosts)] if hosts and rng.random() < live_gmv / gmv else None
            orders.append(
                {
                    "store_id": store.id,
                    "order_no": f"69{seq:017d}",
                    "sub_order_no": f"69{seq:017d}1",
                    "month": month,
                    "paid_at": paid,
                    "amount": float(rng.choice(_PRICES) * rng.randint(1, 3)),
                    "status": "已关闭" if closed else "已完成",
                    "counted": not closed,
                    "buyer_key": rng.choice(buyers[: 600 + 60 * i]),
                    "live_account_id": host.id if host else None,
                    "batch_id": batch_id,
                }
            )
    return orders


def _live_conversion(account: str, month: str) -> float:
    """The live room's order conversion (buyers ÷ viewers) in a month: 悦颜大师兄 converts well
    in 2023's second half (赵磊 and 吴昊 host it; 吴昊 alone from 2024, under 3%); 悦颜小美
    (黄婷) keeps 2.5% until June 2024's 2.2%."""
    if account == "悦颜小美":
        return 0.022 if month == LAST_MONTH else 0.029
    if month >= "2024-01":
        return 0.027
    return 0.034 if month >= "2023-07" else 0.030


def _live_sessions(account: Store, batch_id: int, rng: random.Random) -> list[LiveSessionFact]:
    sessions = []
    start = "2023-08" if account.name == "悦颜小美" else FIRST_MONTH
    for i, month in enumerate(mo.month_range(start, LAST_MONTH)):
        year, mon = int(month[:4]), int(month[5:])
        for day in sorted(rng.sample(range(1, 29), 5 + i // 3)):
            begin = datetime(year, mon, day, rng.choice((10, 14, 19, 20)), rng.randint(0, 59))
            minutes = rng.choice((120, 180, 240))
            viewers = round(rng.uniform(9_000, 16_000) * (1 + 0.05 * i))
            buyers = round(
                viewers * _live_conversion(account.name, month) * rng.uniform(0.97, 1.03)
            )
            sessions.append(
                LiveSessionFact(
                    store_id=account.id,
                    started_at=begin,
                    ended_at=begin + timedelta(minutes=minutes),
                    month=month,
                    duration_min=float(minutes),
                    exposures=viewers * 4,
                    viewers=viewers,
                    comments=round(viewers * rng.uniform(0.12, 0.22)),
                    likes=round(viewers * rng.uniform(0.8, 1.6)),
                    new_fans=round(viewers * 0.02),
                    clicks=round(viewers * 0.09),
                    orders=buyers,
                    buyers=buyers,
                    gmv=round(buyers * rng.uniform(110, 150), 2),
                    refunds=0.0,
                    batch_id=batch_id,
                )
            )
    return sessions


def _metric_values(rng: random.Random) -> list[dict[str, Any]]:
    """Figures no store export delivers, as HR would enter them, for the last six months: the
    data team's report accuracy (林晓 also the uplift of her strategies; 陈静 since April), and the user-operations
    team's retention, active-user growth and private-domain conversion.

    刘洋 (E005) keeps his members (90-day retention above 20%); 徐丽 (E010) grows the community
    but her 30-day retention stays just under 30% (nearly ready for 运营专员).
    """
    rows = []
    # 陈静 (E004) has kept the flagship's daily report since April, a little under 95%: near a
    # move to 数据运营 (fixed figures: the random stream below stays the same)
    for month, accuracy in zip(mo.month_range(mo.add(LAST_MONTH, -2), LAST_MONTH),
                               (0.925, 0.93, 0.932), strict=True):  # fmt: skip
        rows.append({"no": "E004", "month": month, "metric": "报表准确率", "value": accuracy})
    for month in mo.month_range(mo.add(LAST_MONTH, -5), LAST_MONTH):
        for no in ("E011", "E015"):
            accuracy = round(
                min(0.995, 0.93 + 0.01 * rng.random() + (0.03 if no == "E015" else 0)), 3
            )
            rows.append({"no": no, "month": month, "metric": "报表准确率", "value": accuracy})
        for no, base in (("E005", 0.34), ("E010", 0.26)):
            retention = round(base + 0.03 * rng.random(), 3)
            rows.append({"no": no, "month": month, "metric": "30日留存率", "value": retention})
        user_figures = (
            ("E005", "90日留存率", 0.21, 0.04),
            ("E005", "活跃用户增长率", 0.02, 0.04),
            ("E005", "私域转化率", 0.06, 0.03),
            ("E010", "活跃用户增长率", 0.035, 0.03),
            ("E010", "私域转化率", 0.055, 0.025),
            ("E015", "策略提升率", 0.055, 0.03),
        )
        for no, metric, low, spread in user_figures:
            value = round(low + spread * rng.random(), 3)
            rows.append({"no": no, "month": month, "metric": metric, "value": value})
    return rows


def _metric_values_2023(rng: random.Random) -> list[dict[str, Any]]:
    """The same hand-entered figures for 2023's second half, for the people the finished cycle
    2023下半年 judged on them: 刘洋 (E005) and 宋佳 (E016) keep their members, 林晓 (E015) gets
    the reports right."""
    rows = []
    figures = (
        ("E005", "30日留存率", 0.31, 0.03),
        ("E005", "90日留存率", 0.18, 0.03),
        ("E005", "活跃用户增长率", 0.035, 0.03),
        ("E005", "私域转化率", 0.055, 0.02),
        ("E016", "30日留存率", 0.34, 0.03),
        ("E016", "90日留存率", 0.22, 0.04),
        ("E016", "活跃用户增长率", 0.03, 0.03),
        ("E016", "私域转化率", 0.07, 0.02),
        ("E015", "报表准确率", 0.955, 0.02),
        ("E015", "策略提升率", 0.04, 0.03),
    )
    for month in mo.month_range("2023-07", "2023-12"):
        for no, metric, low, spread in figures:
            value = round(low + spread * rng.random(), 3)
            rows.append({"no": no, "month": month, "metric": metric, "value": value})
    return rows


# -- putting it together ---------------------------------------------------------------------
def _batch(
    uow: UnitOfWork, source: str, rows: int, months: list[str], store_id: int | None = None
) -> int:
    """One demo batch; a store export names its store (or live account), as a real import does,
    so the 数据导入 history shows it instead of "—"."""
    batch = ImportBatch(
        file_name="演示数据",
        sha256=hashlib.sha256(f"demo-{source}".encode()).hexdigest(),
        source=source,
        user_login=uow.actor.login,
        rows=rows,
        imported=rows,
        months=months,
        store_id=store_id,
    )
    uow.session.add(batch)
    uow.session.flush()
    return batch.id


def _apply(
    app: AppSession,
    source: str,
    apply: Callable[[UnitOfWork, Sequence[Mapping[str, Any]], int | None], list[Any]],
    rows: list[dict[str, Any]],
) -> None:
    with app.uow() as uow:
        batch_id = _batch(uow, source, len(rows), [])
        issues = [i for i in apply(uow, rows, batch_id) if i.severity == "error"]
        if issues:  # our own data: an error here is a bug in the demo, not user input
            raise TiduiError("demo.bad_row", detail=issues[0].message.text())
        uow.audit("import.commit", "import_batch", batch_id, after={"source": source, "demo": True})
        uow.commit()


def fill(app: AppSession, password: str = "tidui-demo") -> None:
    """Add the demo people, records and 18 months of store data to an open Template B file, the
    hr and lina accounts (with ``password``), the finished cycle 2023下半年 with its promotions in
    effect (``finish_cycle``) and the open cycle 2024上半年 with its imported scores."""
    from sqlalchemy import insert, select

    rng = random.Random(SEED)
    _apply(app, "roster", archive_import.apply_roster, _roster_rows())
    _apply(app, "roster", archive_import.apply_roster, [dict(r) for r in ROSTER_UPDATE])
    _apply(
        app,
        "store-owners",
        archive_import.apply_store_owners,
        _rows(("store", "platform", "no", "start_month", "end_month"), STORE_OWNERS),
    )
    _apply(
        app,
        "training",
        archive_import.apply_training,
        _rows(("no", "course", "provider", "start_date", "hours", "score", "passed"), TRAINING),
    )
    _apply(
        app,
        "achievements",
        archive_import.apply_achievements,
        _rows(("no", "type", "name", "date", "result", "roi", "team_size"), ACHIEVEMENTS),
    )
    # its own random stream: the store figures below stay as they were
    metric_rng = random.Random(SEED + 1)
    metrics = _metric_values(metric_rng) + _metric_values_2023(random.Random(SEED + 2))
    _apply(app, "metrics", archive_import.apply_metric_values, metrics)
    with app.uow() as uow:
        s = uow.session
        by_name = {st.name: st for st in s.scalars(select(Store))}
        live = {n: st for n, st in by_name.items() if st.kind == "live_account"}
        months = _months()
        for name in ("悦颜美妆旗舰店", "悦颜美妆专营店"):
            batch_id = _batch(uow, "sycm-shop", len(months), months, by_name[name].id)
            s.add_all(_store_month_facts(by_name[name], batch_id, rng))
        orders_batch = _batch(
            uow,
            "douyin-orders",
            0,
            months,
            by_name["悦颜抖音小店"].id,
        )
        orders = _douyin_orders(by_name["悦颜抖音小店"], live, orders_batch, rng)
        s.execute(insert(OrderFact), orders)
        order_totals.refresh(s, order_totals.cells_of_batch(s, orders_batch))
        orders_row = s.get(ImportBatch, orders_batch)
        assert orders_row is not None
        orders_row.rows = orders_row.imported = len(orders)
        for account in live.values():
            sessions = _live_sessions(account, 0, rng)
            batch_id = _batch(
                uow, "douyin-live", len(sessions), sorted({x.month for x in sessions}), account.id
            )
            for x in sessions:
                x.batch_id = batch_id
            s.add_all(sessions)
        uow.audit(
            "demo.facts", "import_batch", None, after={"months": f"{FIRST_MONTH}..{LAST_MONTH}"}
        )
        uow.commit()
    for extra_login, name, role, employee in EXTRA_USERS:
        users.add_user(app, extra_login, name, role, password, employee)
    finish_cycle(app, password)
    # the scores below belong to the open cycle the owner opened (as of the data's last month)
    from core.services.promotion.cycles import open_cycle

    open_cycle(app, DEMO_CYCLE, LAST_MONTH)
    _apply(
        app,
        "scores",
        archive_import.apply_scores,
        _rows(("no", "period", "item", "score", "rater", "note"), SCORES),
    )


def _as_users(app: AppSession, password: str) -> Callable[[str], AppSession]:
    """The demo account ``login``'s session on the same open file (the owner's is ``app``)."""
    sessions = {app.actor.login: app}

    def as_user(login: str) -> AppSession:
        if login not in sessions:
            sessions[login] = auth.unlock_again(app, login, password)
        return sessions[login]

    return as_user


def _level_ids(app: AppSession) -> dict[tuple[str, str], int]:
    from sqlalchemy import select

    from core.model import Level, Track

    with app.read() as s:
        return {
            (track, title): level_id
            for level_id, track, title in s.execute(
                select(Level.id, Track.name, Level.title).join(Track, Track.id == Level.track_id)
            )
        }


def _employee_ids(app: AppSession) -> dict[str, int]:
    from sqlalchemy import select

    from core.model import Employee

    with app.read() as s:
        return {e.no: e.id for e in s.scalars(select(Employee))}


def finish_cycle(app: AppSession, password: str) -> None:
    """The finished cycle 2023下半年 (FINISHED_CASES), run through the promotion services as a
    shop would: the owner opens it, HR imports the evaluation forms (FINISHED_SCORES) and proposes
    the cases, every step is approved by the account whose step it is, the owner decides (in
    effect at once: the effective date has passed, so level, salary, permissions and the grade
    history change) and closes the cycle. Its clock is then set back to December 2023."""
    from core.services.promotion import cases, cycles

    as_user = _as_users(app, password)
    ids, levels = _employee_ids(app), _level_ids(app)
    cycle = cycles.open_cycle(app, FINISHED_CYCLE, FINISHED_AS_OF)
    # HR enters the paper evaluation forms through the 评估打分 import (one batch)
    forms = [
        (no, FINISHED_CYCLE, f"{'能力' if part == 'ability' else '潜力'}-{item}", value, rater, "")
        for no, rater, *values in FINISHED_SCORES
        for (part, item), value in zip(_ITEMS, values, strict=True)
    ]
    _apply(
        as_user("hr"),
        "scores",
        archive_import.apply_scores,
        _rows(("no", "period", "item", "score", "rater", "note"), forms),
    )
    approvals = {"supervisor": "同意，近半年表现稳定。", "hr": "材料齐全，规则均已达标。"}
    for no, track, title, salary, reason in FINISHED_CASES:
        case_id = cases.create_case(
            as_user("hr"), ids[no], levels[(track, title)], cycle=cycle.id, reason=reason
        )
        while True:
            (summary,) = cases.list_cases(app, cycle=cycle.id, employee_id=ids[no])
            if summary.state not in ("submitted", "in_review"):
                break
            comment = approvals.get(summary.waiting_for or "", "同意晋升。")
            cases.act(as_user(summary.waiting_logins[0]), case_id, "approve", comment)
        cases.decide(app, case_id, salary, FINISHED_EFFECTIVE)
    cycles.close_cycle(app, cycle.id)
    _backdate(app, cycle.id, datetime(2023, 12, 25, 1, 30, tzinfo=UTC))  # 09:30 in 杭州


def _backdate(app: AppSession, cycle_id: int, opened: datetime) -> None:
    """The finished cycle happened at the end of 2023, not today: its opening, the evaluation
    forms (the day after), its cases' trail, decisions and closing are dated then (HR proposes
    two days after it opens, each approval five hours later), so the case list, 晋升效率 and the
    archive's timeline read as history."""
    from sqlalchemy import select

    from core.model import PromotionCase, ReviewCycle, ScoreEntry

    with app.uow() as uow:
        s = uow.session
        cycle = s.get(ReviewCycle, cycle_id)
        assert cycle is not None
        cycle.created_at = opened
        found = s.scalars(
            select(PromotionCase)
            .where(PromotionCase.cycle_id == cycle_id)
            .order_by(PromotionCase.id)
        ).all()
        for entry in s.scalars(select(ScoreEntry).where(ScoreEntry.period == cycle.name)):
            entry.scored_on = (opened + timedelta(days=1)).date()
        last = opened
        for n, case in enumerate(found):
            at = opened + timedelta(days=2, minutes=40 * n)
            case.created_at = case.submitted_at = at
            effective = (case.decision or {}).get("effective")
            # applied on the morning of its effective date (09:00 in 北京, 01:00 UTC), never
            # before it: the printed trail had 生效 at the decision, days before 2024-01-01
            applied = (
                datetime.combine(date.fromisoformat(str(effective)), time(1), tzinfo=UTC)
                if effective
                else None
            )
            for step in case.steps:
                if step.action in ("approve", "decide"):
                    at += timedelta(hours=5)
                step.at = max(at, applied) if step.action == "effective" and applied else at
            case.decided_at = at
            if case.effective_applied_at is not None:
                case.effective_applied_at = max(at, applied) if applied else at
            last = max(last, at)
        cycle.closed_at = last + timedelta(days=3)
        uow.audit("demo.backdate", "review_cycle", cycle_id, after={"opened": opened.isoformat()})
        uow.commit()


def add_feedback(app: AppSession) -> None:
    """The 360 feedback of FEEDBACK, through the archive service (each rating audited)."""
    from sqlalchemy import select

    from core.model import Employee
    from core.services.archive import records

    with app.read() as s:
        ids = {e.no: e.id for e in s.scalars(select(Employee))}
    for no, rater, relation, day, ratings, comment, anonymous in FEEDBACK:
        records.add_feedback(
            app,
            ids[no],
            records.FeedbackInput(
                relation=relation,
                date=date.fromisoformat(day),
                ratings=dict(ratings),
                comment=comment,
                anonymous=anonymous,
                rater_employee_id=ids[rater] if rater else None,
                rater_name="",
            ),
        )


def add_cases(app: AppSession, password: str) -> None:
    """The open cycle's cases (CASES), each move made by the demo account whose step it is."""
    from core.services.promotion import cases

    as_user = _as_users(app, password)
    ids, levels = _employee_ids(app), _level_ids(app)
    for no, track, title, reason, moves in CASES:
        case_id = cases.create_case(
            as_user("hr"), ids[no], levels[(track, title)], cycle=DEMO_CYCLE, reason=reason
        )
        for login, action, comment in moves:
            cases.act(as_user(login), case_id, action, comment)


def create_demo(
    path: Path, login: str = "demo", password: str = "tidui-demo", *, with_cases: bool = True
) -> str:
    """Create the demo company file at ``path``; returns its recovery key. ``with_cases=False``
    leaves the open cycle without cases (for tests that walk a case through from the start); the
    finished cycle 2023下半年 is always there, since today's levels come from its promotions."""
    app, recovery = auth.create_company(
        Path(path), DEMO_COMPANY, login, password, "演示老板", template="beauty"
    )
    try:
        fill(app, password)
        add_feedback(app)
        if with_cases:
            add_cases(app, password)
    finally:
        app.close(backup=False)
    return recovery


def ensure_demo(path: Path, login: str = "demo", password: str = "tidui-demo") -> bool:
    """The demo company at ``path``, built when missing or made by an older story (its
    ``.story`` stamp says which); returns whether it was (re)built. The demo is for trying things
    out: a rebuild replaces what was tried on the old one."""
    path = Path(path)
    stamp = path.with_name(path.name + ".story")
    try:
        current = stamp.read_text(encoding="utf-8").strip() == STORY_VERSION
    except OSError:
        current = False
    if path.is_file() and current:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        from core.storage.lock import CompanyLock

        lock = CompanyLock(path)
        lock.acquire()  # open elsewhere: FileInUse names who has it, and nothing is removed
        try:
            for suffix in ("", ".keys", ".audit"):
                path.with_name(path.name + suffix).unlink(missing_ok=True)
        finally:
            lock.release()
    create_demo(path, login, password)
    stamp.write_text(STORY_VERSION + "\n", encoding="utf-8")
    return True


__all__ = ["DEMO_COMPANY", "STORY_VERSION", "create_demo", "ensure_demo", "fill", "finish_cycle"]
