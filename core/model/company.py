"""The company itself and the file's own metadata (schema version, file id)."""

from __future__ import annotations

from sqlalchemy import LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from core.model.base import Base


class FileMeta(Base):
    """Key/value facts about the file: schema_version, file_id, created_with."""

    __tablename__ = "file_meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(256))


class Company(Base):
    """The one company a file belongs to (a single row)."""

    __tablename__ = "company"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    currency: Mapped[str] = mapped_column(String(8), default="CNY")
    language: Mapped[str] = mapped_column(String(8), default="zh")
    logo: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    logo_mime: Mapped[str | None] = mapped_column(String(64), default=None)
