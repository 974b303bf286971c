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
    """The controls inside `root` that Tab can reach (shown or not), in their current chain order."""
    found: list[QWidget] = []
    widget = root.nextInFocusChain()
    # The chain is a ring through the whole window: walk it once, keeping root's descendants.
    while widget is not None and widget is not root:
        if root.isAncestorOf(widget) and takes_tab(widget):
            found.append(widget)
        widget = widget.nextInFocusChain()
    return found


def chain_focus(widgets: Iterable[QWidget | None]) -> None:
    """Put each widget right after the one before it in the Tab chain (None and unfocusable ones are left out)."""
    previous: QWidget | None = None
    for widget in widgets:
        if widget is None or widget.focusPolicy() == Qt.FocusPolicy.NoFocus:
            continue
        if previous is not None and previous.window() is widget.window():
            QWidget.setTabOrder(previous, widget)
        previous = widget
