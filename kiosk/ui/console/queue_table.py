"""The queue's table, made for the keyboard: Tab leaves it, arrows browse, Enter opens at once.

Arrowing through rows must not open (and audit as read) every request passed on the way, so a row reached
by the keyboard opens after a short dwell (DWELL_MS) or at once on Enter; a click opens at once.
"""

from __future__ import annotations

from kiosk.qt import QKeyEvent, Qt, QTableView, QWidget, Signal

DWELL_MS = 700  # long enough to pass over rows with the arrow keys, short enough to feel like "it opened"
OPEN_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class QueueTable(QTableView):
    """`open_now()` on Enter; `keyed` is True while a key press is moving the current row."""

    open_now = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.keyed = False
        # Tab and Shift+Tab leave the table in one step instead of walking its cells (issue 24).
        self.setTabKeyNavigation(False)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        if event.key() in OPEN_KEYS and self.currentIndex().isValid():
            self.open_now.emit()
            event.accept()
            return
        self.keyed = True
        try:
            super().keyPressEvent(event)
        finally:
            self.keyed = False
