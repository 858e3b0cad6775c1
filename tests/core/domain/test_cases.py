"""The promotion case state machine: every legal move and every illegal one, chain resolution, salary."""

from __future__ import annotations

from datetime import date

import pytest

from core.domain import cases as dc
from core.domain.cases import CaseAction as A
from core.domain.cases import CaseState as S
from core.errors import ValidationError

LEGAL = {
    (S.SUBMITTED, A.APPROVE),
    (S.IN_REVIEW, A.APPROVE),
    (S.SUBMITTED, A.REJECT),
    (S.IN_REVIEW, A.REJECT),
    (S.SUBMITTED, A.RETURN),
    (S.IN_REVIEW, A.RETURN),
    (S.RETURNED, A.RESUBMIT),
    (S.SUBMITTED, A.WITHDRAW),
    (S.IN_REVIEW, A.WITHDRAW),
    (S.RETURNED, A.WITHDRAW),
    (S.APPROVED, A.WITHDRAW),
    (S.APPROVED, A.DECIDE),
    (S.APPROVED, A.REJECT),
    (S.PUBLISHED, A.EFFECTIVE),
    (S.PUBLISHED, A.REVOKE),
}


@pytest.mark.parametrize("state", list(S))
@pytest.mark.parametrize("action", list(A))
def test_every_move_is_either_legal_or_refused_with_a_message(state: S, action: A) -> None:
    if (state, action) in LEGAL:
        assert isinstance(dc.next_state(state, action), S)
        assert action in dc.legal_actions(state)
    else:
        with pytest.raises(ValidationError) as err:
            dc.next_state(state, action)
        assert err.value.code == (
            "case.closed" if state in dc.CLOSED_STATES else "case.illegal_move"
        )
        assert "{" not in err.value.text("zh") and "{" not in err.value.text("en")


def test_approve_moves_to_the_next_step_or_to_approved_at_the_last() -> None:
    assert dc.next_state(S.SUBMITTED, A.APPROVE) is S.IN_REVIEW
    assert dc.next_state(S.IN_REVIEW, A.APPROVE, last_step=True) is S.APPROVED
    assert dc.next_state(S.RETURNED, A.RESUBMIT) is S.SUBMITTED
    assert dc.next_state(S.APPROVED, A.DECIDE) is S.PUBLISHED
    assert dc.next_state(S.PUBLISHED, A.EFFECTIVE) is S.EFFECTIVE


def test_closed_cases_take_no_action() -> None:
    for state in dc.CLOSED_STATES:
        assert dc.legal_actions(state) == []


def test_chain_skips_a_step_without_account_and_one_whose_approver_is_the_applicant() -> None:
    roles = dc.DEFAULT_CHAIN
    chain = dc.resolve_chain(
        roles,
        {dc.StepRole.SUPERVISOR: [], dc.StepRole.HR: ["hr1"], dc.StepRole.OWNER: ["boss"]},
        [],
    )
    assert [s.skipped for s in chain] == ["case.skip.no_account", None, None]
    assert dc.first_open_step(chain) == 1
    chain = dc.resolve_chain(
        roles,
        {
            dc.StepRole.SUPERVISOR: ["amy"],
            dc.StepRole.HR: ["amy", "hr2"],
            dc.StepRole.OWNER: ["boss"],
        },
        ["Amy"],
    )
    assert chain[0].skipped == "case.skip.applicant"
    assert chain[1].logins == ("hr2",) and chain[1].skipped is None


def test_configured_chain_must_end_with_the_owner_and_name_each_role_once() -> None:
    assert dc.parse_chain(["hr", "owner"]) == (dc.StepRole.HR, dc.StepRole.OWNER)
    for bad, code in (
        ([], "case.chain.empty"),
        (["owner", "hr"], "case.chain.owner_last"),
        (["hr", "hr", "owner"], "case.chain.duplicate"),
        (["boss"], "case.chain.unknown_role"),
    ):
        with pytest.raises(ValidationError) as err:
            dc.parse_chain(bad)
        assert err.value.code == code


def test_suggested_salary_is_the_raise_range_clamped_to_the_band() -> None:
    # 8,000 +30%..+50% = 10,400..12,000, band 9,000..11,000
    assert dc.suggested_salary(8000, 30, 50, (9000, 11000)) == (10400, 11000)
    assert dc.suggested_salary(8000, 30, 50, (None, None)) == (10400, 12000)
    assert dc.suggested_salary(None, 30, 50, (9000, 11000)) == (9000, 11000)
    assert dc.suggested_salary(None, None, None, (None, 11000)) is None
    assert dc.suggested_salary(5000, 10, 10, (7000, 9000)) == (7000, 7000)


def test_salary_outside_the_band_is_refused() -> None:
    assert dc.check_salary(10000, (9000, 11000)) == 10000
    assert dc.check_salary(10000.0, (None, None)) == 10000
    for bad in (8999, 11001, 0, -5, 10000.5, float("nan"), True, "10000"):
        with pytest.raises(ValidationError):
            dc.check_salary(bad, (9000, 11000))


def test_notice_fills_every_placeholder_and_reports_unknown_and_empty_ones() -> None:
    values = {"姓名": "张三", "新职级": "运营主管", "生效日期": dc.date_text(date(2024, 10, 1))}
    text, unknown, empty = dc.fill(dc.DEFAULT_NOTICE, values)
    assert text == "张三晋升为运营主管，自2024年10月1日起生效。"
    assert unknown == [] and empty == []
    _, unknown, empty = dc.fill("{姓名}{部门}{新职级}", {"姓名": "张三", "新职级": " "})
    assert unknown == ["部门"] and empty == ["新职级"]
