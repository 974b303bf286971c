"""A console window freed by Python's cycle collector, never closed, leaves no filter raising on the event loop.

The whole-suite run once failed with "'IdleLock' object has no attribute 'timer'": the collector cleared the
console's auto-lock and dialog guard, then deleted the window, whose teardown events reached those filters.
pytest-qt fails a test on any exception raised inside the Qt event loop, so passing here is the proof.
"""

from __future__ import annotations

import gc

from pytestqt.qtbot import QtBot

from kiosk.qt import QApplication, Qt

from kiosk.services.navigation import Route, Screen
from kiosk.services.workstations import this_workstation_name
from kiosk.ui.console.context import ConsoleContext
from kiosk.ui.console.window import ConsoleWindow
from kiosk.ui.window import KioskWindow


def _drop_a_console_in_a_cycle(window: KioskWindow) -> None:
    console = ConsoleWindow(ConsoleContext.from_kiosk(window.context, this_workstation_name()))
    console.show()
    QApplication.processEvents()
    console.__dict__["itself"] = console  # only the cycle collector can free it now, as in the failing run


def _consoles() -> int:
    return sum(isinstance(widget, ConsoleWindow) for widget in QApplication.topLevelWidgets())


def test_a_console_collected_without_closing_raises_nothing_on_the_event_loop(
    qtbot: QtBot, window: KioskWindow
) -> None:
    consoles_before = _consoles()
    was_enabled = gc.isenabled()
    gc.disable()  # the collection must happen here, where pytest-qt watches the event loop
    try:
        _drop_a_console_in_a_cycle(window)
        assert gc.collect() > 0
        QApplication.processEvents()
    finally:
        if was_enabled:
            gc.enable()

    # The kiosk underneath still answers a touch: its own filters were never the ones cleared.
    window.go(Route(Screen.HOME))
    qtbot.keyClick(window, Qt.Key.Key_Tab)
    assert _consoles() == consoles_before  # the dropped console is gone, whatever earlier tests left
