"""The recovery sheet: a one-page PDF with the recovery key, to print and lock away."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

from core.reports.fonts import MONO_FONT_NAME, register_cjk_font
from core.storage.atomic import write_atomic


def render_recovery_sheet(
    company: str, file_name: str, recovery_key: str, owner_login: str
) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    font = register_cjk_font()
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=A4, pageCompression=1, initialFontName=font)
    pdf.setTitle(f"Tidui 恢复密钥 — {company}")
    pdf.setAuthor("Tidui 梯队")
    width, height = A4
    x = 25 * mm
    y = height - 30 * mm
    pdf.setFont(font, 20)
    pdf.drawString(x, y, "Tidui 梯队 · 公司档案恢复密钥")
    y -= 9 * mm
    pdf.setFont(font, 11)
    pdf.drawString(x, y, "Recovery key of a Tidui company file")
    y -= 14 * mm
    rows = [
        ("公司 Company", company),
        ("档案文件 File", file_name),
        ("老板账号 Owner login", owner_login),
        ("生成时间 Created", datetime.now().strftime("%Y-%m-%d %H:%M")),
    ]
    for label, value in rows:
        pdf.setFont(font, 11)
        pdf.drawString(x, y, label)
        pdf.drawString(x + 48 * mm, y, value)
        y -= 8 * mm
    y -= 6 * mm
    pdf.setLineWidth(1.2)
    pdf.rect(x - 4 * mm, y - 24 * mm, width - 2 * x + 8 * mm, 30 * mm)
    pdf.setFont(font, 11)
    pdf.drawString(x, y, "恢复密钥 Recovery key:")
    groups = recovery_key.split("-")
    pdf.setFont(MONO_FONT_NAME, 17)
    pdf.drawString(x, y - 10 * mm, "-".join(groups[:4]) + "-")
    pdf.drawString(x, y - 18 * mm, "-".join(groups[4:]))
    y -= 40 * mm
    notes = [
        "请打印本页并锁在安全的地方。忘记老板密码时，用恢复密钥可以重新设置密码：",
        "启动 Tidui → 打开档案 → “用恢复密钥打开”，或命令行 tidui-cli recover。",
        "恢复密钥就是数据文件的 SQLCipher 4 密钥：任何 SQLCipher 4 客户端都能用",
        "PRAGMA key = \"x'<去掉连字符的 64 位十六进制>'\" 打开数据，数据永远不会被锁在 Tidui 里。",
        "任何拿到此密钥和数据文件的人都能读取全部数据，请勿拍照或通过聊天工具发送。",
        "",
        "Print this page and lock it away. If the owner password is lost, the recovery key sets",
        "a new one (Open file → 'Open with recovery key'). It is the SQLCipher 4 key of the data",
        "file: any SQLCipher 4 client opens it with PRAGMA key = \"x'<the 64 hex digits>'\".",
        "Anyone holding this key and the file can read everything: never photograph or send it.",
    ]
    pdf.setFont(font, 10)
    for line in notes:
        pdf.drawString(x, y, line)
        y -= 6.5 * mm
    pdf.setFont(font, 10)
    pdf.drawString(
        x, 30 * mm, "保管人签字 Keeper's signature: ____________________    日期 Date: ____________"
    )
    pdf.showPage()
    pdf.save()
    return buf.getvalue()


def save_recovery_sheet(
    path: Path, company: str, file_name: str, recovery_key: str, owner_login: str
) -> None:
    write_atomic(Path(path), render_recovery_sheet(company, file_name, recovery_key, owner_login))
