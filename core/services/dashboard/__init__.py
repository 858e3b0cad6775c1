"""The talent-pipeline dashboard 梯队健康度: every figure of the first page and of `tidui-cli dashboard`.

The GUI and the CLI only draw what ``dashboard(app, as_of)`` returns; every figure is computed
here, from plain rows, with its formula written down (and in the README):

* **as of** month M: the 达标名单's month (the last complete month with data unless picked);
  "end of M" is M's last day.
* **head-count** of a level as of M: employees with hire date ≤ end of M (or none recorded) and
  no leave date before end of M (someone whose last day is the month's last day still counts),
  whose level at end of M is that level. The level at a day is the ``to_level`` of the latest
  grade change effective on or before it; before the first change it is that change's
  ``from_level``; without any change, today's level.
* **ready_in / nearly_in** of a level: the people one promotion below (every live *promotion*
  transition into the level, whatever track it comes from) who are 已达标 / 接近达标 for it in
  ``eligibility.eligibility_list(app, M)``. Transfers 转岗 are not succession and are not counted.
* **gap** 梯队断层 of a level that can be reached by a promotion, in a track with anyone in it:
  required = max(1, ⌈bench strength × head-count⌉) (bench strength: ready successors per
  position, default 1, ``file_meta['dashboard.bench_strength']``); ready_in = 0 is "无人达标 —
  梯队断层", 0 < ready_in < required is "后备不足". Entry levels (no promotion into them) have
  no gap; nor, in a supervisor's view, a level whose only possible successor she sees is
  herself (her own readiness is others' to review).
* **turnover** over a window of months W (rolling: the 12 months ending at M; calendar year:
  January of M's year to M): separations = employees whose leave date falls inside W; average
  head-count = mean over the months m of W of the head-count at end of m; turnover % =
  separations ÷ average head-count × 100 (None while the average is 0). Per level, a separation
  counts at the level the person held on their leave date.
* **retention** of a hiring cohort (the hires of each of the 3 calendar years ending at M's
  year, the last one up to M): stayed = cohort members with no leave date or a leave date on
  or after the end of M; retention % = stayed ÷ hired × 100 (None for an empty cohort).
* **promotions per month**: grade changes effective in the month whose ``from`` and ``to``
  levels are set and differ; a promotion when the new level ranks higher, else a transfer.
* **case efficiency** (晋升效率): decided cases are those with the owner's decision
  (``decided_at``); days to decision = decision time − creation time (days, 2 decimals, as in
  ``promotion.cases.list_cases``); average and maximum over the decided cases; open cases are
  those submitted / in review / returned / approved and not decided, each with the days since
  its last step (or its submission); the rest ended before the owner decided (rejected, withdrawn)
  and are counted apart, so decided + open + ended = every case the cycles list. A
  supervisor's figures leave out her own cases (``archive.employees.review_scope``).
* **9-box** 9宫格 from the latest review cycle's scores (latest ``as_of``, then newest, of the
  cycles anyone visible was scored in, so a cycle just opened does not empty it; without a
  cycle the latest 评审周期 named in the scores): performance = the KPI part of the evaluation
  (the mean attainment × 100, as of M, of the KPI criteria of the person's first promotion
  transition, as ``promotion.scores.evaluate`` scores it; without KPI criteria its performance
  items); potential = that evaluation's potential part (each item's raters averaged, the items
  weighted as the transition's rubric says; none until every item is rated), so the box and the
  evaluation report never disagree.
  Band: score < low → 1, low ≤ score < high → 2, score ≥ high → 3 (cut-offs default 60/80,
  ``file_meta['dashboard.nine_box']`` as "60,80"). People without both scores are left out.
* **business**, the 24 months ending at M: company GMV of month m = Σ over shops (not live
  accounts) of the store-month GMV the KPIs use (``metrics.load_facts``' precedence: the shop
  overview's monthly row, else its daily rows, else the counted orders); live GMV = Σ amount of
  the counted, current orders of m attributed to a live account (``order_facts.live_account_id``);
  live share = live GMV ÷ company GMV (None without company GMV).
  GMV per track of month m = Σ over shops of the store-month GMV, each shop-month credited to
  the track of the level its runner holds at the end of m (store ownership periods); a
  shop-month run by people of several tracks is split evenly between them, one nobody runs
  counts as 未分配, so the tracks add up to the company GMV.
* **能力缺口** of a level L whose ladder entry expects competencies (``Level.competencies``,
  competency → proficiency 1–5) and that a live promotion leads to: the people one promotion
  below (at a ``from`` level of a promotion into L at the end of M); a person's proficiency in a
  competency = the mean of the 360 ratings of it received up to the end of M (self-ratings left
  out, as the employee's radar); reached when proficiency ≥ expected, short when lower, unrated
  without a rating (short + unrated = not reached). The sentence names the competency most
  people reach and those fewest reach: "3人数据分析达到3级，但领导力未达标".
* **checklist** for a new company: 设计晋升通道 (a promotion transition exists), 导入花名册 (an
  employee), 设置店铺负责人 (a store owner period), 导入店铺数据 (a store fact), 开始评审周期
  (a review cycle); each ticks itself as the data arrives.

Modules: ``figures`` (settings, value types, the pure formulas), ``pipeline`` (levels, staff,
successors, gaps), ``flow`` (turnover, promotions per month), ``cases`` (晋升效率), ``nine_box``,
``business`` (GMV, live share, checklist), ``compute`` (``dashboard()``), ``tables`` (JSON,
table views, 导出 Excel). This package re-exports their public names.

Supervisors see their own team only (head-counts, turnover, successors, 9-box and cases).
"""

from __future__ import annotations

from core.services.dashboard.competency import competency_gap
from core.services.dashboard.compute import dashboard
from core.services.dashboard.figures import (
    BENCH_KEY,
    BUSINESS_MONTHS,
    DEFAULT_BENCH,
    DEFAULT_CUTOFFS,
    MAX_BENCH,
    NINE_BOX_KEY,
    OPEN_CASE_STATES,
    RETENTION_YEARS,
    ROLLING_MONTHS,
    BusinessMonth,
    CaseFigures,
    ChecklistItem,
    CompetencyGap,
    CompetencyNeed,
    Dashboard,
    Gap,
    LevelFigures,
    LevelTurnover,
    NineBox,
    NineBoxEntry,
    OpenCase,
    PeopleFlow,
    PersonRef,
    PromotionMonth,
    Retention,
    Settings,
    Staff,
    TrackFigures,
    TrackTurnover,
    Turnover,
    band,
    headcount_at,
    month_end_counts,
    read_settings,
    retention,
    set_settings,
    settings,
    turnover,
)
from core.services.dashboard.tables import Table, as_json, export_table, tables

__all__ = [
    "BENCH_KEY",
    "BUSINESS_MONTHS",
    "DEFAULT_BENCH",
    "DEFAULT_CUTOFFS",
    "MAX_BENCH",
    "NINE_BOX_KEY",
    "OPEN_CASE_STATES",
    "RETENTION_YEARS",
    "ROLLING_MONTHS",
    "BusinessMonth",
    "CaseFigures",
    "ChecklistItem",
    "CompetencyGap",
    "CompetencyNeed",
    "Dashboard",
    "Gap",
    "LevelFigures",
    "LevelTurnover",
    "NineBox",
    "NineBoxEntry",
    "OpenCase",
    "PeopleFlow",
    "PersonRef",
    "PromotionMonth",
    "Retention",
    "Settings",
    "Staff",
    "Table",
    "TrackFigures",
    "TrackTurnover",
    "Turnover",
    "as_json",
    "band",
    "competency_gap",
    "dashboard",
    "export_table",
    "headcount_at",
    "month_end_counts",
    "read_settings",
    "retention",
    "set_settings",
    "settings",
    "tables",
    "turnover",
]
