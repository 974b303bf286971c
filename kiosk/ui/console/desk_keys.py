"""The reception console's keyboard shortcuts, in one place so docs/reception.md and the code agree.

They act on the Queue tab (the queue and the open request), whichever of its widgets has the focus.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.qt import QKeySequence, QObject, QShortcut, Qt, QWidget

from kiosk.domain.workflow import STATUS_LABELS
from kiosk.ui.console.detail_view import MARKABLE

if TYPE_CHECKING:
    from kiosk.ui.console.detail_view import DetailView
    from kiosk.ui.console.queue_view import QueueView

# (keys, what they do), as the reception guide lists them; Ctrl+F (search) is the queue's own.
SHORTCUTS: list[tuple[str, str]] = [
    ("Ctrl+F", "search; then Enter or Down goes into the results"),
    ("Up / Down", "move between requests; the one you stop on opens after a moment"),
    ("Enter", "open the highlighted request now"),
    ("Ctrl+Down / Ctrl+Up", "open the next / previous request"),
    ("Ctrl+E", "write a note"),
    ("Ctrl+S", "save the note"),
    *((f"Ctrl+{place + 1}", f"mark as {STATUS_LABELS[status].lower()}") for place, status in enumerate(MARKABLE)),
    ("Ctrl+Z", "undo your last status change (outside the note box, where it undoes typing)"),
    ("Ctrl+P", "print the request"),
    ("Tab", "move to the next control; it leaves the list and the date boxes in one step"),
]


class DeskKeys(QObject):
    """Shortcuts on `area` (the Queue tab) that drive the queue and the detail."""

    def __init__(self, area: QWidget, queue: QueueView, detail: DetailView) -> None:
        super().__init__(area)
        self.queue = queue
        self.detail = detail
        self._marks: dict[QObject, int] = {}
        for place in range(len(MARKABLE)):
            shortcut = self._key(area, f"Ctrl+{place + 1}", self._mark)
            self._marks[shortcut] = place
        self._key(area, "Ctrl+S", detail.save_note)
        self._key(area, "Ctrl+E", self.write_note)
        self._key(area, "Ctrl+P", detail.print_current)
        self._key(area, "Ctrl+Z", self._undo)
        self._key(area, "Ctrl+Down", self.next_request)
        self._key(area, "Ctrl+Up", self.previous_request)

    @staticmethod
    def _key(area: QWidget, keys: str, slot: object) -> QShortcut:
        shortcut = QShortcut(QKeySequence(keys), area)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(slot)
        return shortcut

    def _mark(self) -> None:
        # Found by sender(), not a lambda per shortcut (tests/architecture/test_no_lambda_on_self.py).
        place = self._marks.get(self.sender())
        if place is not None:
            self.detail.mark_nth(place)

    def _undo(self) -> None:
        if self.detail.undo_button.isVisible():
            self.detail.undo_status()

    def write_note(self) -> None:
        if self.detail.detail is not None:
            self.detail.note_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def next_request(self) -> None:
        self._step(1)

    def previous_request(self) -> None:
        self._step(-1)

    def _step(self, by: int) -> None:
        model = self.queue.model
        current = self.queue.table.currentIndex()
        row = current.row() + by if current.isValid() else 0
        if by > 0 and row >= model.rowCount() and model.canFetchMore(current.parent()):
            model.fetchMore(current.parent())
        if 0 <= row < model.rowCount():
            self.queue.select_row(row)  # chosen on purpose, so it opens at once
