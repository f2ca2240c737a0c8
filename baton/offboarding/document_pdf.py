"""Typesetting for the offboarding documents: the CJK font, styles, tables and the page frame.

Chinese text uses reportlab's built-in CID font ``STSong-Light`` (no font file to ship; PDF
readers supply the glyphs). Every page carries a header line naming who generated the file,
when and for which case (the watermark, as on the customer exports) and a "page x of y" footer,
which needs the page count, so pages are buffered and stamped when the document is saved.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

FONT = "STSong-Light"
MONO = "Courier"
SHANGHAI = ZoneInfo("Asia/Shanghai")
PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 18 * mm
BODY_WIDTH = PAGE_WIDTH - 2 * MARGIN

if FONT not in pdfmetrics.getRegisteredFontNames():
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def _style(name: str, size: float, **extra: Any) -> ParagraphStyle:
    options: dict[str, Any] = {"leading": size * 1.45, "wordWrap": "CJK", **extra}
    return ParagraphStyle(name, fontName=FONT, fontSize=size, **options)


STYLES = {
    "title": _style("title", 18, alignment=1, spaceAfter=6 * mm),
    "heading": _style("heading", 12, spaceBefore=5 * mm, spaceAfter=2 * mm),
    "body": _style("body", 10),
    "prose": _style("prose", 12, firstLineIndent=24, leading=24, spaceBefore=4 * mm, spaceAfter=4 * mm),
    "right": _style("right", 12, alignment=2, leading=22),
    "cell": _style("cell", 8),
    "small": _style("small", 7.5, textColor=colors.HexColor("#444444")),
}


def text(value: Any, style: str = "body") -> Paragraph:
    """A paragraph of plain text (markup in user input is shown, never interpreted)."""
    return Paragraph(escape("" if value is None else str(value)).replace("\n", "<br/>"), STYLES[style])


def local(moment: dt.datetime | None, *, seconds: bool = False) -> str:
    """A stored UTC time as Asia/Shanghai wall-clock time."""
    if moment is None:
        return "—"
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def table(
    rows: Sequence[Sequence[Any]],
    widths: Sequence[float],
    *,
    header: bool = True,
    mono_columns: Sequence[int] = (),
) -> Table:
    """A ruled table; strings in cells become wrapping paragraphs except in ``mono_columns``
    (hashes, which must stay on one line so they can be compared character by character)."""
    cells = [
        [
            cell if not isinstance(cell, str) or col in mono_columns else text(cell, "cell")
            for col, cell in enumerate(row)
        ]
        for row in rows
    ]
    commands: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("FONTSIZE", (0, 0), (-1, -1), 8),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    for col in mono_columns:
        commands += [
            ("FONTNAME", (col, 1 if header else 0), (col, -1), MONO),
            ("FONTSIZE", (col, 0), (col, -1), 6.5),
        ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8EEF4")))
    result = Table(cells, colWidths=list(widths), repeatRows=1 if header else 0, hAlign="LEFT")
    result.setStyle(TableStyle(commands))
    return result


@dataclass(frozen=True)
class Frame:
    """What every page says besides its content: the watermark line and the page footer."""

    header: str
    footer: str
    page_label: str  # a format string with %(page)d and %(pages)d
    title: str
    author: str
    subject: str
    keywords: str


def _canvas_class(frame: Frame) -> type[Canvas]:
    class FramedCanvas(Canvas):
        """Buffers the pages, then stamps each with the frame once the page count is known."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._buffered: list[dict[str, Any]] = []

        def showPage(self) -> None:  # reportlab's name for "end this page"
            self._buffered.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            pages = len(self._buffered)
            for state in self._buffered:
                self.__dict__.update(state)
                self._stamp(pages)
                super().showPage()
            super().save()

        def _stamp(self, pages: int) -> None:
            self.saveState()
            self.setFont(FONT, 7.5)
            self.setFillColor(colors.HexColor("#C00000"))
            self.drawString(MARGIN, PAGE_HEIGHT - 11 * mm, frame.header)
            self.setFillColor(colors.HexColor("#444444"))
            self.drawString(MARGIN, 10 * mm, frame.footer)
            label = frame.page_label % {"page": self._pageNumber, "pages": pages}
            self.drawRightString(PAGE_WIDTH - MARGIN, 10 * mm, label)
            self.setStrokeColor(colors.HexColor("#BBBBBB"))
            self.line(MARGIN, PAGE_HEIGHT - 12.5 * mm, PAGE_WIDTH - MARGIN, PAGE_HEIGHT - 12.5 * mm)
            self.line(MARGIN, 13 * mm, PAGE_WIDTH - MARGIN, 13 * mm)
            self.restoreState()

    return FramedCanvas


def build_pdf(story: list[Any], frame: Frame) -> bytes:
    """Lay out ``story`` on A4 pages framed by ``frame``; the PDF's metadata names the author."""
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN + 4 * mm,
        bottomMargin=MARGIN + 2 * mm,
        title=frame.title,
        author=frame.author,
        subject=frame.subject,
        keywords=frame.keywords,
        creator="Baton",
    )
    doc.build(story, canvasmaker=_canvas_class(frame))
    return out.getvalue()
