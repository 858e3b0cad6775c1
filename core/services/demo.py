"""The demo company (template B, 悦颜美妆, 15 people, 18 months of data) for `tidui --demo` and `tidui-cli demo`.

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
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from core.domain import months as mo
from core.errors import TiduiError
from core.model import ImportBatch, LiveSessionFact, OrderFact, Store, StoreMonthFact
from core.services.admin import auth, users
from core.services.archive import template_import as archive_import
from core.session import AppSession, UnitOfWork

DEMO_COMPANY = "悦颜美妆（演示）"
FIRST_MONTH, LAST_MONTH = "2023-01", "2024-06"
DEMO_CYCLE = "2024上半年"
SEED = 20240630

# 工号, 姓名, 性别, 入职, 离职, 部门, 通道, 职级, 上级, 月薪 — as in tests/data/samples/员工花名册.xlsx
ROSTER: tuple[tuple[Any, ...], ...] = (
    ("E001", "王芳", "女", "2021-03-01", None, "运营部", "店铺运营", "运营总监", None, 18000),
    ("E002", "李娜", "女", "2021-05-10", None, "运营部", "店铺运营", "运营主管", "E001", 12000),
    ("E003", "赵磊", "男", "2021-08-02", None, "直播部", "直播运营", "运营主管", "E001", 12000),
    ("E004", "陈静", "女", "2022-02-14", None, "运营部", "店铺运营", "运营专员", "E002", 8000),
    ("E005", "刘洋", "男", "2022-06-01", None, "运营部", "用户运营", "运营专员", "E002", 8000),
    ("E006", "孙悦", "女", "2023-03-01", None, "运营部", "店铺运营", "运营助理", "E004", 5500),
    ("E007", "周杰", "男", "2023-04-17", None, "运营部", "店铺运营", "运营助理", "E004", 5500),
    ("E008", "黄婷", "女", "2023-07-03", None, "直播部", "直播运营", "运营助理", "E003", 5500),
    ("E009", "吴昊", "男", "2022-09-05", None, "直播部", "直播运营", "运营专员", "E003", 8000),
    ("E010", "徐丽", "女", "2023-10-09", None, "运营部", "用户运营", "运营助理", "E005", 5500),
    ("E011", "马超", "男", "2024-02-19", None, "运营部", "数据运营", "运营助理", "E002", 6000),
    (
        "E012",
        "胡月",
        "女",
        "2022-11-01",
        "2023-06-30",
        "运营部",
        "店铺运营",
        "运营助理",
        "E004",
        5500,
    ),
    (
        "E013",
        "郭强",
        "男",
        "2023-01-09",
        "2023-09-15",
        "直播部",
        "直播运营",
        "运营助理",
        "E003",
        5500,
    ),
    ("E014", "何琳", "女", "2024-03-18", None, "直播部", "直播运营", "运营助理", "E003", 5500),
    ("E015", "林晓", "女", "2023-05-22", None, "运营部", "数据运营", "运营专员", "E001", 8500),
)

STORE_OWNERS: tuple[tuple[str, str, str, str, str | None], ...] = (
    ("悦颜美妆旗舰店", "天猫", "E004", "2023-01", None),
    # 用户运营: 刘洋 looks after the flagship's members (its repurchase rate is his measure too)
    ("悦颜美妆旗舰店", "天猫", "E005", "2023-01", None),
    ("悦颜美妆专营店", "淘宝", "E012", "2023-01", "2023-06"),
    ("悦颜美妆专营店", "淘宝", "E006", "2023-07", None),
    ("悦颜抖音小店", "抖音", "E007", "2023-05", None),
    ("悦颜小美", "抖音直播", "E008", "2023-08", None),
    ("悦颜大师兄", "抖音直播", "E009", "2023-01", None),
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
                "department": dept,
                "track": track,
                "level": level,
                "supervisor_no": sup,
                "salary": salary,
                "level_since": "2023-06-01" if no == "E004" else hired,
            }
        )
    return rows


def _rows(fields: Sequence[str], data: Sequence[Sequence[Any]]) -> list[dict[str, Any]]:
    return [{"_row": i + 2, **dict(zip(fields, row, strict=True))} for i, row in enumerate(data)]


# -- generated store figures -------------------------------------------------------------------
# Month-over-month growth per store; chosen so the stories in the module docstring hold.
_GROWTH: Mapping[str, Sequence[float]] = {
    # 旗舰店 (陈静): strong, ≥18% in five of the last six months (2024-02 only 9%): 接近达标
    "悦颜美妆旗舰店": (
        0.04,
        0.06,
        0.03,
        0.05,
        -0.02,
        0.04,
        0.07,
        0.09,
        0.11,
        0.05,
        0.19,
        0.21,
        0.09,
        0.20,
        0.22,
        0.19,
        0.23,
    ),
    # 专营店 (孙悦 from 2023-07): steady growth, ≥12% in 2024-04..06
    "悦颜美妆专营店": (
        0.02,
        -0.03,
        0.05,
        0.01,
        0.02,
        0.03,
        0.06,
        0.08,
        0.10,
        0.04,
        -0.05,
        0.07,
        0.08,
        0.06,
        0.13,
        0.14,
        0.16,
    ),
}
_BASE_GMV = {"悦颜美妆旗舰店": 320_000.0, "悦颜美妆专营店": 120_000.0}
# conversion rate per month (fraction); 专营店 climbs 1.57 pp from 2024-03 to 2024-06
_CONVERSION = {
    "悦颜美妆旗舰店": [0.028 + 0.0005 * i for i in range(18)],
    "悦颜美妆专营店": [0.020 + 0.0002 * i for i in range(14)] + [0.0195, 0.0265, 0.031, 0.0352],
}
_REPURCHASE = {"悦颜美妆旗舰店": 0.33, "悦颜美妆专营店": 0.27}


def _store_month_facts(store: Store, batch_id: int, rng: random.Random) -> list[StoreMonthFact]:
    facts = []
    gmv = _BASE_GMV[store.name]
    growth = _GROWTH[store.name]
    for i, month in enumerate(_months()):
        if i:
            gmv *= 1 + growth[i - 1]
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
) -> list[OrderFact]:
    """抖店 sub-orders from 2023-05 on: a pool of buyers so repurchase shows up; some via 达人."""
    orders: list[OrderFact] = []
    buyers = [hashlib.sha256(f"demo-buyer-{n}".encode()).hexdigest()[:32] for n in range(900)]
    hosts = list(live.values())
    seq = 0
    for i, month in enumerate(mo.month_range("2023-05", LAST_MONTH)):
        year, mon = int(month[:4]), int(month[5:])
        for _ in range(110 + 14 * i):
            seq += 1
            day = rng.randint(1, 28)
            paid = datetime(year, mon, day, rng.randint(9, 23), rng.randint(0, 59))
            closed = rng.random() < 0.05
            host = hosts[seq % len(hosts)] if hosts and rng.random() < 0.45 else None
            orders.append(
                OrderFact(
                    store_id=store.id,
                    order_no=f"69{seq:017d}",
                    sub_order_no=f"69{seq:017d}1",
                    month=month,
                    paid_at=paid,
                    amount=round(rng.choice((89, 129, 159, 199, 258, 318)) * rng.randint(1, 3), 2),
                    status="已关闭" if closed else "已完成",
                    counted=not closed,
                    buyer_key=rng.choice(buyers[: 300 + 40 * i]),
                    live_account_id=host.id if host else None,
                    batch_id=batch_id,
                )
            )
    return orders


def _live_sessions(account: Store, batch_id: int, rng: random.Random) -> list[LiveSessionFact]:
    sessions = []
    start = "2023-08" if account.name == "悦颜小美" else FIRST_MONTH
    for i, month in enumerate(mo.month_range(start, LAST_MONTH)):
        year, mon = int(month[:4]), int(month[5:])
        for day in sorted(rng.sample(range(1, 29), 5 + i // 3)):
            begin = datetime(year, mon, day, rng.choice((10, 14, 19, 20)), rng.randint(0, 59))
            minutes = rng.choice((120, 180, 240))
            viewers = round(rng.uniform(9_000, 16_000) * (1 + 0.05 * i))
            buyers = round(viewers * rng.uniform(0.015, 0.04))
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
    data team's report accuracy (林晓 also the uplift of her strategies), and the user-operations
    team's retention, active-user growth and private-domain conversion.

    刘洋 (E005) keeps his members (90-day retention above 20%); 徐丽 (E010) grows the community
    but her 30-day retention stays just under 30% (nearly ready for 运营专员).
    """
    rows = []
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


def fill(app: AppSession) -> None:
    """Add the demo people, records and 18 months of store data to an open Template B file."""
    from sqlalchemy import select

    rng = random.Random(SEED)
    _apply(app, "roster", archive_import.apply_roster, _roster_rows())
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
    # the scores below belong to a review cycle the owner opened (as of the data's last month)
    from core.services.promotion.cycles import open_cycle

    open_cycle(app, DEMO_CYCLE, LAST_MONTH)
    _apply(
        app,
        "scores",
        archive_import.apply_scores,
        _rows(("no", "period", "item", "score", "rater", "note"), SCORES),
    )
    # its own random stream: the store figures below stay as they were
    metric_rng = random.Random(SEED + 1)
    _apply(app, "metrics", archive_import.apply_metric_values, _metric_values(metric_rng))
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
            mo.month_range("2023-05", LAST_MONTH),
            by_name["悦颜抖音小店"].id,
        )
        orders = _douyin_orders(by_name["悦颜抖音小店"], live, orders_batch, rng)
        s.add_all(orders)
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
    from sqlalchemy import select

    from core.model import Employee, Level, Track
    from core.services.promotion import cases

    sessions = {app.actor.login: app}

    def as_user(login: str) -> AppSession:
        if login not in sessions:
            sessions[login] = auth.unlock_again(app, login, password)
        return sessions[login]

    with app.read() as s:
        ids = {e.no: e.id for e in s.scalars(select(Employee))}
        levels = {
            (track, title): level_id
            for level_id, track, title in s.execute(
                select(Level.id, Track.name, Level.title).join(Track, Track.id == Level.track_id)
            )
        }
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
    leaves the open cycle without cases (for tests that walk a case through from the start)."""
    app, recovery = auth.create_company(
        Path(path), DEMO_COMPANY, login, password, "演示老板", template="beauty"
    )
    try:
        fill(app)
        add_feedback(app)
        for extra_login, name, role, employee in EXTRA_USERS:
            users.add_user(app, extra_login, name, role, password, employee)
        if with_cases:
            add_cases(app, password)
    finally:
        app.close(backup=False)
    return recovery


__all__ = ["DEMO_COMPANY", "create_demo", "fill"]
