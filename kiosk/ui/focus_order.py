"""Keypad focus follows reading order: Tab visits controls in the order a person reads them.

Qt's Tab chain follows the order widgets joined the window, not where they sit. Screens build
buttons on first use (sections, related pages, form steps), so each screen chains its own
controls here once they exist.
"""

from __future__ import annotations

from collections.abc import Iterable

from kiosk.qt import Qt, QWidget


def takes_tab(widget: QWidget) -> bool:
    return bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus)


def tab_stops(root: QWidget) -> list[QWidget]:
    """The controls inside `root` that Tab can reach (shown or not), in the order they joined `root`.

    Screens build their controls in reading order, so that is the order joined. Not a walk round the window's Tab
    chain: that visits every widget of the window (thousands with the keyboard) for each call, and leaves behind a
    Python wrapper for each of Qt's own inner widgets it passes, which outlives the widget when a page goes.
    """
    return [widget for widget in root.findChildren(QWidget) if takes_tab(widget)]


def chain_focus(widgets: Iterable[QWidget | None]) -> None:
    """Put each widget right after the one before it in the Tab chain (None and unfocusable ones are left out)."""
    previous: QWidget | None = None
    for widget in widgets:
        if widget is None or widget.focusPolicy() == Qt.FocusPolicy.NoFocus:
            continue
        if previous is not None and previous.window() is widget.window():
            QWidget.setTabOrder(previous, widget)
        previous = widget
