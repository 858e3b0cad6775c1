"""tidui-cli as a script user drives it: init, user add, verify, exit codes, languages."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.cli.main import main

PASSWORD = "owner-pass-1"


def run_cli(
    *args: str, env: dict[str, str] | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "TIDUI_TEST_FAST_KDF": "1", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "core.cli.main", *args],
        capture_output=True,
        text=True,
        env=full_env,
        input=stdin,
        timeout=120,
    )


def test_init_json_then_user_add_and_verify(tmp_path: Path) -> None:
    path = tmp_path / "悦颜.tidui"
    out = run_cli(
        "init",
        str(path),
        "--company",
        "悦颜美妆",
        "--owner",
        "boss",
        "--json",
        env={"TIDUI_PASSWORD": PASSWORD},
    )
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["file"] == str(path)
    groups = data["recovery_key"].split("-")
    assert len(groups) == 8 and all(len(g) == 8 and int(g, 16) >= 0 for g in groups)
    assert path.exists() and Path(str(path) + ".keys").exists()

    out = run_cli(
        "user",
        "add",
        str(path),
        "--login",
        "hr1",
        "--role",
        "hr",
        env={"TIDUI_PASSWORD": PASSWORD, "TIDUI_NEW_PASSWORD": "hr-pass-123"},
    )
    assert out.returncode == 0, out.stderr
    assert "hr1" in out.stdout

    out = run_cli("verify", str(path), "--json", env={"TIDUI_PASSWORD": PASSWORD})
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report == {"ok": True, "audit_entries": 2, "problems": [], "notes": []}


def test_user_errors_exit_1_with_one_clear_line(tmp_path: Path) -> None:
    path = tmp_path / "a.tidui"
    assert (
        run_cli(
            "init", str(path), "--company", "A", "--owner", "boss", env={"TIDUI_PASSWORD": PASSWORD}
        ).returncode
        == 0
    )
    out = run_cli("verify", str(path), env={"TIDUI_PASSWORD": "wrong"})
    assert out.returncode == 1
    assert out.stderr.strip() == "用户名或密码不正确。"
    out = run_cli("--lang", "en", "verify", str(path), env={"TIDUI_PASSWORD": "wrong"})
    assert out.stderr.strip() == "Wrong user name or password."
    # hr may not add users: a permission error from core
    run_cli(
        "user",
        "add",
        str(path),
        "--login",
        "hr1",
        "--role",
        "hr",
        env={"TIDUI_PASSWORD": PASSWORD, "TIDUI_NEW_PASSWORD": "hr-pass-123"},
    )
    out = run_cli(
        "user",
        "add",
        str(path),
        "--login",
        "x",
        "--role",
        "owner",
        "--user",
        "hr1",
        env={"TIDUI_PASSWORD": "hr-pass-123", "TIDUI_NEW_PASSWORD": "whatever-123"},
    )
    assert out.returncode == 1
    assert "权限不足" in out.stderr and out.stderr.count("\n") == 1
    out = run_cli("verify", str(tmp_path / "missing.tidui"), env={"TIDUI_PASSWORD": PASSWORD})
    assert out.returncode == 1 and "找不到" in out.stderr


def test_password_from_stdin(tmp_path: Path) -> None:
    path = tmp_path / "a.tidui"
    run_cli(
        "init", str(path), "--company", "A", "--owner", "boss", env={"TIDUI_PASSWORD": PASSWORD}
    )
    env = {k: v for k, v in os.environ.items() if k != "TIDUI_PASSWORD"}
    out = subprocess.run(
        [sys.executable, "-m", "core.cli.main", "verify", str(path), "--password-stdin"],
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
        env={**env, "TIDUI_TEST_FAST_KDF": "1"},
        timeout=120,
    )
    assert out.returncode == 0, out.stderr


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["verify"])
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        main(["no-such-command"])
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        main(["init", "x.tidui", "--company", "A", "--owner", "b", "--template", "bogus"])
    assert exc.value.code == 2


def test_backup_restore_and_recover(tmp_path: Path) -> None:
    path = tmp_path / "a.tidui"
    out = run_cli(
        "init",
        str(path),
        "--company",
        "A",
        "--owner",
        "boss",
        "--json",
        env={"TIDUI_PASSWORD": PASSWORD},
    )
    recovery = json.loads(out.stdout)["recovery_key"]
    out = run_cli(
        "backup",
        str(path),
        "--to",
        str(tmp_path / "bk"),
        "--json",
        env={"TIDUI_PASSWORD": PASSWORD},
    )
    assert out.returncode == 0, out.stderr
    backup = json.loads(out.stdout)["backup"]
    out = run_cli(
        "restore", backup, "--to", str(tmp_path / "b.tidui"), env={"TIDUI_PASSWORD": PASSWORD}
    )
    assert out.returncode == 0, out.stderr
    out = run_cli(
        "recover",
        str(path),
        "--owner",
        "boss",
        env={"TIDUI_RECOVERY_KEY": recovery, "TIDUI_NEW_PASSWORD": "reset-pass-1"},
    )
    assert out.returncode == 0, out.stderr
    assert run_cli("verify", str(path), env={"TIDUI_PASSWORD": "reset-pass-1"}).returncode == 0
    assert run_cli("verify", str(path), env={"TIDUI_PASSWORD": PASSWORD}).returncode == 1


def test_init_reads_the_owner_password_from_stdin(tmp_path: Path) -> None:
    path = tmp_path / "stdin.tidui"
    out = run_cli(
        "init", str(path), "--company", "悦颜", "--owner", "boss", "--password-stdin",
        stdin=PASSWORD + "\n",
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    out = run_cli("verify", str(path), "--password-stdin", stdin=PASSWORD + "\n")
    assert out.returncode == 0, out.stderr


def test_a_reader_that_goes_away_gets_no_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`tidui-cli … --json | grep -q` closes the pipe early: the CLI ends quietly (exit 0), it
    does not print a BrokenPipeError traceback (the frozen bundle's smoke test once did: the
    disk-full handler caught it first as an OSError and re-raised it)."""
    import contextlib
    import io

    path = tmp_path / "a.tidui"
    made = run_cli("init", str(path), "--company", "A", "--owner", "boss",
                   env={"TIDUI_PASSWORD": PASSWORD})  # fmt: skip
    assert made.returncode == 0, made.stderr
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before a byte is written
    stdout = io.TextIOWrapper(os.fdopen(write_end, "wb", buffering=0), write_through=True)
    monkeypatch.setattr(sys, "stdout", stdout)
    monkeypatch.setenv("TIDUI_PASSWORD", PASSWORD)
    monkeypatch.setenv("TIDUI_TEST_FAST_KDF", "1")
    try:
        assert main(["verify", str(path), "--user", "boss", "--json"]) == 0
    finally:
        monkeypatch.undo()
        with contextlib.suppress(OSError):
            stdout.close()
