"""Company information (name, logo, currency, default language) shown in reports and the title bar."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from core.errors import ValidationError
from core.i18n import LANGUAGES
from core.model import Company
from core.permissions import Perm, require
from core.session import AppSession

CURRENCIES = ("CNY", "HKD", "USD")
MAX_LOGO_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class CompanyInfo:
    name: str
    currency: str
    language: str
    logo: bytes | None
    logo_mime: str | None


def get_info(app: AppSession) -> CompanyInfo:
    with app.read() as s:
        c = s.scalars(select(Company)).one()
        return CompanyInfo(c.name, c.currency, c.language, c.logo, c.logo_mime)


def update_info(
    app: AppSession,
    name: str,
    currency: str,
    language: str,
    logo: bytes | None = None,
    logo_mime: str | None = None,
    clear_logo: bool = False,
) -> CompanyInfo:
    require(app.actor, Perm.EDIT_COMPANY)
    name = name.strip()
    if not name:
        raise ValidationError("company.name_required")
    if currency not in CURRENCIES:
        raise ValidationError("company.bad_currency", currency=currency)
    if language not in LANGUAGES:
        raise ValidationError("company.bad_language", language=language)
    if logo is not None:
        if len(logo) > MAX_LOGO_BYTES:
            raise ValidationError("company.logo_too_big", max_mb=MAX_LOGO_BYTES // (1024 * 1024))
        if not (logo.startswith(b"\x89PNG") or logo.startswith(b"\xff\xd8")):
            raise ValidationError("company.logo_format")
    with app.uow() as uow:
        c = uow.session.scalars(select(Company)).one()
        before = {
            "name": c.name,
            "currency": c.currency,
            "language": c.language,
            "logo": bool(c.logo),
        }
        c.name, c.currency, c.language = name, currency, language
        if clear_logo:
            c.logo, c.logo_mime = None, None
        elif logo is not None:
            c.logo = logo
            c.logo_mime = logo_mime or (
                "image/png" if logo.startswith(b"\x89PNG") else "image/jpeg"
            )
        uow.audit(
            "company.update",
            "company",
            c.id,
            before=before,
            after={"name": name, "currency": currency, "language": language, "logo": bool(c.logo)},
        )
        uow.commit()
        return CompanyInfo(c.name, c.currency, c.language, c.logo, c.logo_mime)
