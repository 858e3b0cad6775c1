"""Running a promotion: review cycles, assessment scores, cases with their approval chain, the
owner's decision and the effective date (core/domain/cases.py holds the state machine).

``config`` the approval chain and the notice template (Settings → 审批流程);
``cycles`` 评审周期 and their candidates; ``scores`` 评估打分 entry and the three-part evaluation;
``cases`` 晋升申请 from creation to the effective date; ``exports`` payroll and evaluation sheets.
"""
