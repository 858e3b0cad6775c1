"""An audit entry's change in words (设置 → 审计日志's 内容): the app's own labels for states,
sources, roles and fields, in Chinese and English; what no table names is shown as stored."""

from __future__ import annotations

import json

from core.services.admin.audit_text import (
    AuditNames,
    change_parts,
    change_summary,
    field_label,
    value_text,
)


def test_a_case_move_reads_as_states_steps_and_the_comment() -> None:
    before = {"state": "in_review", "step": 1}
    after = {"state": "returned", "step": None, "comment": "请补充活动记录", "on_behalf": False}
    summary = change_summary(before, after, "promotion_case", "zh")
    assert summary == (
        "状态：审批中 → 退回补充；审批步骤：第2步 → —；意见：请补充活动记录；代为审批：否"
    )
    english = change_summary(before, after, "promotion_case", "en")
    assert english == (
        "State: in review → returned; Approval step: step 2 → —; Comment: 请补充活动记录; "
        "On behalf: no"
    )
    decided = change_summary({"state": "approved"}, {"state": "published"}, "promotion_case", "zh")
    assert decided == "状态：待老板决定 → 已公示"


def test_sources_roles_and_logins_take_the_apps_own_names() -> None:
    assert change_summary(None, {"source": "taobao-orders"}, "import_batch", "zh") == (
        "来源：淘宝/天猫订单报表"
    )
    assert change_summary(None, {"source": "taobao-orders"}, "import_batch", "en") == (
        "Source: Taobao/Tmall order report"
    )
    assert change_summary(None, {"login": "demo"}, "user", "zh") == "登录名：demo"
    assert (
        change_summary({"role": "hr"}, {"role": "supervisor"}, "user", "zh") == "角色：人事 → 主管"
    )
    assert change_summary({"role": "hr"}, {"role": "supervisor"}, "user", "en") == (
        "Role: HR → Supervisor"
    )
    chain = change_summary({"chain": ["supervisor", "owner"]}, {"chain": ["hr", "owner"]}, "", "zh")
    assert chain == "审批流程：直属上级、老板 → 人事、老板"
    assert value_text("part", "potential", "score", "zh") == "潜力"
    assert value_text("type", "proposal", "achievement", "en") == "innovation proposal"
    assert value_text("state", "closed", "review_cycle", "zh") == "已关闭"
    assert value_text("kind", "live_account", "store", "zh") == "直播账号"


def test_field_names_come_from_the_templates_where_the_log_has_none() -> None:
    assert field_label("hire_date", "employee", "zh") == "入职日期"
    assert field_label("hire_date", "employee", "en") == "Hire date"
    assert field_label("name", "employee", "zh") == "姓名"  # the roster's header
    assert field_label("name", "store", "zh") == "名称"
    assert field_label("name", "company", "zh") == "公司名称"
    assert field_label("score", "training", "zh") == "成绩"
    assert field_label("score", "score", "zh") == "分数"


def test_what_changed_comes_first_and_nothing_is_dropped() -> None:
    before = {"no": "E016", "level_id": 6, "salary": 8500, "leave_date": "2024-04-30"}
    after = {"no": "E016", "level_id": 7, "salary": 11500}
    parts = change_parts(before, after, "employee", "zh")
    assert parts == [
        "职级：6 → 7",
        "月薪：8500 → 11500",
        "离职日期：2024-04-30 → —",
        "工号：E016",
    ]


def test_ids_read_as_names_when_the_file_still_has_them() -> None:
    names = AuditNames(employees={8: ("宋佳", "E016")}, levels={7: "运营主管"}, tracks={2: "运营"})
    after = {"employee_id": 8, "level_id": 7, "track_id": 2, "supervisor_id": 99}
    assert change_parts(None, after, "employee", "zh", names) == [
        "员工：宋佳（E016）",
        "职级：运营主管",
        "通道：运营",
        "直属上级：99",  # no longer in the file: the stored id
    ]
    assert change_parts(None, {"employee_id": 8}, "", "en", names) == ["Employee: 宋佳 (E016)"]


def test_unknown_keys_and_values_show_as_stored() -> None:
    after = {
        "frobnicate": "x-1",
        "state": "half_done",
        "source": "mystery-export",
        "role": "janitor",
        "count": 2.0,
        "ratio": 0.125,
        "flag": True,
        "nested": {"a": [1, 2], "b": None},
        "empty": [],
    }
    parts = change_parts(None, after, "gadget", "zh")
    assert parts == [
        "frobnicate：x-1",
        "状态：half_done",
        "来源：mystery-export",
        "角色：janitor",
        "count：2",
        "ratio：0.125",
        "flag：是",
        "nested：（a：1、2，b：—）",
        "empty：—",
    ]
    english = change_parts(None, after, "gadget", "en")
    assert english[0] == "frobnicate: x-1" and english[-2] == "nested: (a: 1, 2, b: —)"


def test_odd_entries_never_raise() -> None:
    """Entries written by an older Tidui, a test or by hand: lists, text, empty objects."""
    assert change_summary(None, None) == ""
    assert change_summary({}, {}) == ""
    assert change_summary(None, ["a", "b"], lang="zh") == "a、b"
    assert change_summary("text", None, lang="zh") == "text"
    assert change_summary({"x": 1}, "gone", lang="zh") == "x：1；gone"
    assert change_summary({"step": True}, {"step": 1}, lang="zh") == "审批步骤：是 → 第2步"
    weird = {"k": float("nan"), "big": 1e300, "obj": object.__name__, 3: "three"}
    assert "k：nan" in change_summary(None, weird, lang="zh")
    assert "3：three" in change_summary(None, json.loads(json.dumps(weird)), lang="zh")


def test_a_field_the_change_empties_reads_as_gone() -> None:
    """办理离职 undone (恢复在职): the dates before, nothing after."""
    before = {"leave_date": "2024-04-30", "leave_reason": "回老家发展"}
    assert change_summary(before, {}, "employee", "zh") == (
        "离职日期：2024-04-30 → —；离职原因：回老家发展 → —"
    )
