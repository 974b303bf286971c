"""AfterFirstFrame: `kiosk run` opens its database once the first screen is painted, exactly once, and also
when no frame ever comes (a window nobody shows), so a kiosk never waits for a paint forever."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from kiosk.qt import QWidget

from kiosk.ui.app import AfterFirstFrame


def test_runs_once_right_after_the_first_paint(qtbot: QtBot) -> None:
    widget = QWidget()
    qtbot.add_widget(widget)
    calls: list[bool] = []
    after = AfterFirstFrame(widget, lambda: calls.append(widget.isVisible()), fallback_ms=60_000)
    assert calls == []
    widget.show()
    qtbot.waitUntil(lambda: calls == [True], timeout=5000)
    widget.update()
    widget.repaint()
    qtbot.wait(50)
    assert calls == [True]
    assert after.done


def test_without_a_paint_it_runs_after_the_fallback(qtbot: QtBot) -> None:
    widget = QWidget()  # never shown, so never painted
    qtbot.add_widget(widget)
    calls: list[int] = []
    AfterFirstFrame(widget, lambda: calls.append(1), fallback_ms=10)
    qtbot.waitUntil(lambda: calls == [1], timeout=5000)
    qtbot.wait(50)
    assert calls == [1]
