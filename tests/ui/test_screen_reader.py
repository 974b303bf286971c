"""A screen reader can name every control on every patient screen, in every language, and say what kind it is."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.services.startup import KioskContext
from kiosk.ui.screens.base import KioskScreen
from tests.ui.conftest import MakeWindow
from tests.ui.helpers import widget_path
from tests.ui.patient_screens import (
    LANGUAGES,
    SCENES,
    STRING_KEY,
    active_window,
    all_languages_context,
    controls,
    expected_roles,
    role_of,
    settle,
)


@pytest.fixture
def context(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[KioskContext]:
    yield from all_languages_context(tmp_path, monkeypatch)


@pytest.mark.parametrize("scene", SCENES)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_control_has_a_name_and_a_role(qtbot: QtBot, make_window: MakeWindow, language: str, scene: str) -> None:
    window = active_window(qtbot, make_window)
    problems: list[str] = []
    checked = 0
    for state in SCENES[scene](qtbot, window):
        window.texts.set_language(language)
        settle()
        for widget in controls(window):
            where = f"{state}: {type(widget).__name__} {widget.objectName() or widget_path(widget)}"
            name = widget.accessibleName().strip()
            if not name:
                problems.append(f"{where} has no accessible name")
            elif STRING_KEY.match(name):
                problems.append(f"{where} is named by a string key: {name!r}")
            role = role_of(widget)
            if role not in expected_roles(widget):
                problems.append(f"{where} reads as {role.name}, not {[r.name for r in expected_roles(widget)]}")
            checked += 1
        screen = window.current_screen
        assert isinstance(screen, KioskScreen) and screen.accessibleName(), f"{state}: the screen has no name"
        window.texts.set_language("en")
    assert checked, "no control was looked at"
    assert not problems, "\n".join(problems)
