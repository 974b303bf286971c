"""A warning sign in a follow-up: the patient is told first, and loudest, to go to the front desk now.

The confirmation stays until staff clear it at the kiosk or [idle] urgent_confirmation_seconds pass; no touch
ends or stretches it. The idle monitor's "second" is shortened, as in test_idle.py, so the 180 s pass quickly.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from kiosk.qt import QLabel, QPoint, Qt, QWidget

from kiosk.domain.reference import format_reference
from kiosk.services.navigation import ATTRACT, Route, Screen
from kiosk.services.requests import Receipt
from kiosk.services.startup import KioskContext
from kiosk.ui.console.window import ConsoleWindow
from kiosk.ui.presentation import TextSize, ThemeName
from kiosk.ui.window import KioskWindow
from tests.drivers.patient import (
    answer_warning_signs,
    fill_follow_up_to_warning_signs,
    fill_follow_up_wishes,
    send,
)
from tests.ui.conftest import ORIENTATIONS, MakeWindow
from tests.ui.helpers import clipped_labels, patient_text_anywhere, really_visible
from tests.ui.test_read_aloud import Heard, turn_on, words

CODE = "K7M2QX"
SHOWN_CODE = format_reference(CODE)  # "K7M 2QX"
SPELLED = "K, 7, M, 2, Q, X"
SECOND_MS = 10  # 180 s of [idle] urgent_confirmation_seconds pass in 1.8 s
RAISE_WARNING = "This plugin does not support raise"  # off-screen: no window manager to bring the console up


def urgent(qtbot: QtBot, window: KioskWindow) -> None:
    """A stored urgent request's confirmation, as the form shows it after the commit."""
    window.navigator.home()
    window.show_receipt(Receipt(CODE, urgent=True, created_at=dt.datetime.now(dt.UTC)))
    assert window.current_screen is window.confirmation
    qtbot.wait(1)  # let layouts settle, as a real paint would


def shown_labels(window: KioskWindow) -> list[QLabel]:
    """The confirmation's words a patient can see, top to bottom."""
    screen = window.confirmation
    labels = [label for label in screen.findChildren(QLabel) if really_visible(label) and label.text()]
    return sorted(labels, key=lambda label: label.mapTo(window, QPoint(0, 0)).y())


def pixel_size(label: QLabel) -> int:
    return label.font().pixelSize()  # the style sheet sizes type in pixels


def language_button(window: KioskWindow, language: str) -> QWidget:
    button = window.top_bar.languages.findChild(QWidget, f"language-{language}")
    assert button is not None and really_visible(button)
    return button


def press(qtbot: QtBot, widget: QWidget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def test_a_warning_sign_in_a_real_follow_up_leads_with_go_to_the_front_desk(
    qtbot: QtBot, window: KioskWindow, context: KioskContext
) -> None:
    fill_follow_up_to_warning_signs(qtbot, window)
    answer_warning_signs(qtbot, window, yes=frozenset({"red_flag_bladder_or_bowel_changes"}))
    fill_follow_up_wishes(qtbot, window)
    send(qtbot, window)

    screen = window.confirmation
    assert window.current_screen is screen
    receipt = screen.receipt
    assert receipt is not None and receipt.urgent
    first = shown_labels(window)[0]
    assert first is screen.instruction and first.text() == "Please go to the front desk now"
    assert screen.urgent_code.text() == format_reference(receipt.reference)
    assert not screen.done_button.isVisible()
    assert window.idle.holding and not window.idle_warning.isVisible()


@pytest.mark.parametrize("language", ["en", "es", "vi"])
@pytest.mark.parametrize("orientation", ["landscape", "portrait"])
def test_the_instruction_is_the_first_and_largest_words_above_the_code(
    qtbot: QtBot, make_window: MakeWindow, language: str, orientation: str
) -> None:
    window = make_window(ORIENTATIONS[orientation], language)
    urgent(qtbot, window)
    screen = window.confirmation
    t = window.texts.t
    labels = shown_labels(window)
    # The phone number is drawn with a no-break space and hyphen, so it never splits across two lines.
    unbroken = str.maketrans({"\u00a0": " ", "\u2011": "-"})
    assert "(504)\u00a0249\u20117576" in screen.away.text()
    assert [label.text().translate(unbroken) for label in labels] == [
        t("red_flag.instruction"),
        t("red_flag.reason"),
        t("red_flag.away", phone="(504) 249-7576"),
        t("confirm.code_intro"),
        SHOWN_CODE,
        t("red_flag.code_hint"),
    ]
    instruction = screen.instruction
    assert all(pixel_size(instruction) > pixel_size(label) for label in labels[1:])
    assert pixel_size(screen.urgent_code) * 1.3 < pixel_size(instruction)  # the code is clearly secondary
    assert screen.band.width() == window.width()  # a full-width band
    # A pictogram of the desk beside the words: the meaning is not carried by the red (or yellow) alone.
    assert really_visible(screen.picture) and not screen.picture.pixmap().isNull()
    assert screen.accessibleName() == screen.band.accessibleName() == t("red_flag.instruction")
    assert "911" in screen.away.text()
    assert clipped_labels(screen) == []


def test_extra_large_text_and_high_contrast_keep_the_instruction_first_and_whole(
    qtbot: QtBot, make_window: MakeWindow
) -> None:
    window = make_window((1280, 800), "vi")
    urgent(qtbot, window)
    screen = window.confirmation
    qtbot.mouseClick(window.access_bar.text_sizes[TextSize.EXTRA_LARGE], Qt.MouseButton.LeftButton)
    window.presentation.set_theme(ThemeName.HIGH_CONTRAST)
    qtbot.wait(1)
    labels = shown_labels(window)
    assert labels[0] is screen.instruction
    assert all(pixel_size(screen.instruction) > pixel_size(label) for label in labels[1:])
    assert clipped_labels(screen.band) == []
    # The band stays in sight; what follows it scrolls if it must.
    band_bottom = screen.band.mapTo(window, QPoint(0, screen.band.height())).y()
    assert band_bottom <= window.height()
    assert window.current_screen is screen and window.idle.holding


def test_the_routine_confirmation_keeps_its_done_button(qtbot: QtBot, window: KioskWindow) -> None:
    window.navigator.home()
    window.show_receipt(Receipt(CODE, urgent=False, created_at=dt.datetime.now(dt.UTC)))
    screen = window.confirmation
    assert not screen.band.isVisible()
    assert screen.done_button.isVisible() and screen.done_button.words() == "Done"
    assert screen.code.text() == SHOWN_CODE
    assert not window.idle.holding  # the usual idle warning and time-out apply
    press(qtbot, screen.done_button)
    assert window.navigator.current == ATTRACT


def test_no_way_off_it_but_staff_or_time_and_the_top_bar_offers_none(qtbot: QtBot, window: KioskWindow) -> None:
    urgent(qtbot, window)
    screen = window.confirmation
    assert not screen.done_button.isVisible()
    assert not window.top_bar.back.isVisible() and not window.top_bar.home.isVisible()
    visible_buttons = [b for b in screen.findChildren(QWidget) if b.inherits("QAbstractButton") and really_visible(b)]
    assert visible_buttons == []
    for widget in (screen.band, screen.instruction, screen.urgent_code, screen.words_area, screen, window.top_bar):
        press(qtbot, widget)
    for key in (Qt.Key.Key_Return, Qt.Key.Key_Space, Qt.Key.Key_Escape, Qt.Key.Key_Backspace):
        qtbot.keyClick(screen, key)
    assert window.current_screen is screen and screen.receipt is not None
    # Language and text size may change; the instruction stays first, in the new language.
    qtbot.mouseClick(language_button(window, "es"), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(window.access_bar.text_sizes[TextSize.LARGE], Qt.MouseButton.LeftButton)
    assert window.current_screen is screen
    assert shown_labels(window)[0].text() == "Por favor, vaya a la recepción ahora"
    assert screen.accessibleName() == "Por favor, vaya a la recepción ahora"


def test_touches_neither_end_shorten_nor_stretch_the_time_and_no_warning_interrupts(
    qtbot: QtBot, window: KioskWindow
) -> None:
    window.idle.set_second_ms(SECOND_MS)
    seconds = window.context.settings.idle.urgent_confirmation_seconds
    assert seconds == 180  # the default; longer than the 90 s form time-out and its warning
    expected = seconds * SECOND_MS / 1000
    urgent(qtbot, window)
    screen = window.confirmation
    started = time.monotonic()
    expired: list[float] = []
    window.idle.expired.connect(lambda: expired.append(time.monotonic() - started))
    with qtbot.assert_not_emitted(window.idle.warning_started):
        # Touch, type and change the language until just before the time is up: all of it must change nothing.
        while time.monotonic() - started < expected * 0.8:
            press(qtbot, screen.band)
            qtbot.keyClick(screen, Qt.Key.Key_Space)
            qtbot.wait(100)
            assert window.current_screen is screen and not window.idle_warning.isVisible()
        qtbot.mouseClick(language_button(window, "vi"), Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: bool(expired), timeout=10_000)
    # Qt's coarse timers may fire up to 5% early; a touch that restarted the count would add 1.4 s or more.
    assert expected * 0.9 <= expired[0] < expected + 1.2
    assert window.navigator.current == ATTRACT and window.current_screen is window.attract
    assert window.texts.language == "en"


def test_after_its_time_the_attract_loop_returns_with_nothing_of_the_patient_left(
    qtbot: QtBot, window: KioskWindow
) -> None:
    window.idle.set_second_ms(SECOND_MS)
    urgent(qtbot, window)
    window.presentation.set_theme(ThemeName.HIGH_CONTRAST)
    with qtbot.wait_signal(window.idle.expired, timeout=10_000):
        pass
    screen = window.confirmation
    assert window.navigator.current == ATTRACT and window.current_screen is window.attract
    assert screen.receipt is None and not window.idle.holding
    assert window.presentation.theme == ThemeName.NORMAL
    for trace in (SHOWN_CODE, CODE, " ".join(CODE), "K 7 M"):
        assert patient_text_anywhere(window, trace) == []
    assert SPELLED not in screen.spoken_text()


@pytest.fixture
def staff_window(window: KioskWindow) -> Iterator[KioskWindow]:
    yield window
    console = window.staff_entry.console
    if console is not None:
        console.close()  # signs out and stops its own watches before the kiosk goes


@pytest.mark.qt_log_ignore(RAISE_WARNING)
def test_the_staff_corner_sign_in_clears_it(qtbot: QtBot, staff_window: KioskWindow) -> None:
    window = staff_window
    urgent(qtbot, window)
    # The default corner is the top left; holding it 5 s opens the console's sign-in (the hold is not waited for).
    where = QPoint(10, 10)
    target = window.childAt(where) or window
    qtbot.mousePress(target, Qt.MouseButton.LeftButton, pos=target.mapFrom(window, where))
    timer = window.staff_entry.corner.timer
    assert timer.isActive()
    timer.stop()
    timer.timeout.emit()
    qtbot.mouseRelease(target, Qt.MouseButton.LeftButton, pos=target.mapFrom(window, where))
    console = window.staff_entry.console
    assert isinstance(console, ConsoleWindow) and console.pages.currentWidget() is console.login
    assert window.navigator.current == ATTRACT and window.current_screen is window.attract
    assert window.confirmation.receipt is None and not window.idle.holding
    assert patient_text_anywhere(window, SHOWN_CODE) == []


@pytest.fixture
def speaking_window(make_window: MakeWindow) -> KioskWindow:
    window = make_window()
    window.read_aloud.prepare(engine="mock")
    engine = window.read_aloud.engine
    assert engine is not None
    engine.setRate(1.0)  # the mock's fastest: 50 ms a word
    return window


@pytest.mark.qt_log_ignore("pipewire")
def test_read_aloud_says_the_instruction_first_then_the_phone_line_then_the_code(
    qtbot: QtBot, speaking_window: KioskWindow
) -> None:
    window = speaking_window
    heard = Heard(window.read_aloud)
    window.go(Route(Screen.HOME))
    turn_on(qtbot, window)
    heard.said(qtbot)
    urgent(qtbot, window)
    t = window.texts.t
    said = heard.said(qtbot)
    assert said == words(
        f"{t('red_flag.instruction')} {t('red_flag.reason')} {t('red_flag.away', phone='(504) 249-7576')} "
        f"{t('confirm.code_intro')} K 7 M 2 Q X {t('red_flag.code_hint')}"
    )
    assert said[:7] == ["Please", "go", "to", "the", "front", "desk", "now"]


@pytest.mark.parametrize("language", ["en", "es", "vi"])
def test_spoken_text_starts_with_the_instruction_in_every_language(
    qtbot: QtBot, make_window: MakeWindow, language: str
) -> None:
    window = make_window(language=language)
    urgent(qtbot, window)
    t = window.texts.t
    spoken = window.confirmation.spoken_text()
    assert spoken.startswith(t("red_flag.instruction"))
    away = spoken.index(t("red_flag.away", phone="(504) 249-7576")[:20])
    assert spoken.index(t("red_flag.reason")[:20]) < away < spoken.index(SPELLED)
