"""The building blocks every Tidui PDF is made of (reportlab platypus, A4, the bundled CJK font).

One letterhead (company name and logo at the top of each page), one footer ("第 1 页 / 共 2 页",
counted after the whole document is laid out), paragraph styles that wrap Chinese text anywhere
(``wordWrap="CJK"``) so long names and comments never overflow a cell, tables whose cells are
paragraphs, signature lines, a seal area and small trend charts. Only text objects in the
embedded font are written, so ``pdftotext`` reads every report back and a PC without Chinese
fonts prints it the same.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from core.reports.fonts import MONO_FONT_NAME, register_cjk_font

if TYPE_CHECKING:
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Flowable

MM = 72 / 25.4  # reportlab's mm, without importing reportlab at module import time
PAGE_W, PAGE_H = 595.2755905511812, 841.8897637795277  # A4 in points
MARGIN_X = 18 * MM
MARGIN_TOP = 30 * MM  # room for the letterhead
MARGIN_BOTTOM = 20 * MM  # room for the footer
FRAME_W = PAGE_W - 2 * MARGIN_X

INK = "#1f2933"
MUTED = "#5f6b7a"
RULE = "#9aa5b1"
HEAD_BG = "#e8eef5"
OK = "#1b7f3b"
BAD = "#b42318"
ACCENT = "#2f5d8a"
MET, NOT_MET = "✓", "×"
CELL_SIZE = 8.5
# Characters the bundled font lacks, printed as the nearest one it has (it has ✓ but not ✗).
_STAND_INS = str.maketrans({"✗": "×", "✘": "×", "✔": "✓", "☐": "□", "☑": "✓"})


@dataclass(frozen=True)
class Letterhead:
    """What the top of every page shows: the company and its logo, and the document's name."""

    company: str
    logo: bytes | None = None
    document: str = ""


def text(value: Any) -> str:
    """Plain text made safe for a paragraph (no markup injected by a name or a comment)."""
    plain = "" if value is None else str(value).translate(_STAND_INS)
    return escape(plain).replace("\n", "<br/>")


# A run of Latin letters, digits and signs ("GMV≥¥60,000", "15%", "2024-06") is a word, not
# characters: reportlab's CJK wrapping breaks inside one when the run starts past the middle of
# the line ("连续6个月场均直播GMV≥¥6" / "0,000"); a number keeps its unit ("5月", "3次").
_TOKENS = re.compile(r"[^\s\u3000-\uffff]+[年月日天次个人元分]?|\s+|.", re.DOTALL)
# what may not begin a line (it hangs at the end of the one before), and what may not end one
_NO_START = set("、，。；：！？）」』】》%‰…·")
_NO_END = set("（「『【《")


def broken_lines(value: str, room: float, font: str, size: float) -> str:
    """``value`` with line breaks where it is to wrap in ``room`` points: between CJK characters
    and at spaces, never inside a number or a Latin word that fits on a line of its own."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    out: list[str] = []
    for paragraph in value.split("\n"):
        lines: list[str] = []
        line, used = "", 0.0
        for token in _TOKENS.findall(paragraph):
            width = stringWidth(token, font, size)
            if used + width <= room or not line or token in _NO_START:
                line, used = line + token, used + width
            elif token.isspace():
                lines.append(line)
                line, used = "", 0.0
            else:
                carried = ""
                while line and line[-1] in _NO_END:
                    carried, line = line[-1] + carried, line[:-1]
                lines.append(line.rstrip())
                line = carried + token
                used = stringWidth(line, font, size)
            while used > room and len(line) > 1:  # a word longer than the line: cut it
                cut = len(line)
                while cut > 1 and stringWidth(line[:cut], font, size) > room:
                    cut -= 1
                lines.append(line[:cut])
                line = line[cut:]
                used = stringWidth(line, font, size)
        lines.append(line)
        out.append("\n".join(lines))
    return "\n".join(out)


def date_text(day: date | None) -> str:
    return "" if day is None else f"{day.year}年{day.month}月{day.day}日"


def month_text(month: str | None) -> str:
    """ "2024-06" -> "2024年6月"."""
    if not month or len(month) < 7:
        return month or ""
    return f"{int(month[:4])}年{int(month[5:7])}月"


@cache
def styles() -> dict[str, ParagraphStyle]:
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle

    font = register_cjk_font()
    base = ParagraphStyle(
        "body",
        fontName=font,
        fontSize=9.5,
        leading=14,
        wordWrap="CJK",
        textColor=colors.HexColor(INK),
    )

    def derive(name: str, **kw: Any) -> ParagraphStyle:
        return ParagraphStyle(name, parent=base, **kw)

    return {
        "body": base,
        "small": derive("small", fontSize=8, leading=11),
        "cell": derive("cell", fontSize=8.5, leading=12),
        "cell_c": derive("cell_c", fontSize=8.5, leading=12, alignment=TA_CENTER),
        "cell_r": derive("cell_r", fontSize=8.5, leading=12, alignment=TA_RIGHT),
        "head": derive(
            "head", fontSize=8.5, leading=12, textColor=colors.HexColor(ACCENT), alignment=TA_CENTER
        ),
        "title": derive("title", fontSize=18, leading=26, alignment=TA_CENTER, spaceAfter=2 * MM),
        "subtitle": derive(
            "subtitle",
            fontSize=9.5,
            leading=14,
            alignment=TA_CENTER,
            textColor=colors.HexColor(MUTED),
            spaceAfter=4 * MM,
        ),
        "h2": derive(
            "h2",
            fontSize=11.5,
            leading=16,
            textColor=colors.HexColor(ACCENT),
            spaceBefore=4 * MM,
            spaceAfter=1.5 * MM,
        ),
        "letter": derive("letter", fontSize=12, leading=22, firstLineIndent=0),
        "notice": derive("notice", fontSize=11.5, leading=20),
        "right": derive("right", fontSize=11, leading=18, alignment=TA_RIGHT),
        "muted": derive("muted", fontSize=8.5, leading=12, textColor=colors.HexColor(MUTED)),
        "mono": derive("mono", fontName=MONO_FONT_NAME, fontSize=17, leading=26, wordWrap=None),
    }


def para(value: Any, style: str = "body", *, markup: bool = False) -> Flowable:
    from reportlab.platypus import Paragraph

    return Paragraph(str(value) if markup else text(value), styles()[style])


def mark(met: bool | None) -> Flowable:
    """✓ in green / ✗ in red (— for no verdict)."""
    if met is None:
        return para("—", "cell_c")
    colour = OK if met else BAD
    return para(f'<font color="{colour}">{MET if met else NOT_MET}</font>', "cell_c", markup=True)


def heading(value: str, room_mm: float = 28) -> list[Flowable]:
    """A section title, on a new page when less than ``room_mm`` is left below it (never a
    title alone at the foot of a page, never a page left blank to keep a long table whole)."""
    from reportlab.platypus import CondPageBreak

    return [CondPageBreak(room_mm * MM), para(value, "h2")]


def spacer(height_mm: float) -> Flowable:
    from reportlab.platypus import Spacer

    return Spacer(1, height_mm * MM)


def table(
    rows: Sequence[Sequence[Any]],
    widths_mm: Sequence[float],
    *,
    header: bool = True,
    zebra: bool = False,
    extra: Sequence[tuple[Any, ...]] = (),
) -> Flowable:
    """A grid whose cells wrap: a string that does not fit its column becomes a paragraph
    (wrapping anywhere, as Chinese does), a short one is drawn as it is (much cheaper: a report
    has a few hundred cells), flowables (a mark, a chart) stay.

    Scale ``widths_mm`` to the frame width so a table always fits the page; the header row
    repeats on the next page when a table flows over.
    """
    from reportlab.lib import colors
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.platypus import Flowable, Table, TableStyle

    font = register_cjk_font()
    total = sum(widths_mm) or 1.0
    widths = [w / total * FRAME_W for w in widths_mm]
    data: list[list[Any]] = []
    for r, row in enumerate(rows):
        cells: list[Any] = []
        for c, cell in enumerate(row):
            if isinstance(cell, (Flowable, list)):
                cells.append(cell)
                continue
            plain = "" if cell is None else str(cell).translate(_STAND_INS)
            # the paddings (7 pt) and a margin: a full-width "）" drawn up to the grid line read
            # as touching it
            room = (widths[c] if c < len(widths) else FRAME_W) - 11
            if "\n" not in plain and stringWidth(plain, font, CELL_SIZE) <= room:
                cells.append(plain)
            else:
                wrapped = broken_lines(plain, room, font, CELL_SIZE)
                cells.append(para(wrapped, "head" if header and r == 0 else "cell"))
        data.append(cells)
    style = [
        ("FONT", (0, 0), (-1, -1), font, CELL_SIZE),
        ("TEXTCOLOR", (0, 0), (-1, -1), colors.HexColor(INK)),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor(RULE)),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 3.5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3.5),
    ]
    if header:
        style += [
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(HEAD_BG)),
            ("TEXTCOLOR", (0, 0), (-1, 0), colors.HexColor(ACCENT)),
            ("ALIGN", (0, 0), (-1, 0), "CENTER"),
        ]
    if zebra:
        for r in range(1 if header else 0, len(data)):
            if r % 2 == 0:
                style.append(("BACKGROUND", (0, r), (-1, r), colors.HexColor("#f7f9fb")))
    style.extend(extra)
    found = Table(data, colWidths=widths, repeatRows=1 if header else 0, hAlign="LEFT")
    found.setStyle(TableStyle(style))
    return found


def fields(pairs: Sequence[tuple[str, Any]], columns: int = 2) -> Flowable:
    """Label / value pairs in ``columns`` pairs per row (the employee block)."""
    from reportlab.lib import colors

    rows: list[list[Any]] = []
    for i in range(0, len(pairs), columns):
        row: list[Any] = []
        for label, value in pairs[i : i + columns]:
            row.extend([label, value])
        while len(row) < 2 * columns:
            row.extend(["", ""])
        rows.append(row)
    widths = [26, 64] * columns  # labels such as 通道 / 现职级 on one line
    shading = [
        style
        for c in range(columns)
        for style in (
            ("BACKGROUND", (2 * c, 0), (2 * c, -1), colors.HexColor("#f3f6f9")),
            ("TEXTCOLOR", (2 * c, 0), (2 * c, -1), colors.HexColor(MUTED)),
        )
    ]
    return table(rows, widths, header=False, extra=shading)


def signatures(labels: Sequence[str]) -> Flowable:
    """One signing box per label: "被评估人  签字：______  日期：______"."""
    from reportlab.lib import colors

    cells = [
        [
            para(label, "cell"),
            spacer(9),
            para("签字：________________", "small"),
            spacer(2),
            para("日期：____年__月__日", "small"),
        ]
        for label in labels
    ]
    return table(
        [cells],
        [1] * len(labels),
        header=False,
        extra=[
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor(RULE)),
        ],
    )


def seal_block(company: str, day: date, signer: str = "总经理") -> Flowable:
    """The company name and date at the right, a dashed circle for the seal, a signature line."""
    from reportlab.graphics.shapes import Circle, String
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    font = register_cjk_font()
    size = 38 * MM
    seal = _drawing(size, size)
    circle = Circle(size / 2, size / 2, size / 2 - 2, fillColor=None)
    circle.strokeColor = colors.HexColor("#c0392b")
    circle.strokeDashArray = [3, 3]
    circle.strokeWidth = 0.8
    seal.add(circle)
    seal.add(
        String(
            size / 2,
            size / 2 - 4,
            "（公司盖章处）",
            fontName=font,
            fontSize=8.5,
            fillColor=colors.HexColor(MUTED),
            textAnchor="middle",
        )
    )
    right = [
        para(company, "right"),
        para(date_text(day), "right"),
        spacer(6),
        para(f"{signer}签字：________________", "right"),
    ]
    found = Table([[seal, right]], colWidths=[size + 8 * MM, FRAME_W - size - 8 * MM])
    found.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), font, 9),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("ALIGN", (0, 0), (0, 0), "LEFT"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    found.hAlign = "RIGHT"
    return found


def _drawing(width: float, height: float) -> Any:
    """A drawing whose text state starts in the embedded font (not Helvetica, never embedded)."""
    from reportlab.graphics.shapes import Drawing

    found = Drawing(width, height)
    found.initialFontName = register_cjk_font()
    found.initialFontSize = 8
    return found


def sparkline(
    values: Sequence[float | None],
    met: Sequence[bool | None] = (),
    width_mm: float = 26,
    height_mm: float = 9,
) -> Flowable:
    """A small trend line of one KPI over the window's months; missed months as red dots.

    ``width_mm`` is the most it takes: in a table cell it shrinks to the room the cell has
    inside its paddings (a fixed 26 mm ran past the 趋势 column's right border once the
    table was scaled to the page), so it fits whatever the number of months.
    """
    return _sparkline_type()(tuple(values), tuple(met), width_mm * MM, height_mm * MM)


@cache
def _sparkline_type() -> type:
    from reportlab.platypus import Flowable

    class Sparkline(Flowable):
        def __init__(
            self,
            values: tuple[float | None, ...],
            met: tuple[bool | None, ...],
            most: float,
            height: float,
        ) -> None:
            super().__init__()
            self.values, self.met, self.most = values, met, most
            self.width, self.height = most, height
            self.drawing = _sparkline_drawing(values, met, most, height)

        def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
            width = max(min(self.most, avail_width), 0.0)
            if width != self.width:
                self.width = width
                self.drawing = _sparkline_drawing(self.values, self.met, width, self.height)
            return self.width, self.height

        def draw(self) -> None:
            self.drawing.drawOn(self.canv, 0, 0)

    return Sparkline


def _sparkline_drawing(
    values: Sequence[float | None], met: Sequence[bool | None], w: float, h: float
) -> Any:
    """The trend line drawn in a ``w`` × ``h`` box, every point and dot inside it."""
    from reportlab.graphics.shapes import Circle, Line, PolyLine
    from reportlab.lib import colors

    drawing = _drawing(w, h)
    points = [(i, v) for i, v in enumerate(values) if v is not None]
    drawing.add(Line(0, 1.5, w, 1.5, strokeColor=colors.HexColor("#d5dbe1"), strokeWidth=0.4))
    if not points:
        return drawing
    low = min(v for _, v in points)
    high = max(v for _, v in points)
    # the scale spans at least a fifth of the values' size: six months printed 3.4% each
    # (3.36…3.44) were stretched over the whole box into a zig-zag of nothing
    least = 0.2 * max(abs(low), abs(high))
    if high - low < least:
        middle = (high + low) / 2
        low, high = middle - least / 2, middle + least / 2
    span = (high - low) or 1.0
    margin = min(3.0, w / 2)  # a dot's radius and a little air from the cell's edge
    step = (w - 2 * margin) / max(len(values) - 1, 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        y = h / 2 if high == low else 3 + (v - low) / span * (h - 6)
        return margin + i * step, y

    coords = [c for i, v in points for c in xy(i, v)]
    if len(points) > 1:
        drawing.add(
            PolyLine(coords, strokeColor=colors.HexColor(ACCENT), strokeWidth=1.1, fillColor=None)
        )
    for i, v in points:
        x, y = xy(i, v)
        ok = met[i] if i < len(met) else None
        colour = BAD if ok is False else ACCENT
        drawing.add(Circle(x, y, 1.4, fillColor=colors.HexColor(colour), strokeColor=None))
    return drawing


def _short(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _logo_image(logo: bytes | None) -> Any:
    if not logo:
        return None
    try:
        from reportlab.lib.utils import ImageReader

        return ImageReader(io.BytesIO(logo))
    except Exception:  # a broken logo must not stop the report: print without it
        return None


def _numbered_canvas(head: Letterhead) -> type:
    """A canvas that holds its pages until the end, then stamps "第 n 页 / 共 N 页" on each."""
    from reportlab.pdfgen import canvas

    font = register_cjk_font()
    logo = _logo_image(head.logo)

    class NumberedCanvas(canvas.Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs["initialFontName"] = font
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._decorate(total)
                super().showPage()
            super().save()

        def _decorate(self, total: int) -> None:
            from reportlab.lib import colors

            top = PAGE_H - 12 * MM
            x = MARGIN_X
            if logo is not None:
                iw, ih = logo.getSize()
                lh = 11 * MM
                lw = min(lh * iw / ih if ih else lh, 40 * MM)
                self.drawImage(
                    logo,
                    x,
                    top - lh + 2,
                    width=lw,
                    height=lh,
                    mask="auto",
                    preserveAspectRatio=True,
                )
                x += lw + 3 * MM
            from reportlab.pdfbase.pdfmetrics import stringWidth

            room = PAGE_W - MARGIN_X - x - 6 * MM
            if head.document:
                room -= stringWidth(head.document, font, 9)
            name = head.company
            while len(name) > 1 and stringWidth(name, font, 12) > room:
                name = name[:-2] + "…"
            self.setFillColor(colors.HexColor(INK))
            self.setFont(font, 12)
            self.drawString(x, top - 5 * MM, name)
            if head.document:
                self.setFont(font, 9)
                self.setFillColor(colors.HexColor(MUTED))
                self.drawRightString(PAGE_W - MARGIN_X, top - 5 * MM, head.document)
            self.setStrokeColor(colors.HexColor(RULE))
            self.setLineWidth(0.6)
            self.line(MARGIN_X, top - 8 * MM, PAGE_W - MARGIN_X, top - 8 * MM)
            self.line(MARGIN_X, 14 * MM, PAGE_W - MARGIN_X, 14 * MM)
            self.setFont(font, 8.5)
            self.setFillColor(colors.HexColor(MUTED))
            page = self._pageNumber
            self.drawCentredString(PAGE_W / 2, 9 * MM, f"第 {page} 页 / 共 {total} 页")
            self.drawString(MARGIN_X, 9 * MM, "Tidui 梯队")

    return NumberedCanvas


def build_pdf(
    story: Sequence[Flowable], head: Letterhead, *, title: str, subject: str = ""
) -> bytes:
    """Lay the story out on A4 pages under the letterhead and return the PDF's bytes."""
    from reportlab.platypus import SimpleDocTemplate

    register_cjk_font()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=(PAGE_W, PAGE_H),
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=title,
        author="Tidui 梯队",
        subject=subject,
        creator="Tidui 梯队",
        pageCompression=1,
        initialFontName=register_cjk_font(),
    )
    doc.build(list(story), canvasmaker=_numbered_canvas(head))
    return buf.getvalue()


Builder = Callable[[], bytes]
