"""The recovery sheet: a one-page PDF with the recovery key, to print and lock away.

Made of the same building blocks as every other Tidui document (core/reports/blocks.py): the
letterhead, the page footer, wrapping paragraphs in the embedded font, a signature line.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from core.reports import blocks as b
from core.storage.atomic import write_atomic

TITLE = "恢复密钥"
NOTES = (
    "请打印本页并锁在安全的地方。忘记老板密码时，用恢复密钥可以重新设置密码："
    "启动 Tidui → 打开档案 → “用恢复密钥打开”，或命令行 tidui-cli recover。",
    "恢复密钥就是数据文件的 SQLCipher 4 密钥：任何 SQLCipher 4 客户端都能用 "
    "PRAGMA key = \"x'<去掉连字符的 64 位十六进制>'\" 打开数据，数据永远不会被锁在 Tidui 里。",
    "任何拿到此密钥和数据文件的人都能读取全部数据，请勿拍照或通过聊天工具发送。",
    "Print this page and lock it away. If the owner password is lost, the recovery key sets a "
    "new one (Open file → 'Open with recovery key', or tidui-cli recover). It is the SQLCipher 4 "
    "key of the data file: any SQLCipher 4 client opens it with "
    "PRAGMA key = \"x'<the 64 hex digits>'\".",
    "Anyone holding this key and the file can read everything: never photograph or send it.",
)


def _key_box(recovery_key: str) -> Any:
    from reportlab.lib import colors

    groups = recovery_key.split("-")
    lines = ["-".join(groups[:4]) + ("-" if len(groups) > 4 else ""), "-".join(groups[4:])]
    cells = [
        [b.para("恢复密钥 Recovery key:", "body")],
        [b.para("\n".join(line for line in lines if line), "mono")],
    ]
    return b.table(
        cells,
        [1],
        header=False,
        extra=[
            ("GRID", (0, 0), (-1, -1), 0.4, colors.white),
            ("BOX", (0, 0), (-1, -1), 1.2, colors.black),
            ("LEFTPADDING", (0, 0), (-1, -1), 10),
            ("TOPPADDING", (0, 0), (-1, -1), 6),
            ("BOTTOMPADDING", (0, 1), (-1, 1), 10),
        ],
    )


def render_recovery_sheet(
    company: str, file_name: str, recovery_key: str, owner_login: str
) -> bytes:
    story: list[Any] = [
        b.para("Tidui 梯队 · 公司档案恢复密钥", "title"),
        b.para("Recovery key of a Tidui company file", "subtitle"),
        b.fields(
            [
                ("公司 Company", company),
                ("档案文件 File", file_name),
                ("老板账号 Owner login", owner_login),
                ("生成时间 Created", datetime.now().strftime("%Y-%m-%d %H:%M")),
            ],
            columns=1,
        ),
        b.spacer(6),
        _key_box(recovery_key),
        b.spacer(6),
    ]
    for note in NOTES:
        story += [b.para(note), b.spacer(1.5)]
    story += [
        b.spacer(14),
        b.para("保管人签字 Keeper's signature: ____________________    日期 Date: ____________"),
    ]
    head = b.Letterhead(company, None, "恢复密钥 Recovery key")
    return b.build_pdf(story, head, title=f"Tidui {TITLE} — {company}")


def save_recovery_sheet(
    path: Path, company: str, file_name: str, recovery_key: str, owner_login: str
) -> None:
    write_atomic(Path(path), render_recovery_sheet(company, file_name, recovery_key, owner_login))
