"""A printed request laid out page by page: every page says whose it is, and a note is never cut in two.

QTextDocument.print_() paginates by itself but has no running header, and it breaks pages inside a table row,
so a long note could start on one page and end on the next without the patient's name on it (issue 24). Here the
document is laid out at the printer's resolution, each page break is moved up to the top of any paragraph it would
cut, and every page gets the patient's name, date of birth, reference and "page n of m".
"""

from __future__ import annotations

from kiosk.qt import QFont, QPainter, QPrinter, QRect, Qt, QTextDocument

from kiosk.domain.reference import format_reference
from kiosk.services.casework import CaseDetail

_RUNNING_POINTS = 8  # the header and footer lines: small, but on every page
_HEADINGS = ("When", "Who", "What")  # the history table's columns (print_request._history)


def running_header(detail: CaseDetail) -> str:
    """Who the page is about, on every page: name, date of birth, reference."""
    contact = detail.request.contact
    born = contact.date_of_birth
    return (
        f"{contact.first_name} {contact.last_name} · born {born.day} {born:%B %Y} · "
        f"reference {format_reference(detail.reference)}"
    )


def history_heading(document: QTextDocument) -> tuple[float, float] | None:
    """Where the history table's heading row (When, Who, What) lies in the laid-out document, or None.

    Found by its three cells in a row: the printout's HTML loses its class names inside QTextDocument.
    """
    layout = document.documentLayout()
    block = document.firstBlock()
    while block.isValid():
        cells = [block, block.next(), block.next().next()]
        if all(cell.isValid() for cell in cells) and [cell.text() for cell in cells] == list(_HEADINGS):
            after = cells[-1].next()  # the first event's row starts where the heading row ends, its padding in
            top = layout.blockBoundingRect(block).top()
            bottom = layout.blockBoundingRect(after if after.isValid() else cells[-1]).top()
            return (top, bottom) if bottom > top else None
        block = block.next()
    return None


def page_breaks(document: QTextDocument, page_height: float, later_height: float | None = None) -> list[float]:
    """Where each page starts in the laid-out document (the first is 0), never inside a paragraph.

    Pages after the first hold `later_height` of the document (the room left under a repeated heading), or
    `page_height`. A paragraph taller than a whole page is the one thing still cut, where the page is full.
    """
    layout = document.documentLayout()
    spans: list[tuple[float, float]] = []
    block = document.firstBlock()  # every paragraph, those inside table cells (the history's notes) too
    while block.isValid():
        rect = layout.blockBoundingRect(block)
        spans.append((rect.top(), rect.bottom()))
        block = block.next()
    total = layout.documentSize().height()
    starts = [0.0]
    while total - starts[-1] > (page_height if len(starts) == 1 else later_height or page_height):
        limit = starts[-1] + (page_height if len(starts) == 1 else later_height or page_height)
        cut = [top for top, bottom in spans if top < limit < bottom and top > starts[-1]]
        starts.append(min(cut) if cut else limit)
    return starts


def print_pages(document: QTextDocument, detail: CaseDetail, printer: QPrinter, printed: str) -> int:
    """Paint the document on `printer`, page by page with the running header and footer; the page count."""
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError("The printer or file could not be opened for writing")
    try:
        page = printer.pageRect(QPrinter.Unit.DevicePixel)
        small = QFont(document.defaultFont())
        small.setPointSize(_RUNNING_POINTS)
        painter.setFont(small)
        line = painter.fontMetrics().height()
        band = int(line * 2.2)  # a header line above the body and a footer line below it, with air
        width, body = page.width(), page.height() - 2 * band
        document.documentLayout().setPaintDevice(printer)  # laid out in the printer's own units
        document.setTextWidth(width)
        heading = history_heading(document)
        # A page that starts inside the history repeats its heading row, so each column still says what it holds.
        heading_height = heading[1] - heading[0] if heading is not None else 0.0
        starts = page_breaks(document, body, body - heading_height)
        ends = [*starts[1:], document.documentLayout().documentSize().height()]
        header = running_header(detail)
        for number, (top, bottom) in enumerate(zip(starts, ends, strict=True), start=1):
            if number > 1:
                printer.newPage()
            painter.save()
            painter.setFont(small)
            painter.drawText(QRect(0, 0, int(width), line), Qt.AlignmentFlag.AlignLeft, header)
            footer = QRect(0, int(page.height() - line), int(width), line)
            painter.drawText(footer, Qt.AlignmentFlag.AlignLeft, printed)
            painter.drawText(footer, Qt.AlignmentFlag.AlignRight, f"Page {number} of {len(starts)}")
            shift = 0.0
            if heading is not None and number > 1 and top > heading[0]:
                painter.save()
                painter.translate(0, band - heading[0])
                document.drawContents(painter, QRect(0, int(heading[0]), int(width), int(heading_height)))
                painter.restore()
                shift = heading_height
            painter.translate(0, band + shift - top)
            # Only this page's slice: a paragraph moved to the next page is not also drawn at this page's foot.
            document.drawContents(painter, QRect(0, int(top), int(width), int(bottom - top)))
            painter.restore()
        return len(starts)
    finally:
        painter.end()
