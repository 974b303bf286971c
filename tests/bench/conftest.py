"""The kiosk window as `kiosk run` builds it, on a settings file that keeps the attract loop at any hour."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.services.startup import KioskContext, load_context
from kiosk.ui.app import build_window
from kiosk.ui.window import KioskWindow

# The closed screen would replace the attract loop outside opening hours; these tests are about the loop.
SETTINGS = '[database]\nurl = "sqlite:///{database}"\n\n[lockdown]\nenabled = false\nclosed_screen = false\n'


@pytest.fixture
def context(write_settings: Callable[[str], Path], tmp_path: Path) -> Iterator[KioskContext]:
    settings = write_settings(SETTINGS.format(database=(tmp_path / "kiosk.sqlite3").as_posix()))
    built = load_context(str(settings), kiosk=True)
    yield built
    built.close()


@pytest.fixture
def window(qtbot: QtBot, context: KioskContext) -> KioskWindow:
    built = build_window(context, 1280, 800)
    qtbot.add_widget(built)
    built.show()
    qtbot.wait_exposed(built)
    return built
