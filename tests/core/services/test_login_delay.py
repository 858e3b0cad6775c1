"""Wrong passwords in a row make the next attempt wait longer and longer; the right one resets."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import TooManyAttempts, WrongPassword
from core.services.admin import auth
from tests.conftest import OWNER, OWNER_PASSWORD, make_company


def test_wrong_passwords_add_a_growing_delay(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, _ = make_company(tmp_path)
    path = app.file.path
    app.close(backup=False)
    now = [1000.0]
    monkeypatch.setattr(auth.time, "monotonic", lambda: now[0])
    for _ in range(auth.FREE_ATTEMPTS):
        with pytest.raises(WrongPassword):
            auth.log_in(path, OWNER, "not-the-password")
    waits = []
    for _ in range(4):
        with pytest.raises(TooManyAttempts) as caught:
            auth.log_in(path, OWNER, OWNER_PASSWORD)  # even the right one must wait
        waits.append(caught.value.params["seconds"])
        now[0] += auth.wait_before_attempt(path)
        with pytest.raises(WrongPassword):
            auth.log_in(path, OWNER, "still-wrong")
    assert waits == [1, 2, 4, 8]
    assert "秒后再试" in caught.value.text("zh")
    now[0] += auth.wait_before_attempt(path)
    auth.log_in(path, OWNER, OWNER_PASSWORD).close(backup=False)
    assert auth.wait_before_attempt(path) == 0  # reset by the right password
