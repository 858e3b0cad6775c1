"""The approval chain (Settings → 审批流程) and the notice 公示 template, kept in file_meta."""

from __future__ import annotations

import json

from sqlalchemy.orm import Session

from core.domain import cases as dc
from core.errors import ValidationError
from core.model import FileMeta
from core.permissions import Perm, require
from core.session import AppSession

CHAIN_KEY = "approval.chain"
NOTICE_KEY = "notice.template"
MAX_NOTICE = 250


def read_chain(session: Session) -> tuple[dc.StepRole, ...]:
    stored = session.get(FileMeta, CHAIN_KEY)
    if stored is None:
        return dc.DEFAULT_CHAIN
    try:
        return dc.parse_chain(json.loads(stored.value))
    except (ValueError, TypeError, ValidationError):
        return dc.DEFAULT_CHAIN


def approval_chain(app: AppSession) -> tuple[dc.StepRole, ...]:
    with app.read() as s:
        return read_chain(s)


def set_approval_chain(app: AppSession, roles: list[str]) -> None:
    """The owner sets which roles approve, in order (the owner's step always comes last)."""
    require(app.actor, Perm.EDIT_COMPANY)
    chain = dc.parse_chain(roles)
    value = json.dumps([r.value for r in chain])
    with app.uow() as uow:
        before = [r.value for r in read_chain(uow.session)]
        _store(uow.session, CHAIN_KEY, value)
        uow.audit(
            "approval.chain",
            "file_meta",
            CHAIN_KEY,
            {"chain": before},
            {"chain": list(json.loads(value))},
        )
        uow.commit()


def read_notice(session: Session) -> str:
    stored = session.get(FileMeta, NOTICE_KEY)
    return stored.value if stored is not None and stored.value.strip() else dc.DEFAULT_NOTICE


def notice_template(app: AppSession) -> str:
    with app.read() as s:
        return read_notice(s)


def set_notice_template(app: AppSession, text: str) -> None:
    """The 公示 sentence with placeholders ({姓名} {新职级} {生效日期} …); unknown ones are refused."""
    require(app.actor, Perm.EDIT_COMPANY)
    text = text.strip()
    if not text:
        raise ValidationError("case.notice.empty", field="notice")
    if len(text) > MAX_NOTICE:
        raise ValidationError("case.notice.too_long", field="notice", max=MAX_NOTICE)
    unknown = [p for p in dc.placeholders(text) if p not in NOTICE_FIELDS]
    if unknown:
        raise ValidationError(
            "case.notice.unknown_placeholder", field="notice", name="{" + unknown[0] + "}"
        )
    with app.uow() as uow:
        before = read_notice(uow.session)
        _store(uow.session, NOTICE_KEY, text)
        uow.audit("notice.template", "file_meta", NOTICE_KEY, {"text": before}, {"text": text})
        uow.commit()


NOTICE_FIELDS = ("姓名", "工号", "原职级", "新职级", "生效日期", "公司名称", "月薪", "日期")


def _store(session: Session, key: str, value: str) -> None:
    stored = session.get(FileMeta, key)
    if stored is None:
        session.add(FileMeta(key=key, value=value))
    else:
        stored.value = value
