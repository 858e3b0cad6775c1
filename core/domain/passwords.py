"""Password rules and a strength hint for the new-company wizard and the user screens."""

from __future__ import annotations

import re

from core.i18n import Message

MIN_LENGTH = 8


def strength(password: str) -> int:
    """0 (empty) to 4 (strong): length and variety, the same scale the wizard's meter shows."""
    if not password:
        return 0
    classes = sum(
        bool(re.search(pattern, password))
        for pattern in (r"[a-z]", r"[A-Z]", r"[0-9]", r"[^A-Za-z0-9]")
    )
    score = 1
    if len(password) >= MIN_LENGTH:
        score += 1
    if len(password) >= 12:
        score += 1
    if classes >= 3:
        score += 1
    if len(set(password)) <= 2:
        score = 1
    return min(score, 4)


def problems(password: str, repeat: str | None = None) -> list[Message]:
    found: list[Message] = []
    if len(password) < MIN_LENGTH:
        found.append(Message("password.too_short", {"min": MIN_LENGTH}))
    elif len(set(password)) <= 2:
        found.append(Message("password.too_simple"))
    if repeat is not None and repeat != password:
        found.append(Message("password.mismatch"))
    return found


_LOGIN_RE = re.compile(r"^[A-Za-z0-9_.\-\u4e00-\u9fff]{2,32}$")


def login_problems(login: str) -> list[Message]:
    if not _LOGIN_RE.match(login):
        return [Message("user.bad_login", {"login": login})]
    return []
