"""文书模板: the promotion letter's text with placeholders, kept in the company file (file_meta).

The owner edits it (Settings → 文书模板); everyone who prints reads it. An unknown placeholder is
refused when saving, and a letter is never printed while one of its placeholders has no value
(core/domain/cases.fill; core/reports/letter.py).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from core.domain import cases as dc
from core.errors import ValidationError
from core.model import FileMeta
from core.permissions import Perm, require
from core.session import AppSession

LETTER_KEY = "letter.template"
MAX_LETTER = 4000
LETTER_FIELDS = (
    "姓名",
    "工号",
    "原职级",
    "新职级",
    "生效日期",
    "月薪",
    "新增权限",
    "培训",
    "公司名称",
    "日期",
)

DEFAULT_LETTER = """{姓名}（工号：{工号}）：

经{公司名称}晋升评审，你已通过由{原职级}晋升为{新职级}的评审。现将有关事项通知如下：

一、职级：自{生效日期}起，你的职级由{原职级}调整为{新职级}；
二、薪酬：自生效之日起，月薪调整为人民币 {月薪} 元；
三、新增权限：{新增权限}；
四、培训安排：{培训}。

感谢你一直以来的努力与付出，希望你在新的岗位上再接再厉，取得更好的成绩。

特此通知。"""


def read_letter(session: Session) -> str:
    stored = session.get(FileMeta, LETTER_KEY)
    return stored.value if stored is not None and stored.value.strip() else DEFAULT_LETTER


def letter_template(app: AppSession) -> str:
    require(app.actor, Perm.PRINT_REPORTS)
    with app.read() as s:
        return read_letter(s)


def unknown_placeholders(text: str) -> list[str]:
    """Placeholders in ``text`` that no letter can fill (for the editor's live check)."""
    return [p for p in dc.placeholders(text) if p not in LETTER_FIELDS]


def check_letter_template(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError("report.letter.template_empty", field="template")
    if len(text) > MAX_LETTER:
        raise ValidationError("report.letter.template_too_long", field="template", max=MAX_LETTER)
    unknown = unknown_placeholders(text)
    if unknown:
        raise ValidationError(
            "report.letter.unknown_placeholder",
            field="template",
            names="、".join("{" + n + "}" for n in unknown),
        )
    return text


def set_letter_template(app: AppSession, text: str | None) -> str:
    """The owner saves the letter's text (None or the default text: back to the default)."""
    require(app.actor, Perm.EDIT_COMPANY)
    value = DEFAULT_LETTER if text is None else check_letter_template(text)
    with app.uow() as uow:
        s = uow.session
        before = read_letter(s)
        stored = s.get(FileMeta, LETTER_KEY)
        if stored is None:
            s.add(FileMeta(key=LETTER_KEY, value=value))
        else:
            stored.value = value
        uow.audit("letter.template", "file_meta", LETTER_KEY, {"text": before}, {"text": value})
        uow.commit()
    return value
