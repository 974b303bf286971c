"""Fixtures for driving the real kiosk window off-screen."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.config.locations import default_database_path
from kiosk.services.startup import KioskContext, load_context
from kiosk.ui.app import build_window
from kiosk.ui.idle import IdleMonitor
from kiosk.ui.window import KioskWindow

ORIENTATIONS = {"landscape": (1920, 1080), "portrait": (1080, 1920)}
MakeWindow = Callable[..., KioskWindow]


@pytest.fixture
def context(migrated_copy: Callable[[Path], Path]) -> Iterator[KioskContext]:
    """The demo settings and bundled content; a real encrypted SQLite file in the test's data folder, at the newest
    schema (a copy of the session's migrated template: tests/conftest.py), opened as `kiosk run` opens it."""
    migrated_copy(default_database_path())
    built = load_context(None, open_database=True, kiosk=True)
    yield built
    built.close()


@pytest.fixture
def make_window(qtbot: QtBot, context: KioskContext) -> MakeWindow:
    def make(
        size: tuple[int, int] = ORIENTATIONS["landscape"], language: str | None = None, *, all_screens: bool = False
    ) -> KioskWindow:
        # As `kiosk run` builds it before its first frame: attract only, each other screen built when the test first
        # reaches it (window.home, a route shown). Every screen up front cost about five times the CPU (0.31 s
        # against 0.06 s a window), which most tests never look at; all_screens=True builds them all at once.
        window = build_window(context, *size, all_screens=all_screens)
        qtbot.add_widget(window)
        window.show()
        qtbot.wait_exposed(window)
        if language:
            window.texts.set_language(language)
        return window

    return make


@pytest.fixture
def window(make_window: MakeWindow) -> KioskWindow:
    return make_window()


def restarts_the_idle_wait(monitor: IdleMonitor, action: Callable[[], object]) -> bool:
    """Whether `action` counts as someone at the screen (the inactivity wait starts over), told without waiting.

    The wait a restart would start is made ten times longer for the action, so only a restart leaves more time than
    the wait already running could have. Waiting real time between actions instead made a loaded machine's slow
    frame look like a patient gone, and cost each test seconds.
    """
    wait = monitor.timeout_seconds
    monitor.timeout_seconds = wait * 10
    try:
        action()
    finally:
        monitor.timeout_seconds = wait
    return monitor._wait.remainingTime() > 2 * wait * monitor.second_ms  # Qt's coarse timers may run 5 % over
