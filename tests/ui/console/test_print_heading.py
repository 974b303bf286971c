"""A long printout: every page after the first that continues the history repeats its When / Who / What heading,
and the pages keep inside the margins printers can reach (issue 24, part 5)."""

from __future__ import annotations

import pytest

from kiosk.qt import QPageLayout

from kiosk.domain.staff import Actor, Role
from kiosk.services.casework import add_note, open_case
from kiosk.services.requests import submit_request
from kiosk.storage.database import Database
from kiosk.ui.console import print_request
from kiosk.ui.console.print_pages import history_heading, page_breaks
from kiosk.ui.console.print_request import PAGE_MARGIN_MM, request_document
from tests.services import factories

DESK = Actor("rita", Role.RECEPTION, "front-desk-1", "Rita")
PAGE = 700.0

pytestmark = pytest.mark.usefixtures("qapp")


def test_pages_after_the_first_leave_room_for_the_history_heading(database: Database) -> None:
    request = factories.appointment()
    submit_request(database, request, "kiosk-1")
    request_id = str(request.request_id)
    for number in range(40):
        add_note(database, request_id, f"Call {number}: " + "left a message about the booking; " * 5, actor=DESK)
    document = request_document(open_case(database, request_id, DESK), "Ascent Pain & Spine")
    document.setTextWidth(500)

    heading = history_heading(document)
    assert heading is not None
    top, bottom = heading
    block = document.findBlock(0)
    while block.isValid() and block.text() != "When":
        block = block.next()
    assert document.documentLayout().blockBoundingRect(block).top() == top
    assert 0 < bottom - top < 60  # one line of the heading, not the table

    starts = page_breaks(document, PAGE, PAGE - (bottom - top))
    ends = [*starts[1:], document.documentLayout().documentSize().height()]
    assert len(starts) >= 3
    assert ends[0] - starts[0] <= PAGE
    for start, end in zip(starts[1:], ends[1:], strict=True):
        assert start > top  # these pages continue the history, so print_pages repeats its heading on them
        assert end - start <= PAGE - (bottom - top)  # and what follows the heading still fits the page


@pytest.mark.parametrize("size", ["letter", "a4"])
def test_the_page_keeps_half_an_inch_from_every_edge(size: str) -> None:
    margins = print_request._printer(size).pageLayout().margins(QPageLayout.Unit.Millimeter)
    assert [margins.left(), margins.top(), margins.right(), margins.bottom()] == pytest.approx([PAGE_MARGIN_MM] * 4)
