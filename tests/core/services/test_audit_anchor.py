"""The audit log's tail cannot be cut unnoticed: its head is anchored outside the data file.

Each case tampers with the closed file the way someone holding the file key in an SQLCipher
client could, then checks what the owner sees: ``verify`` fails with a sentence that says what
happened, and the log-in itself carries the same warning (the GUI shows it, the CLI prints it).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlcipher3

from core.services.admin import auth, maintenance, users
from core.services.admin import company as company_service
from core.session import AppSession
from core.storage.anchor import anchor_path
from tests.conftest import OWNER, OWNER_PASSWORD, make_company


def _three_changes(tmp_path: Path) -> tuple[Path, str]:
    app, recovery = make_company(tmp_path)
    users.add_user(app, "hr1", "小王", "hr", "hr-pass-123")
    company_service.update_info(app, "悦颜美妆有限公司", "CNY", "zh")
    users.add_user(app, "hr2", "小李", "hr", "hr-pass-123")
    path = app.file.path
    app.close(backup=False)
    return path, recovery


def _sql(path: Path, recovery: str, *statements: str) -> None:
    con = sqlcipher3.connect(str(path))
    con.execute(f"PRAGMA key = \"x'{recovery.replace('-', '')}'\"")
    for statement in statements:
        con.execute(statement)
    con.commit()
    con.close()


def _problems(path: Path) -> tuple[list[str], list[str]]:
    """(warnings at log-in, verify's problems), in Chinese."""
    app = auth.log_in(path, OWNER, OWNER_PASSWORD)
    try:
        return [w.text("zh") for w in app.warnings], [
            m.text("zh") for m in maintenance.verify(app).problems
        ]
    finally:
        app.close(backup=False)


def test_untouched_file_verifies_and_logs_in_without_warning(tmp_path: Path) -> None:
    path, _ = _three_changes(tmp_path)
    assert anchor_path(path).exists()
    warnings, problems = _problems(path)
    assert warnings == [] and problems == []


@pytest.mark.parametrize("cut", [1, 2, 4])
def test_deleting_the_newest_entries_is_detected(tmp_path: Path, cut: int) -> None:
    path, recovery = _three_changes(tmp_path)
    _sql(
        path,
        recovery,
        f"DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log ORDER BY id DESC LIMIT {cut})",
    )
    warnings, problems = _problems(path)
    assert any(f"末尾少了 {cut} 条" in w for w in warnings), warnings
    assert any(f"末尾少了 {cut} 条" in p for p in problems), problems


def test_cut_tail_stays_reported_after_more_work(tmp_path: Path) -> None:
    """New changes after a cut must not bless the cut log (the evidence stays)."""
    path, recovery = _three_changes(tmp_path)
    _sql(path, recovery, "DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)")
    app = auth.log_in(path, OWNER, OWNER_PASSWORD)
    users.add_user(app, "hr3", "小张", "hr", "hr-pass-123")
    app.close(backup=False)
    warnings, problems = _problems(path)
    assert warnings and problems


def test_rehashed_chain_after_an_edit_is_detected(tmp_path: Path) -> None:
    """Edit entry 2 and recompute every hash after it: the chain links, the anchor does not."""
    path, recovery = _three_changes(tmp_path)
    con = sqlcipher3.connect(str(path))
    con.execute(f"PRAGMA key = \"x'{recovery.replace('-', '')}'\"")
    rows = con.execute(
        "SELECT id, at, actor, action, entity, entity_id, before, after FROM audit_log ORDER BY id"
    ).fetchall()
    from datetime import UTC, datetime

    from core.session import GENESIS_HASH, entry_hash

    prev = GENESIS_HASH
    for id_, at, actor, action, entity, entity_id, before, after in rows:
        after_j = json.loads(after) if after else None
        if id_ == 2 and after_j is not None:
            after_j["role"] = "owner"
        when = datetime.fromisoformat(at).replace(tzinfo=UTC)
        before_j = json.loads(before) if before else None
        digest = entry_hash(prev, when, actor, action, entity, entity_id, before_j, after_j)
        con.execute(
            "UPDATE audit_log SET after = ?, prev_hash = ?, hash = ? WHERE id = ?",
            (json.dumps(after_j, ensure_ascii=False) if after_j else None, prev, digest, id_),
        )
        prev = digest
    con.commit()
    con.close()
    warnings, problems = _problems(path)
    assert not any("被改动" in p or "断开" in p for p in problems), "the re-hash must link up"
    assert any("改写" in p for p in problems), problems
    assert any("改写" in w for w in warnings), warnings


def test_appended_forged_entry_is_detected(tmp_path: Path) -> None:
    path, recovery = _three_changes(tmp_path)
    con = sqlcipher3.connect(str(path))
    con.execute(f"PRAGMA key = \"x'{recovery.replace('-', '')}'\"")
    last = con.execute("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()[0]
    from datetime import UTC, datetime

    from core.session import entry_hash

    now = datetime.now(UTC)
    digest = entry_hash(last, now, OWNER, "user.add", "user", "9", None, {"login": "ghost"})
    con.execute(
        "INSERT INTO audit_log (at, actor, action, entity, entity_id, before, after, prev_hash,"
        " hash) VALUES (?, ?, 'user.add', 'user', '9', NULL, ?, ?, ?)",
        (
            now.replace(tzinfo=None).isoformat(sep=" "),
            OWNER,
            json.dumps({"login": "ghost"}),
            last,
            digest,
        ),
    )
    con.commit()
    con.close()
    _warnings, problems = _problems(path)
    assert any("不是由 Tidui 写入" in p for p in problems), problems


def test_deleted_or_edited_anchor_file_is_reported(tmp_path: Path) -> None:
    path, _ = _three_changes(tmp_path)
    good = anchor_path(path).read_bytes()
    data = json.loads(good)
    data["head"]["count"] -= 1
    anchor_path(path).write_text(json.dumps(data), encoding="utf-8")
    warnings, problems = _problems(path)
    assert any("改动过" in w for w in warnings) and problems
    anchor_path(path).unlink()
    warnings, problems = _problems(path)
    assert any("不见了" in w for w in warnings) and problems


def test_a_crash_between_commit_and_anchor_is_not_tampering(company: AppSession) -> None:
    """Killed after the commit, before the anchor's second write: the two-head anchor still
    matches, and the next open settles it."""
    path = company.file.path
    with company.uow() as uow:
        uow.audit("company.update", "company", 1, after={"name": "x"})
        assert company.file.stage_anchor(uow.session) is not None
        uow.session.commit()  # ... and the process dies here
    company.close(backup=False)
    assert json.loads(anchor_path(path).read_bytes())["next"] is not None
    warnings, problems = _problems(path)
    assert warnings == [] and problems == []
    assert json.loads(anchor_path(path).read_bytes())["next"] is None


def test_anchor_survives_disable_rekey_and_backup_restore(tmp_path: Path) -> None:
    path, _ = _three_changes(tmp_path)
    app = auth.log_in(path, OWNER, OWNER_PASSWORD)
    users.set_disabled(app, "hr2", True)  # re-keys the file: the anchor's MAC key changes
    assert maintenance.verify(app).ok, maintenance.verify(app).problems
    made = app.file.backup()
    app.close(backup=False)
    restored = tmp_path / "restored.tidui"
    maintenance.restore(made, restored, OWNER, OWNER_PASSWORD)
    assert anchor_path(restored).exists()
    warnings, problems = _problems(restored)
    assert warnings == [] and problems == []


def test_cli_verify_and_any_command_say_so_in_chinese(tmp_path: Path) -> None:
    path, recovery = _three_changes(tmp_path)
    _sql(path, recovery, "DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)")
    env = {
        **os.environ,
        "TIDUI_TEST_FAST_KDF": "1",
        "TIDUI_PASSWORD": OWNER_PASSWORD,
    }
    out = subprocess.run(
        [sys.executable, "-m", "core.cli.main", "--lang", "zh", "verify", str(path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert out.returncode == 1
    assert "审计日志末尾少了 1 条记录" in out.stderr
    assert "Traceback" not in out.stderr


def _with_an_older_backup(tmp_path: Path, rekey: bool = False) -> tuple[Path, Path]:
    """A backup after the first change, then two (or, with ``rekey``, three) more changes."""
    app, _ = make_company(tmp_path)
    users.add_user(app, "hr1", "小王", "hr", "hr-pass-123")
    made = app.file.backup(tmp_path / "usb")
    company_service.update_info(app, "悦颜美妆有限公司", "CNY", "zh")
    users.add_user(app, "hr2", "小李", "hr", "hr-pass-123")
    if rekey:
        users.set_disabled(app, "hr1", True)  # a new file key: the old copy cannot check the MAC
    path = app.file.path
    app.close(backup=False)
    return path, made


def _put_back_by_hand(backup: Path, path: Path) -> None:
    """What someone does outside Tidui: unzip the old data and key file over the current pair
    (the anchor file beside them is left as it is)."""
    import zipfile

    with zipfile.ZipFile(backup) as zf:
        path.write_bytes(zf.read("data.tidui"))
        Path(f"{path}.keys").write_bytes(zf.read("data.tidui.keys"))


def test_an_older_copy_put_back_is_named_a_rollback_not_a_cut(tmp_path: Path) -> None:
    path, made = _with_an_older_backup(tmp_path)
    _put_back_by_hand(made, path)
    warnings, problems = _problems(path)
    for said in (warnings, problems):
        assert len(said) == 1, said
        assert "被换成了它自己的一个旧副本" in said[0], said
        assert "第 2 条审计记录" in said[0] and "第 4 条" in said[0], said
        assert "这之间的 2 项操作都不在文件里" in said[0], said
        assert "末尾少了" not in said[0]
    # more work does not bless the old copy; putting the backup back through Tidui does
    app = auth.log_in(path, OWNER, OWNER_PASSWORD)
    users.add_user(app, "hr3", "小张", "hr", "hr-pass-123")
    app.close(backup=False)
    assert _problems(path)[1]
    maintenance.restore(made, path, OWNER, OWNER_PASSWORD)
    assert _problems(path) == ([], [])


def test_an_older_copy_from_before_a_rekey_is_named_a_probable_rollback(tmp_path: Path) -> None:
    """The old pair opens under its old key, which cannot check the newer anchor's MAC."""
    path, made = _with_an_older_backup(tmp_path, rekey=True)
    _put_back_by_hand(made, path)
    warnings, problems = _problems(path)
    for said in (warnings, problems):
        assert len(said) == 1, said
        assert "重新加密之前的旧副本" in said[0] and "少了 3 项操作" in said[0], said


def test_a_cut_tail_is_still_a_cut_when_the_count_is_recorded(tmp_path: Path) -> None:
    """The data file's own count names more entries than its chain: deleted, not rolled back."""
    path, recovery = _three_changes(tmp_path)
    _sql(path, recovery, "DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)")
    warnings, _problems_found = _problems(path)
    assert any("末尾少了 1 条" in w for w in warnings) and not any("旧副本" in w for w in warnings)


def test_an_anchor_written_before_heads_carried_their_time_still_checks(tmp_path: Path) -> None:
    """Anchor format 1 (no "at"): read as before, rewritten as format 2 by the next change."""
    from core.storage import anchor as anchors

    path, recovery = _three_changes(tmp_path)
    key = bytes.fromhex(recovery.replace("-", ""))
    current = json.loads(anchor_path(path).read_bytes())
    head = {k: current["head"][k] for k in ("count", "last_id", "hash")}
    body = {
        "format": "tidui-audit-anchor",
        "version": 1,
        "file_id": current["file_id"],
        "head": head,
        "next": None,
    }
    body["mac"] = anchors._mac(key, body)
    anchor_path(path).write_text(json.dumps(body), encoding="utf-8")
    assert _problems(path) == ([], [])
    app = auth.log_in(path, OWNER, OWNER_PASSWORD)
    users.add_user(app, "hr3", "小张", "hr", "hr-pass-123")
    app.close(backup=False)
    assert json.loads(anchor_path(path).read_bytes())["version"] == 2
    assert _problems(path) == ([], [])


def test_a_rollback_under_an_anchor_without_times_says_the_time_is_unknown() -> None:
    from core.services.admin.audit import _finding_message
    from core.storage.anchor import Finding

    said = _finding_message(Finding("rolled_back", 4, 2, "2026-12-01 02:02:00", ""), "c.tidui")
    assert said is not None
    assert "已到 时间不详（第 4 条）" in said.text("zh"), said.text("zh")
    assert "reached an unknown time" in said.text("en")
