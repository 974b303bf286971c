"""Nothing a patient typed outlives the visit in a clipboard, an X11 selection, the input method or an undo history.

Qt copies the text selected in a line edit or text box to X11's PRIMARY selection (a double or triple tap is
enough), and pastes PRIMARY with the middle button; PRIMARY belongs to the process, not to a widget, so wiping
the form leaves it behind, and the next patient's middle click (or any program on the PC) reads the last name.
So, while the kiosk runs, text from a patient field never stays in PRIMARY, never reaches the clipboard (a
desktop's clipboard manager would keep a copy beyond our reach), and nothing is pasted into a patient field: a
kiosk has no use for copy and paste, and the on-screen keyboard is the way to type. At the end of each visit
`forget()` also drops whatever selection, clipboard, input-method or undo state is left, however it got there.
"""

from __future__ import annotations

from kiosk.qt import (
    QApplication,
    QClipboard,
    QEvent,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QLineEdit,
    QMouseEvent,
    QObject,
    QPlainTextEdit,
    Qt,
    QWidget,
)

from kiosk.qt_filters import teardown_safe

_MOUSE = (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease, QEvent.Type.MouseButtonDblClick)
# Key presses that would copy a patient's words out of the field or paste someone else's into it.
_CLIPBOARD_KEYS = (QKeySequence.StandardKey.Copy, QKeySequence.StandardKey.Cut, QKeySequence.StandardKey.Paste)


def patient_editor(widget: QObject, window: QWidget) -> QLineEdit | QPlainTextEdit | None:
    """The text field `widget` is (or a text box's viewport, which gets its mouse events), if it is in `window`."""
    # A QPlainTextEdit's mouse events go to its viewport, a child of its own.
    for candidate in (widget, widget.parent()):
        if isinstance(candidate, QLineEdit | QPlainTextEdit):
            return candidate if candidate.window() is window else None
    return None


class VisitPrivacy(QObject):
    """Keeps the kiosk window's text fields out of every clipboard and selection; `forget()` ends a visit.

    Only the kiosk window's fields: the reception console is a window of its own, where staff may copy and paste.
    """

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._window = window
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)  # removed by Qt when this object goes with its window
        clipboard = QGuiApplication.clipboard()
        if clipboard is not None and clipboard.supportsSelection():
            clipboard.selectionChanged.connect(self._selection_changed)

    @teardown_safe
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        # Every event of the application passes here: the Python class is checked before type(), which makes a
        # Python enum (~4 us a call, 10% of the soak's time when asked of every event).
        if isinstance(event, QMouseEvent):
            if event.type() not in _MOUSE:
                return False
            # The middle button pastes PRIMARY (press, release, double click: none reaches a patient field).
            blocked = event.button() == Qt.MouseButton.MiddleButton
        elif isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress:
            # Ctrl+C, Ctrl+V, Shift+Insert and the like, from a physical keyboard: the field never sees them.
            blocked = any(event.matches(key) for key in _CLIPBOARD_KEYS)
        else:
            return False
        return blocked and patient_editor(watched, self._window) is not None

    def _selection_changed(self) -> None:
        # Qt has just put selected text in PRIMARY (a tap, a drag, Shift and an arrow). Give it up at once, before
        # another program (a clipboard manager, the next middle click) can read it, when it came from this window:
        # the focus is in it, or nowhere (the window has no window manager to make it active). Clearing from this
        # signal is safe: Qt emits it last in setMimeData, and a clear of nothing owned emits nothing.
        clipboard = QGuiApplication.clipboard()
        if clipboard is None or not clipboard.ownsSelection():
            return
        focus = QApplication.focusWidget()
        if focus is None or focus.window() is self._window:
            clipboard.clear(QClipboard.Mode.Selection)

    def forget(self) -> None:
        """The visit is over: no clipboard, selection, find buffer, input-method state or undo history is left."""
        clipboard = QGuiApplication.clipboard()
        if clipboard is not None:
            # Only what this program owns is cleared: another program's clipboard on the PC is left alone.
            clipboard.clear(QClipboard.Mode.Clipboard)
            if clipboard.supportsSelection():
                clipboard.clear(QClipboard.Mode.Selection)
            if clipboard.supportsFindBuffer():  # macOS's find pasteboard
                clipboard.clear(QClipboard.Mode.FindBuffer)
        # A system input method's half-composed word (preedit) and its state for the field go.
        input_method = QGuiApplication.inputMethod()
        if input_method is not None:
            input_method.reset()
        for line in self._window.findChildren(QLineEdit):
            if line.isUndoAvailable() or line.isRedoAvailable():
                line.setText(line.text())  # setText clears a line edit's undo and redo history (Qt's documentation)
        for box in self._window.findChildren(QPlainTextEdit):
            box.document().clearUndoRedoStacks()
