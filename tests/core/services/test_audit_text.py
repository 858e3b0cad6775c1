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


def _weights(parts: list[dict], **changes: int) -> list[dict]:
    out = json.loads(json.dumps(parts))
    for part in out:
        part["weight"] = changes.get(part["key"], part["weight"])
    return out


def test_a_template_edit_reads_as_the_weights_and_items_it_changed() -> None:
    from core.domain.scoring import DEFAULT_TEMPLATE

    before = DEFAULT_TEMPLATE.to_parts()
    after = _weights(before, performance=40, ability=40)
    after[1]["items"][0]["weight"] = 50
    after[1]["items"][1]["weight"] = 20
    after[1]["items"][2]["rubric"]["90"] = "带领跨部门项目"
    after[2]["items"].append({"name": "案例复盘", "weight": 0, "rubric": {}})
    parts = change_parts({"parts": before}, {"parts": after}, "evaluation_template", "zh")
    assert parts == [
        "绩效 权重：60 → 40",
        "能力 权重：20 → 40",
        "能力 · 策略答辩 权重：40 → 50",
        "能力 · 数据分析 权重：30 → 20",
        "能力 · 团队协作 评分标准已修改",
        "潜力 · 新增评分项：案例复盘（权重 0）",
    ]
    english = change_parts({"parts": before}, {"parts": after}, "evaluation_template", "en")
    assert english[:2] == ["Performance weight: 60 → 40", "Ability weight: 20 → 40"]
    assert "Ability · 团队协作: rubric changed" in english and not any("{" in p for p in english)
    removed = change_parts({"parts": after}, {"parts": before}, "evaluation_template", "zh")
    assert "潜力 · 删除评分项：案例复盘（权重 0）" in removed


def test_a_new_template_is_outlined_not_dumped() -> None:
    from core.domain.scoring import DEFAULT_TEMPLATE

    made = {"name": "主管评估", "parts": DEFAULT_TEMPLATE.to_parts(), "is_default": False}
    assert change_parts(None, made, "evaluation_template", "zh") == [
        "名称：主管评估",
        "评估部分：绩效 60、能力 20（3 项）、潜力 20（3 项）",
        "默认模板：否",
    ]
    assert change_parts(made, None, "evaluation_template", "en")[1] == (
        "Parts: Performance 60, Ability 20 (3 items), Potential 20 (3 items)"
    )
    # stored parts that are not parts still show as stored, never raise
    assert change_parts({"parts": "x"}, {"parts": [1]}, "evaluation_template", "zh") == ["x → 1"]


def test_a_setting_entry_names_the_setting_not_its_key() -> None:
    from core.services.admin.audit_text import entity_id_text

    assert entity_id_text("file_meta", "eligibility.margin", "zh") == "接近达标范围"
    assert entity_id_text("file_meta", "notice.template", "en") == "Notice template"
    assert entity_id_text("file_meta", "some.future.key", "zh") == "some.future.key"
    assert entity_id_text("employee", "12", "zh") == "12"
    assert entity_id_text("employee", None, "zh") == ""
