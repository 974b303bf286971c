"""No patient's text is copied out of, or pasted into, a patient field, and forgetting a visit drops the clipboard
and every undo history (kiosk/ui/visit_privacy.py). The X11 selection itself is attacked under a real X server in
tests/end2end/test_nothing_survives_a_visit.py: the off-screen platform has no PRIMARY selection."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from kiosk.qt import QEvent, QGuiApplication, QLineEdit, QMouseEvent, QObject, QPlainTextEdit, Qt, QWidget

from kiosk.ui.visit_privacy import VisitPrivacy
from kiosk.ui.window import KioskWindow
from tests.drivers.patient import choose, next_step, start, type_into

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


class MouseSeen(QObject):
    """Which mouse buttons reached a widget (its own filter runs after the application's)."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self.buttons: list[Qt.MouseButton] = []
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if isinstance(event, QMouseEvent) and event.type() == QEvent.Type.MouseButtonRelease:
            self.buttons.append(event.button())
        return False


def _first_name(qtbot: QtBot, window: KioskWindow, name: str = "zebedee") -> QLineEdit:
    start(qtbot, window, "appointment")
    choose(qtbot, window, "patient_status", "new")
    choose(qtbot, window, "reason", "si-joint-injection")
    next_step(qtbot, window)
    type_into(qtbot, window, "first_name", name)
    field = window.form.findChild(QLineEdit, "field-first_name")
    assert field is not None and field.text() == "Zebedee"
    return field


def test_a_patient_field_gives_nothing_to_copy_or_cut_and_takes_no_paste(qtbot: QtBot, window: KioskWindow) -> None:
    field = _first_name(qtbot, window)
    clipboard = QGuiApplication.clipboard()
    clipboard.setText("left by staff")
    field.selectAll()
    qtbot.keyClick(field, Qt.Key.Key_C, CTRL)
    qtbot.keyClick(field, Qt.Key.Key_Insert, CTRL)
    assert clipboard.text() == "left by staff"
    qtbot.keyClick(field, Qt.Key.Key_X, CTRL)
    assert field.text() == "Zebedee" and clipboard.text() == "left by staff"
    field.clear()
    qtbot.keyClick(field, Qt.Key.Key_V, CTRL)
    qtbot.keyClick(field, Qt.Key.Key_Insert, SHIFT)
    assert field.text() == ""
    # Staff in a window of their own (as the reception console) still copy, paste and middle-click.
    console = QLineEdit("REF-1234")
    qtbot.add_widget(console)
    console.show()
    console.selectAll()
    qtbot.keyClick(console, Qt.Key.Key_C, CTRL)
    assert clipboard.text() == "REF-1234"
    seen = MouseSeen(console)
    qtbot.mouseClick(console, Qt.MouseButton.MiddleButton)
    assert seen.buttons == [Qt.MouseButton.MiddleButton]


def test_the_middle_button_never_reaches_a_patient_field_and_the_others_do(qtbot: QtBot, window: KioskWindow) -> None:
    field = _first_name(qtbot, window)
    seen = MouseSeen(field)
    qtbot.mouseClick(field, Qt.MouseButton.MiddleButton)
    qtbot.mouseDClick(field, Qt.MouseButton.MiddleButton)
    qtbot.mouseClick(field, Qt.MouseButton.LeftButton)
    assert seen.buttons == [Qt.MouseButton.LeftButton]
    # A text box's mouse events go to its viewport, which is blocked the same way.
    box = QPlainTextEdit(window)
    box.show()
    viewport = MouseSeen(box.viewport())
    qtbot.mouseClick(box.viewport(), Qt.MouseButton.MiddleButton)
    qtbot.mouseClick(box.viewport(), Qt.MouseButton.LeftButton)
    assert viewport.buttons == [Qt.MouseButton.LeftButton]


def test_forgetting_a_visit_drops_the_clipboard_and_every_undo_history_and_keeps_what_the_screen_shows(
    qtbot: QtBot,
) -> None:
    window = QWidget()
    qtbot.add_widget(window)
    line, box = QLineEdit(window), QPlainTextEdit(window)
    privacy = VisitPrivacy(window)
    qtbot.keyClicks(line, "Zebedee")
    qtbot.keyClicks(box, "my back hurts")
    line.undo()
    assert line.isRedoAvailable() and box.document().isUndoAvailable()
    qtbot.keyClicks(line, "Staff")
    QGuiApplication.clipboard().setText("Zebedee")  # however it got there (a system input method, an add-on)
    privacy.forget()
    assert QGuiApplication.clipboard().text() == ""
    assert not line.isUndoAvailable() and not line.isRedoAvailable() and line.text() == "Staff"
    assert not box.document().isUndoAvailable() and box.toPlainText() == "my back hurts"
    line.undo()
    box.undo()
    assert line.text() == "Staff" and box.toPlainText() == "my back hurts"
