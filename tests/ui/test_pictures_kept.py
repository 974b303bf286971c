"""A picture shown again builds no new path (issue 22). Python interns every part of a path it builds, and a name
dropped after one render and interned again at the next takes a fresh slot in its interned-strings table; about
once a tap, the attract slides and the pages made the table grow by 3.8 MB after some 35,000 taps, the step in the
month-long soak's Python heap. Once each picture's path (and its high-contrast twin's) is worked out, showing it
again, in either look, asks pathlib for nothing."""

from __future__ import annotations

import sys
from collections.abc import Callable

import pytest
from pytestqt.qtbot import QtBot

from kiosk.services.navigation import Route, Screen
from kiosk.ui.presentation import ThemeName
from kiosk.ui.window import KioskWindow
from tests.ui.conftest import MakeWindow

PAGE = "si-joint-injection"


def _every_picture(window: KioskWindow, qtbot: QtBot) -> Callable[[], None]:
    def show() -> None:
        attract = window.attract
        for _ in range(len(window.context.catalog.of_kind(attract.current_slide.kind, "en"))):  # type: ignore[union-attr]
            attract.next_slide()
            qtbot.wait(1)
        window.navigator.home()
        sections = None
        index = 0
        while sections is None or index < sections:
            window.go(Route(Screen.PROCEDURE, PAGE, index))
            qtbot.wait(1)
            sections = len(window.info_page.tabs)
            index += 1
        window.go(Route(Screen.ATTRACT))
        qtbot.wait(1)

    return show


def test_slides_and_pages_shown_again_in_either_look_build_no_new_path(
    qtbot: QtBot, make_window: MakeWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = make_window()
    show = _every_picture(window, qtbot)
    for theme in ThemeName:  # the first showing in each look works the paths out
        window.presentation.set_theme(theme)
        show()
    assert window.attract.drawing.pixmap() is not None
    interned: list[str] = []
    intern = sys.intern

    def counted(name: str) -> str:  # what pathlib calls for each part of a path it builds
        interned.append(name)
        return intern(name)

    monkeypatch.setattr(sys, "intern", counted)
    for theme in ThemeName:
        window.presentation.set_theme(theme)
        show()
    assert interned == []
