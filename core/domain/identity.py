"""Personal identifiers of employees: GB 11643 ID numbers, phone numbers, and how both are masked.

Pure functions over text: each ``*_problem`` returns None or the Message saying what is wrong, so
the form, the roster import and the tests all report the same thing. Masking keeps the first
and last four characters of an ID number (3301**********1234) and the first three and last four
digits of a mobile number (138****0001), the forms Chinese HR systems commonly print.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from core.i18n import Message

# GB 11643-1999: weights of the first 17 digits, and the check character for sum mod 11.
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_ID_SHAPE = re.compile(r"^\d{17}[\dX]$")
# The first-generation 15-digit cards stopped being valid in 2013; we say so rather than guess.
_OLD_ID_SHAPE = re.compile(r"^\d{15}$")
# Mainland mobile numbers: 11 digits starting 13–19. Landlines: area code 0xx/0xxx + 7–8 digits.
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")
_EARLIEST_BIRTH_YEAR = 1900


def _ascii(text: str) -> str:
    """Full-width digits and letters (１２３Ｘ) as ASCII, surrounding and inner blanks removed."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def normalise_id_number(text: str) -> str:
    """The ID number as stored: ASCII, no blanks, upper-case check character."""
    return _ascii(text).upper()


def id_check_character(first17: str) -> str:
    """The 18th character GB 11643 requires for these 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def birth_date_of(id_number: str) -> date | None:
    """The birth date encoded in digits 7–14, or None when they are not a real date."""
    digits = normalise_id_number(id_number)
    if len(digits) < 14 or not digits[6:14].isdigit():
        return None
    try:
        return date(int(digits[6:10]), int(digits[10:12]), int(digits[12:14]))
    except ValueError:
        return None


def gender_of(id_number: str) -> str | None:
    """男 for an odd 17th digit, 女 for an even one (GB 11643 sequence code)."""
    digits = normalise_id_number(id_number)
    if len(digits) < 17 or not digits[16].isdigit():
        return None
    return "男" if int(digits[16]) % 2 else "女"


def id_number_problem(text: str, today: date | None = None) -> Message | None:
    """None for a valid 18-character ID number, else what is wrong with it (shape first, then checksum)."""
    value = normalise_id_number(text)
    if _OLD_ID_SHAPE.match(value):
        return Message("archive.id_number.old_format", {"text": text})
    if len(value) != 18:
        return Message("archive.id_number.length", {"text": text, "length": len(value)})
    if not _ID_SHAPE.match(value):
        return Message("archive.id_number.characters", {"text": text})
    born = birth_date_of(value)
    today = today or date.today()
    if born is None or born.year < _EARLIEST_BIRTH_YEAR or born > today:
        return Message("archive.id_number.birth_date", {"text": text})
    if id_check_character(value[:17]) != value[17]:
        return Message("archive.id_number.checksum", {"text": text})
    return None


def is_checksum_problem(message: Message | None) -> bool:
    """A wrong check character is likely a typo in a source file; imports keep it with a warning."""
    return message is not None and message.code == "archive.id_number.checksum"


def normalise_phone(text: str) -> str:
    """The phone number as stored: ASCII digits, no blanks or +86 prefix; a landline keeps its hyphen."""
    value = _ascii(text).replace("(", "").replace(")", "")
    for prefix in ("+86", "0086"):
        if value.startswith(prefix):
            value = value[len(prefix) :].lstrip("-")
    if _MOBILE.match(value.replace("-", "")):
        return value.replace("-", "")
    return value


def phone_problem(text: str) -> Message | None:
    """None for a mainland mobile (11 digits, 1[3-9]…) or a landline with area code, else a Message."""
    value = normalise_phone(text)
    if _MOBILE.match(value) or _LANDLINE.match(value):
        return None
    return Message("archive.phone.invalid", {"text": text})


def mask_id_number(text: str | None) -> str:
    """3301**********1234: enough to tell two people apart on a printout, not enough to misuse."""
    if not text:
        return ""
    value = normalise_id_number(text)
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(text: str | None) -> str:
    """138****0001 for mobiles; other numbers keep only their last four digits."""
    if not text:
        return ""
    value = normalise_phone(text)
    if _MOBILE.match(value):
        return value[:3] + "****" + value[-4:]
    if len(value) <= 4:
        return "*" * len(value)
    return "*" * (len(value) - 4) + value[-4:]
