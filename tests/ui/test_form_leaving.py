"""One way back inside a form, and Home or Back never silently erases a half-filled form."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from kiosk.qt import QAccessible, QAccessibleInterface, QApplication, QWidget

from kiosk.services.navigation import Screen
from kiosk.ui.window import KioskWindow
from tests.drivers.patient import choose, click, next_step, start, type_into
from tests.ui.helpers import really_visible


def words_on_screen(window: KioskWindow) -> list[str]:
    return [button.words() for button in window.findChildren(type(window.form.next)) if really_visible(button)]


def test_a_form_has_one_way_back_the_bars_back(qtbot: QtBot, window: KioskWindow) -> None:
    start(qtbot, window, "appointment")
    choose(qtbot, window, "patient_status", "new")
    choose(qtbot, window, "reason", "si-joint-injection")
    next_step(qtbot, window)
    shown = words_on_screen(window)
    assert "←  Back" in shown
    assert not any("Previous" in words for words in shown)
    click(qtbot, window.top_bar.back)  # a step back, without a question: nothing is lost
    assert not window.leave_prompt.isVisible()
    assert window.form.step_title.text() == "About your appointment"


def test_home_on_a_half_filled_form_asks_first_and_keep_going_is_the_default(qtbot: QtBot, window: KioskWindow) -> None:
    start(qtbot, window, "appointment")
    choose(qtbot, window, "patient_status", "new")
    choose(qtbot, window, "reason", "si-joint-injection")
    next_step(qtbot, window)
    type_into(qtbot, window, "first_name", "ana")
    click(qtbot, window.top_bar.home)
    prompt = window.leave_prompt
    assert really_visible(prompt.card)
    assert prompt.title.text() == "Leave without sending?"
    assert prompt.body.text() == "Your answers will be erased."
    assert [prompt.keep_going.words(), prompt.leave_button.words()] == ["Keep going", "Leave and erase"]
    # The safe answer has the focus and is the default: Enter keeps the form.
    assert QApplication.focusWidget() is prompt.keep_going and prompt.keep_going.isDefault()
    assert window.metrics is not None
    for button in (prompt.keep_going, prompt.leave_button):  # a finger's width at least
        assert min(button.width(), button.height()) >= window.metrics.px("target")
    # A screen reader meets a dialog named by its question.
    accessible = QAccessible.queryAccessibleInterface(prompt)
    assert isinstance(accessible, QAccessibleInterface)
    assert accessible.role() == QAccessible.Role.Dialog
    assert accessible.text(QAccessible.Text.Name) == "Leave without sending?"

    click(qtbot, prompt.keep_going)
    assert not prompt.isVisible()
    assert window.navigator.current.screen == Screen.APPOINTMENT
    editor = window.form.findChild(QWidget, "field-first_name")
    assert editor is not None and really_visible(editor)
    assert editor.property("text") == "Ana"  # what was typed stays


def test_leaving_erases_the_answers_and_goes_home(qtbot: QtBot, window: KioskWindow) -> None:
    start(qtbot, window, "appointment")
    choose(qtbot, window, "patient_status", "existing")
    click(qtbot, window.top_bar.home)
    click(qtbot, window.leave_prompt.leave_button)
    assert window.current_screen is window.home
    assert window.form.draft is None
    start(qtbot, window, "appointment")
    button = window.form.findChild(QWidget, "option-patient_status-existing")
    assert button is not None and not button.property("checked")


def test_back_on_the_first_step_asks_only_once_something_is_answered(qtbot: QtBot, window: KioskWindow) -> None:
    start(qtbot, window, "appointment")
    click(qtbot, window.top_bar.back)  # nothing answered: nothing to lose, no question
    assert not window.leave_prompt.isVisible()
    assert window.current_screen is window.home
    start(qtbot, window, "appointment")
    choose(qtbot, window, "patient_status", "existing")
    click(qtbot, window.top_bar.back)
    assert window.leave_prompt.isVisible()
    click(qtbot, window.leave_prompt.leave_button)
    assert window.current_screen is window.home


def test_the_question_in_spanish_and_gone_when_the_visit_times_out(qtbot: QtBot, window: KioskWindow) -> None:
    start(qtbot, window, "appointment")
    choose(qtbot, window, "patient_status", "new")
    window.texts.set_language("es")
    click(qtbot, window.top_bar.home)
    prompt = window.leave_prompt
    assert prompt.title.text() == "¿Salir sin enviar?"
    assert prompt.keep_going.words() == "Seguir aquí"
    window.reset_for_next_patient()
    assert not prompt.isVisible()
    assert window.form.draft is None
