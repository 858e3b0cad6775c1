"""Roles and what each may do; services call ``require`` so rules hold even if a button is shown."""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol

from core.errors import PermissionDenied


class Role(StrEnum):
    OWNER = "owner"  # 老板: everything
    HR = "hr"  # 人事: archives, imports, scores, reports; no final approval, no users
    SUPERVISOR = "supervisor"  # 主管: own team only: view, first-level review, ability ratings


class Perm(StrEnum):
    MANAGE_USERS = "manage_users"
    EDIT_COMPANY = "edit_company"
    VIEW_LADDER = "view_ladder"
    EDIT_LADDER = "edit_ladder"
    VIEW_ALL_EMPLOYEES = "view_all_employees"  # supervisors see their own team only
    EDIT_EMPLOYEES = "edit_employees"
    VIEW_PERSONAL_DATA = "view_personal_data"  # unmasked ID number and phone
    ANONYMISE = "anonymise"
    IMPORT_DATA = "import_data"
    ENTER_SCORES = "enter_scores"
    RATE_ABILITY = "rate_ability"
    VIEW_ELIGIBILITY = "view_eligibility"
    REVIEW_FIRST = "review_first"  # supervisor step
    REVIEW_HR = "review_hr"
    APPROVE_FINAL = "approve_final"  # owner step
    PRINT_REPORTS = "print_reports"
    VIEW_AUDIT = "view_audit"
    BACKUP = "backup"
    EXPORT_DATA = "export_data"
    VIEW_ANONYMOUS_RATER = "view_anonymous_rater"
    MANAGE_CYCLES = "manage_cycles"  # open, close and reopen review cycles (owner)
    CREATE_CASE = "create_case"  # propose someone for promotion (HR, owner)


ROLE_PERMS: dict[Role, frozenset[Perm]] = {
    Role.OWNER: frozenset(Perm),
    Role.HR: frozenset(
        {
            Perm.VIEW_LADDER,
            Perm.VIEW_ALL_EMPLOYEES,
            Perm.EDIT_EMPLOYEES,
            Perm.VIEW_PERSONAL_DATA,
            Perm.IMPORT_DATA,
            Perm.ENTER_SCORES,
            Perm.RATE_ABILITY,
            Perm.VIEW_ELIGIBILITY,
            Perm.REVIEW_HR,
            Perm.CREATE_CASE,
            Perm.PRINT_REPORTS,
            Perm.BACKUP,
            Perm.EXPORT_DATA,
        }
    ),
    Role.SUPERVISOR: frozenset(
        {
            Perm.VIEW_LADDER,
            Perm.RATE_ABILITY,
            Perm.VIEW_ELIGIBILITY,
            Perm.REVIEW_FIRST,
        }
    ),
}


class HasRole(Protocol):
    @property
    def role(self) -> str: ...
    @property
    def login(self) -> str: ...


def can(actor: HasRole, perm: Perm) -> bool:
    try:
        return perm in ROLE_PERMS[Role(actor.role)]
    except ValueError:
        return False


def require(actor: HasRole, perm: Perm) -> None:
    if not can(actor, perm):
        raise PermissionDenied(login=actor.login, role=actor.role, perm=perm.value)
