"""A patient's walk through the information screens, with real clicks on real widgets."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from kiosk.qt import Qt

from kiosk.services.navigation import Screen
from kiosk.ui.window import KioskWindow
from tests.ui.helpers import button_by_words


def click(qtbot: QtBot, widget: object) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def test_attract_home_procedure_condition_back_home(qtbot: QtBot, window: KioskWindow) -> None:
    assert window.current_screen is window.attract
    assert not window.top_bar.isVisible()

    # Touch anywhere on the slide: the home screen with three choices.
    click(qtbot, window.attract.slide_body)
    assert window.current_screen is window.home
    assert [b.words() for b in window.home.choices.values()] == [
        "Learn about a procedure",
        "Request an appointment",
        "Follow-up after a procedure",
    ]
    assert not window.top_bar.back.isVisible()

    click(qtbot, window.home.choices["learn"])
    assert window.current_screen is window.procedures
    click(qtbot, button_by_words(window, "Sacroiliac (SI) joint injection"))
    assert window.navigator.current.screen == Screen.PROCEDURE
    assert window.info_page.title.text() == "Sacroiliac (SI) joint injection"
    assert window.info_page.section_title.text() == "What it is and why"

    # The second section lists the conditions, each a button to its own page.
    click(qtbot, button_by_words(window, "2.  Conditions treated"))
    assert window.info_page.section_title.text() == "Conditions treated"
    click(qtbot, button_by_words(window, "Sacroiliitis"))
    assert window.navigator.current.screen == Screen.CONDITION
    assert window.info_page.title.text() == "Sacroiliitis"
    # The page reads like a booklet: its drawing and first words, then "Continue reading" to what it means.
    words = window.info_page.text.toPlainText()
    while "inflam" not in words.lower() and window.info_page.text.part < window.info_page.text.parts - 1:
        click(qtbot, window.info_page.next_section)
        words = window.info_page.text.toPlainText()
    assert "inflam" in words.lower()

    # Back returns to the procedure page, on the section the patient left.
    click(qtbot, window.top_bar.back)
    assert window.navigator.current.screen == Screen.PROCEDURE
    assert window.info_page.section_title.text() == "Conditions treated"

    click(qtbot, window.top_bar.home)
    assert window.current_screen is window.home


def test_every_section_tab_shows_its_own_text(qtbot: QtBot, window: KioskWindow) -> None:
    window.navigator.home()
    click(qtbot, window.home.choices["learn"])
    click(qtbot, window.procedures.cards[0])
    seen = set()
    for tab in window.info_page.tabs:
        click(qtbot, tab)
        assert tab.isChecked()
        seen.add(window.info_page.text.toPlainText())
    assert len(seen) == 6


def test_last_section_offers_an_appointment_request(qtbot: QtBot, window: KioskWindow) -> None:
    window.navigator.home()
    click(qtbot, window.home.choices["learn"])
    click(qtbot, window.procedures.cards[0])
    assert not window.info_page.request.isVisible()
    click(qtbot, window.info_page.tabs[-1])
    click(qtbot, window.info_page.request)
    assert window.navigator.current.screen == Screen.APPOINTMENT


def test_attract_slides_advance_and_pause(qtbot: QtBot, window: KioskWindow) -> None:
    attract = window.attract
    attract.second_ms = 20  # a slide's 8-12 "seconds" pass in a fraction of a real second
    attract.start()
    first = attract.slide_title.text()
    with qtbot.wait_signal(attract.slide_changed, timeout=2_000):
        pass  # the real timer moves to the next slide after the slide's duration
    assert attract.slide_title.text() != first

    click(qtbot, attract.pause_button)
    assert attract.paused
    assert attract.pause_button.words().endswith("Play")
    with qtbot.assert_not_emitted(attract.slide_changed, wait=300):
        pass
    assert window.current_screen is attract  # the pause button does not start a visit


def test_keypad_enter_starts_from_the_attract_loop(qtbot: QtBot, window: KioskWindow) -> None:
    window.attract.setFocus()
    qtbot.keyClick(window.attract, Qt.Key.Key_Return)
    assert window.current_screen is window.home


def test_home_choices_carry_pictures_as_well_as_words(window: KioskWindow) -> None:
    window.navigator.home()
    for button in window.home.choices.values():
        assert button.picture.isVisible()
        assert not button.picture.pixmap().isNull()  # the SVG loaded and was drawn
