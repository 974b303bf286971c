"""Switching language changes every visible word at once and keeps the patient's place."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from kiosk.qt import Qt

from kiosk.services.navigation import Route, Screen
from kiosk.ui.window import KioskWindow
from tests.ui.conftest import ORIENTATIONS, MakeWindow
from tests.ui.helpers import button_by_words, visible_texts

# Words that are the same in every language: names, numbers, each language's own name, and the text-size "A"s.
LANGUAGE_NAMES = ("English", "Español", "Tiếng Việt")
SAME_IN_EVERY_LANGUAGE = {"Ascent Pain", "30", "A", "✓  A", *LANGUAGE_NAMES, *(f"✓  {name}" for name in LANGUAGE_NAMES)}

SCREENS = [
    Route(Screen.HOME),
    Route(Screen.PROCEDURES),
    Route(Screen.PROCEDURE, "si-joint-injection"),
    Route(Screen.PROCEDURE, "si-joint-injection", 1),
    Route(Screen.PROCEDURE, "si-joint-injection", 5),
    Route(Screen.CONDITION, "sacroiliitis"),
    Route(Screen.CONDITION, "sacroiliitis", 2),
    Route(Screen.APPOINTMENT),
    Route(Screen.FOLLOW_UP),
]


_PAGING = ("MoreBelow", "NextSection:", "PreviousPart:")


def _button_words(window: KioskWindow) -> dict[str, str]:
    return {
        f"{path}#button": text
        for path, text in visible_texts(window).items()
        if "ButtonText" in path or "ButtonHint" in path
    }


@pytest.mark.parametrize("route", SCREENS, ids=lambda r: r.name)
def test_language_switch_changes_every_visible_label(qtbot: QtBot, make_window: MakeWindow, route: Route) -> None:
    window = make_window()
    window.navigator.home()
    window.go(route)
    english = visible_texts(window)
    qtbot.mouseClick(button_by_words(window, "Español"), Qt.MouseButton.LeftButton)
    spanish = visible_texts(window)

    assert window.navigator.current == route  # same screen, same section

    # The booklet's paging comes and goes with the words' length: a longer Spanish paragraph may need one more part,
    # so where English ends the section ("Next: ..."), Spanish still continues, and "More below" likewise.
    def widgets(texts: dict[str, str]) -> set[str]:
        return {path for path in texts if not any(name in path for name in _PAGING)}

    assert widgets(spanish) == widgets(english), "the same widgets stay on screen"
    unchanged = {english[key] for key in widgets(english) if english[key] == spanish[key]} - SAME_IN_EVERY_LANGUAGE
    assert not unchanged, f"still in English after switching: {unchanged}"


def test_switching_back_restores_english_and_accessible_names(qtbot: QtBot, window: KioskWindow) -> None:
    window.navigator.home()
    window.texts.set_language("es")
    assert window.home.choices["learn"].accessibleName() == "Información sobre un procedimiento"
    assert window.top_bar.home.isHidden()  # on home, Home is not offered
    window.texts.set_language("en")
    assert window.home.choices["learn"].accessibleName() == "Learn about a procedure"


def test_attract_invites_in_every_enabled_language(window: KioskWindow) -> None:
    words = window.attract.touch_to_begin.text()
    assert "Touch anywhere to begin" in words
    assert "Toque la pantalla para comenzar" in words


@pytest.mark.parametrize("orientation", ORIENTATIONS)
def test_spanish_slides_come_from_spanish_content(make_window: MakeWindow, orientation: str) -> None:
    window = make_window(ORIENTATIONS[orientation], language="es")
    assert window.attract.slide_title.text() == "Le damos la bienvenida"


def test_a_switch_renders_no_hidden_page_and_the_page_opens_in_the_new_language(
    qtbot: QtBot, window: KioskWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = Route(Screen.PROCEDURE, "si-joint-injection")
    window.go(page)
    english = window.info_page.title.text()
    window.navigator.home()
    rendered: list[str] = []
    original = window.info_page.text.set_markdown

    def counted(text: str, name: str, scroll: str) -> None:
        rendered.append(text)
        original(text, name, scroll)

    monkeypatch.setattr(window.info_page.text, "set_markdown", counted)
    window.texts.set_language("es")
    assert rendered == []  # the hidden page waits until it is opened
    window.go(page)
    assert len(rendered) == 1 and window.info_page.title.text() not in ("", english)
