"""A card over the window gives the focus back only to a widget that still exists.

The soak (`kiosk bench --soak`) crashed the kiosk here twice: the leave question remembered the focused box, the
visit was wiped while the question was up (as the crash screen wipes it), and hiding the question then asked the
deleted box whether it was visible. The error raised inside Qt's hideEvent took the whole process down (PySide6).
"""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from kiosk.qt import QApplication, QLineEdit

from kiosk.bench.walk import touch
from kiosk.services.navigation import ATTRACT
from kiosk.ui.window import KioskWindow
from tests.drivers.patient import choose, next_step, start, type_into


def test_the_leave_question_survives_the_visit_being_wiped_under_it(qtbot: QtBot, window: KioskWindow) -> None:
    start(qtbot, window, "appointment")
    choose(qtbot, window, "patient_status", "new")
    choose(qtbot, window, "reason", "si-joint-injection")
    next_step(qtbot, window)
    type_into(qtbot, window, "first_name", "ana")
    editor = window.form.findChild(QLineEdit, "field-first_name")
    assert editor is not None
    editor.setFocus()  # the patient was typing there
    assert QApplication.focusWidget() is editor
    touch(window.top_bar.home)
    assert window.leave_prompt.isVisible()

    window.show_crash_screen()  # something failed meanwhile: the visit is wiped, the box deleted
    for _ in range(3):
        qtbot.wait(1)  # deleteLater() runs
    assert not window.leave_prompt.isVisible()  # the crash screen's calm words, no question about a wiped visit
    window.reset_for_next_patient()  # the crash screen's time is up: the question goes too
    QApplication.processEvents()

    assert not window.leave_prompt.isVisible()
    assert window.navigator.current == ATTRACT
