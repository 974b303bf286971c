"""A request prints (or saves as PDF) on one clean page, with patient text printed as typed, never as markup."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.qt import QImage, QPainter, QPrintDialog, QTimer, QWidget

from kiosk.domain.reference import format_reference
from kiosk.domain.staff import Actor, Role
from kiosk.domain.workflow import RequestStatus
from kiosk.services.casework import CaseDetail, add_note, change_status, open_case
from kiosk.services.requests import submit_request
from kiosk.storage.database import Database
from kiosk.ui.console.print_request import print_request, request_document, request_html, save_pdf
from tests.services import factories

DESK = Actor("rita", Role.RECEPTION, "front-desk-1", "Rita")
CLINIC = "Ascent Pain & Spine"
TRICKY = "<b>not bold</b> & <script>alert(1)</script> pain > 7"
SHOTS = Path("/tmp/console_shots")

# QTextDocument and QPrinter need the application object, as they have in the console.
pytestmark = pytest.mark.usefixtures("qapp")


@pytest.fixture
def urgent_case(database: Database) -> CaseDetail:
    request = dataclasses.replace(factories.urgent_follow_up(), concerns=TRICKY)
    submit_request(database, request, "kiosk-1", now=dt.datetime(2025, 3, 3, 14, 5, tzinfo=dt.UTC))
    request_id = str(request.request_id)
    case = open_case(database, request_id, DESK)
    change_status(database, request_id, RequestStatus.NO_ANSWER, expected_version=case.version, actor=DESK)
    return add_note(database, request_id, "Left a voicemail <again>\nwill try at 4", actor=DESK)


@pytest.fixture
def plain_case(database: Database) -> CaseDetail:
    request = factories.appointment()
    submit_request(database, request, "kiosk-1")
    return open_case(database, str(request.request_id), DESK)


def test_the_page_names_the_clinic_and_request_and_says_urgent_in_words(urgent_case: CaseDetail) -> None:
    text = request_document(urgent_case, CLINIC).toPlainText()

    assert CLINIC in text
    assert f"Patient request {format_reference(urgent_case.reference)}" in text
    assert "URGENT: red flags reported: new leg weakness or numbness, fever" in text  # most serious first
    assert "8 before → 3 now" in text
    assert "60%" in text
    assert "Zelphine Quorrington-Abara" in text
    assert "Status: New → No answer" in text
    assert "rita" in text


def test_patient_and_staff_text_prints_as_typed(urgent_case: CaseDetail) -> None:
    document = request_document(urgent_case, CLINIC)
    text = document.toPlainText()

    assert TRICKY in text  # markup would have been swallowed, and "<b>" made bold
    assert "Left a voicemail <again>" in text
    html = request_html(urgent_case, CLINIC)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>" not in html
    assert "Ascent Pain &amp; Spine" in html


def test_a_request_without_red_flags_has_no_banner(plain_case: CaseDetail) -> None:
    text = request_document(plain_case, CLINIC).toPlainText()
    assert "URGENT" not in text
    assert "No status changes or notes yet." in text


def test_save_pdf_writes_one_letter_page(urgent_case: CaseDetail, tmp_path: Path) -> None:
    path = tmp_path / "request.pdf"

    save_pdf(urgent_case, path, CLINIC)

    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(data) > 2000
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", data)) == 1
    # US Letter is 612 x 792 points.
    assert re.search(rb"/MediaBox\s*\[\s*0\s+0\s+612(\.0+)?\s+792", data)


def test_save_pdf_on_a4(urgent_case: CaseDetail, tmp_path: Path) -> None:
    path = tmp_path / "request.pdf"
    save_pdf(urgent_case, path, CLINIC, page_size="a4")
    assert re.search(rb"/MediaBox\s*\[\s*0\s+0\s+595", path.read_bytes())


def test_save_pdf_to_a_folder_that_does_not_exist_says_so(urgent_case: CaseDetail, tmp_path: Path) -> None:
    with pytest.raises(OSError, match="choose a folder you can write to"):
        save_pdf(urgent_case, tmp_path / "missing" / "request.pdf", CLINIC)


def test_print_returns_false_when_staff_cancel_the_print_dialog(qtbot: QtBot, urgent_case: CaseDetail) -> None:
    parent = QWidget()
    qtbot.add_widget(parent)

    def cancel() -> None:
        for dialog in parent.findChildren(QPrintDialog):
            dialog.reject()

    QTimer.singleShot(50, cancel)
    assert print_request(urgent_case, CLINIC, parent) is False


def test_screenshot_of_the_page(urgent_case: CaseDetail) -> None:
    document = request_document(urgent_case, CLINIC)
    document.setTextWidth(720)  # about the width of a Letter page's text at 96 dpi
    image = QImage(720, int(document.size().height()) + 20, QImage.Format.Format_RGB32)
    image.fill(0xFFFFFF)
    painter = QPainter(image)
    document.drawContents(painter)
    painter.end()
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert image.save(str(SHOTS / "print_request.png"))


def test_many_notes_print_on_several_pages_each_saying_whose_and_no_note_is_cut(
    database: Database, tmp_path: Path
) -> None:
    from kiosk.ui.console.print_pages import page_breaks, running_header

    request = factories.appointment()
    submit_request(database, request, "kiosk-1")
    request_id = str(request.request_id)
    for number in range(60):
        add_note(database, request_id, f"Call {number}: " + "left a message about the booking; " * 6, actor=DESK)
    case = open_case(database, request_id, DESK)
    path = tmp_path / "long.pdf"

    save_pdf(case, path, CLINIC)

    pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", path.read_bytes()))
    assert pages >= 3
    header = running_header(case)
    born = factories.appointment().contact.date_of_birth
    assert header.startswith(f"{factories.FIRST_NAME} {factories.LAST_NAME} · born {born.day} ")
    assert header.endswith(format_reference(case.reference))
    # Every page break falls between paragraphs, never inside one (a note is a paragraph of the history).
    document = request_document(case, CLINIC)
    document.setTextWidth(500)
    starts = page_breaks(document, 700)
    layout = document.documentLayout()
    block = document.firstBlock()
    while block.isValid():
        rect = layout.blockBoundingRect(block)
        assert not any(rect.top() < start < rect.bottom() for start in starts[1:]), block.text()
        block = block.next()
    assert len(starts) >= 3
