"""A4 pages from a rich-text body: margins, a running header and footer, page numbers.

The body is a QTextDocument (HTML), laid out against the PDF writer so that
fonts measure as they print, and cut into pages of the body's height. Charts
come in as images (drawn at three times their printed size, so they stay
sharp). Everything is black on white: the reports must read the same when
printed in black and white, so nothing relies on colour.

A Chinese report is set in a CJK font found among those installed
(reports/fonts.py); with none, it is refused in words naming the package to
install, never printed as rows of empty boxes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt, QUrl
from PySide6.QtGui import (
    QFont,
    QGuiApplication,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
    QTextBlock,
    QTextCursor,
    QTextDocument,
    QTextFormat,
)

from sourcing_app.atomic import atomic_file
from sourcing_app.errors import CannotFinish
from sourcing_app.i18n import _
from sourcing_app.reports.fonts import CJK_FONTS, FONT_FAMILY, fix_copied_text, missing_font_message

DPI = 96  # CSS pixels: the HTML's widths mean what they say
MM = DPI / 25.4
PAGE_WIDTH = round(210 * MM)
PAGE_HEIGHT = round(297 * MM)
MARGIN_X = round(16 * MM)
MARGIN_TOP = round(22 * MM)  # the running header sits in the top margin
MARGIN_BOTTOM = round(20 * MM)  # the footer in the bottom one
BODY_WIDTH = PAGE_WIDTH - 2 * MARGIN_X
BODY_HEIGHT = PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
STYLE = """
body { color: #000; }
h1 { font-size: 17pt; font-weight: bold; margin: 0 0 2px 0; }
h2 { font-size: 12pt; font-weight: bold; margin: 14px 0 4px 0;
     border-bottom: 1px solid #000; }
h3 { font-size: 10pt; font-weight: bold; margin: 10px 0 3px 0; }
p { margin: 2px 0 4px 0; }
.sub { font-size: 9pt; color: #333; }
.note { font-size: 7.5pt; color: #333; }
.big { font-size: 13pt; font-weight: bold; }
table.grid { border-collapse: collapse; }
table.grid th { font-weight: bold; background: #e6e6e6; border: 1px solid #555;
                padding: 3px; text-align: left; }
table.grid td { border: 1px solid #999; padding: 3px; vertical-align: top; }
td.num, th.num { text-align: right; }
td.total { font-weight: bold; border-top: 2px solid #000; }
"""


def ensure_gui() -> None:
    """Qt's fonts and PDF writer need a QGuiApplication; a headless CLI runs offscreen."""
    if QGuiApplication.instance() is not None:
        return
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    global _APP
    _APP = QGuiApplication(["sourcing-app"])


_APP: QGuiApplication | None = None


@dataclass
class Report:
    """What goes on the pages: the running header and footer, the body, its images."""

    title: str  # the PDF's title, and the header's left side
    header_right: str
    footer_left: str
    body_html: str
    images: dict[str, QImage] = field(default_factory=dict)
    # From report_font: None means no installed font has the report's glyphs.
    font_family: str | None = FONT_FAMILY
    fonts_looked_for: tuple[str, ...] = CJK_FONTS


def write_pdf(report: Report, path: str | Path) -> int:
    """Lay the report out on A4 pages and write it to `path`; returns the page count.

    Written to a temporary file beside `path` and moved into place, so a
    failure never leaves half a PDF (nor spoils an older one).
    """
    ensure_gui()
    if report.font_family is None:
        raise CannotFinish(missing_font_message(report.fonts_looked_for))
    path = Path(path)
    if not path.parent.is_dir():
        raise CannotFinish(_("the folder {folder} does not exist").format(folder=path.parent))
    with atomic_file(path) as temporary:
        pages = _paint(report, str(temporary))
        if report.font_family != FONT_FAMILY:
            fix_copied_text(temporary, report.font_family)
    return pages


def _paint(report: Report, filename: str) -> int:
    writer = QPdfWriter(filename)
    writer.setResolution(DPI)
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(0, 0, 0, 0),
        )
    )
    writer.setTitle(report.title)
    writer.setCreator(_("Sourcing desk"))

    document = QTextDocument()
    document.documentLayout().setPaintDevice(writer)
    family = report.font_family or FONT_FAMILY
    document.setDefaultFont(body_font(9, family))
    document.setDefaultStyleSheet(STYLE)
    document.setDocumentMargin(0)
    for name, image in report.images.items():
        document.addResource(QTextDocument.ResourceType.ImageResource, QUrl(name), image)
    document.setHtml(report.body_html)
    document.setPageSize(QSizeF(BODY_WIDTH, BODY_HEIGHT))
    _keep_headings_with_what_follows(document)
    pages = max(1, document.pageCount())

    painter = QPainter()
    if not painter.begin(writer):
        raise CannotFinish(
            _("the PDF could not be opened for writing in the folder {folder}").format(
                folder=Path(filename).parent
            )
        )
    try:
        for page in range(pages):
            if page:
                writer.newPage()
            _header_and_footer(painter, report, family, page + 1, pages)
            painter.save()
            painter.translate(MARGIN_X, MARGIN_TOP - page * BODY_HEIGHT)
            document.drawContents(painter, QRectF(0, page * BODY_HEIGHT, BODY_WIDTH, BODY_HEIGHT))
            painter.restore()
    finally:
        painter.end()
    return pages


def _keep_headings_with_what_follows(document: QTextDocument) -> None:
    """A heading that would end a page starts the next one, with what it heads.

    What it heads is the block after it, or the one after that when the next is
    a one-line note (the sentence under "Price and delivery history" before its
    chart, say). Qt's layout has no keep-with-next of its own.
    """
    layout = document.documentLayout()

    def page_of(block: QTextBlock) -> int:
        top = layout.blockBoundingRect(block).top()
        if block.layout().lineCount():
            top += block.layout().lineAt(0).y()
        return int(top // BODY_HEIGHT)

    def one_line_note(block: QTextBlock) -> bool:
        return (
            block.blockFormat().headingLevel() == 0
            and QTextCursor(block).currentTable() is None
            and block.layout().lineCount() == 1
            and block.next().isValid()
        )

    block = document.begin()
    while block.isValid():
        if block.blockFormat().headingLevel() > 0 and block.next().isValid():
            headed = block.next()
            if one_line_note(headed):
                headed = headed.next()
            if page_of(headed) > page_of(block):
                keep = block.blockFormat()
                keep.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
                QTextCursor(block).setBlockFormat(keep)
                # Lay out afresh: after an edit, what follows keeps stale positions.
                document.markContentsDirty(0, document.characterCount())
        block = block.next()


def body_font(points: float, family: str = FONT_FAMILY) -> QFont:
    font = QFont(family)
    font.setPointSizeF(points)
    # No "fi" ligatures: text copied out of the PDF (or searched) reads as typed.
    font.setFeature(QFont.Tag("liga"), 0)
    if family != FONT_FAMILY:
        # Noto Sans CJK's localized forms swap the digits for glyphs that Qt's PDF
        # writer cannot map back to characters: the figures would print but vanish
        # when copied or searched. An SC font's own forms are the Simplified ones.
        font.setFeature(QFont.Tag("locl"), 0)
    return font


def _header_and_footer(
    painter: QPainter, report: Report, family: str, page: int, pages: int
) -> None:
    painter.save()
    painter.setPen(QPen(Qt.GlobalColor.black, 0.8))
    small = body_font(7, family)
    painter.setFont(small)
    top = round(10 * MM)
    header = QRectF(MARGIN_X, top, BODY_WIDTH, 14)
    right_width = painter.fontMetrics().horizontalAdvance(report.header_right)
    title = painter.fontMetrics().elidedText(
        report.title, Qt.TextElideMode.ElideRight, round(BODY_WIDTH - right_width - 24)
    )
    painter.drawText(header, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, title)
    painter.drawText(
        header, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, report.header_right
    )
    line_y = top + 17
    painter.drawLine(MARGIN_X, line_y, MARGIN_X + BODY_WIDTH, line_y)
    bottom = PAGE_HEIGHT - round(12 * MM)
    painter.drawLine(MARGIN_X, bottom - 4, MARGIN_X + BODY_WIDTH, bottom - 4)
    footer = QRectF(MARGIN_X, bottom, BODY_WIDTH, 14)
    left = painter.fontMetrics().elidedText(
        report.footer_left, Qt.TextElideMode.ElideMiddle, round(BODY_WIDTH - 90)
    )
    painter.drawText(footer, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, left)
    painter.drawText(
        footer,
        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
        _("Page {page} of {pages}").format(page=page, pages=pages),
    )
    painter.restore()


# --- small HTML helpers ---------------------------------------------------------------


def table(
    headers: list[str],
    rows: list[list[str]],
    *,
    numeric: set[int] | None = None,
    widths: list[int] | None = None,
    total_rows: set[int] | None = None,
    font_pt: float | None = None,
) -> str:
    """An HTML table; cells are already-escaped HTML. `numeric` columns align right."""
    numeric = numeric or set()
    total_rows = total_rows or set()
    size = f' style="font-size: {font_pt:g}pt"' if font_pt else ""
    parts = [f'<table class="grid" width="100%" cellspacing="0" cellpadding="3"{size}><thead><tr>']
    for index, name in enumerate(headers):
        width = f' width="{widths[index]}%"' if widths else ""
        cls = ' class="num"' if index in numeric else ""
        parts.append(f"<th{cls}{width}>{name}</th>")
    parts.append("</tr></thead><tbody>")
    for row_index, row in enumerate(rows):
        parts.append("<tr>")
        for index, cell in enumerate(row):
            classes = []
            if index in numeric:
                classes.append("num")
            if row_index in total_rows:
                classes.append("total")
            cls = f' class="{" ".join(classes)}"' if classes else ""
            parts.append(f"<td{cls}>{cell}</td>")
        parts.append("</tr>")
    parts.append("</tbody></table>")
    return "".join(parts)


def text(value: object) -> str:
    return escape(str(value))
