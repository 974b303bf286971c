"""What assistive technology does to the kiosk: actions, focus and announcements, driven through QAccessible.

On Linux Qt hands these interfaces to AT-SPI; a screen reader or switch acts through an object's action
interface (Press, Toggle, SetFocus), never by a mouse event, so these tests do the same.
"""

from __future__ import annotations

import functools

from pytestqt.qtbot import QtBot

from kiosk.qt import QAccessible, QAccessibleInterface, QApplication, QLineEdit, QWidget

from kiosk.services.navigation import Route, Screen
from kiosk.ui.presentation import TextSize, ThemeName
from kiosk.ui.window import KioskWindow
from tests.ui.conftest import MakeWindow, restarts_the_idle_wait
from tests.ui.patient_screens import active_window

FAST_SECOND_MS = 5  # as in test_idle: the 120 s wait passes in 0.6 s


def accessible(widget: QWidget) -> QAccessibleInterface:
    """The object an AT reads and acts through."""
    interface = QAccessible.queryAccessibleInterface(widget)
    assert interface is not None, f"{widget.objectName()} has no accessible interface"
    return interface


def act(widget: QWidget, action: str) -> None:
    """Run `action` ("Press", "Toggle", "SetFocus") as an AT would; only an action the object offers."""
    actions = accessible(widget).actionInterface()
    assert actions is not None, f"{widget.objectName()} offers no actions"
    assert action in actions.actionNames(), f"{widget.objectName()} offers only {actions.actionNames()}"
    actions.doAction(action)


def is_checked(widget: QWidget) -> bool:
    return bool(accessible(widget).state().checked)


def test_toggling_tieng_viet_through_its_action_switches_the_words(qtbot: QtBot, window: KioskWindow) -> None:
    window.navigator.home()
    english_home = window.home.accessibleName()
    vietnamese = window.top_bar.languages._buttons["vi"]
    assert accessible(vietnamese).text(QAccessible.Text.Name) == "Tiếng Việt"
    act(vietnamese, "Toggle")
    assert window.texts.language == "vi"
    assert window.home.accessibleName() != english_home
    assert is_checked(vietnamese)
    assert not is_checked(window.top_bar.languages._buttons["en"])
    # Toggling the chosen language again leaves it chosen, as a second tap does.
    act(vietnamese, "Toggle")
    assert window.texts.language == "vi" and is_checked(vietnamese)


def test_a_text_size_and_contrast_change_through_their_actions(qtbot: QtBot, window: KioskWindow) -> None:
    window.navigator.home()
    access = window.access_bar
    text_height = window.home.title.fontMetrics().height()
    act(access.text_sizes[TextSize.EXTRA_LARGE], "Toggle")
    assert window.presentation.text_size is TextSize.EXTRA_LARGE
    assert is_checked(access.text_sizes[TextSize.EXTRA_LARGE])
    assert not is_checked(access.text_sizes[TextSize.NORMAL])
    assert window.home.title.fontMetrics().height() > text_height  # the screen in sight is restyled
    themes = []
    for _ in range(2):
        act(access.contrast, "Toggle")
        themes.append((window.presentation.theme, is_checked(access.contrast)))
    assert themes == [(ThemeName.HIGH_CONTRAST, True), (ThemeName.NORMAL, False)]


def test_a_screen_reader_user_acting_only_through_actions_never_sees_the_warning(
    qtbot: QtBot, make_window: MakeWindow
) -> None:
    window = active_window(qtbot, make_window)
    window.navigator.home()
    access = window.access_bar
    # No mouse, touch or key event: a toggle, a move of focus, then a toggle back; each starts the wait over.
    sizes = access.text_sizes
    steps: list[tuple[QWidget, str]] = [
        (access.contrast, "Toggle"),
        (sizes[TextSize.LARGE], "SetFocus"),
        (access.contrast, "Toggle"),
        (window.top_bar.languages._buttons["es"], "SetFocus"),
        (sizes[TextSize.NORMAL], "SetFocus"),
        (sizes[TextSize.LARGE], "Toggle"),
    ]
    for widget, action in steps:
        assert restarts_the_idle_wait(window.idle, functools.partial(act, widget, action)), (
            widget.objectName(),
            action,
        )
        assert not window.idle.warning
    assert not window.idle_warning.isVisible()
    assert window.current_screen is window.home


def test_text_set_through_the_accessible_interface_counts_as_activity(qtbot: QtBot, window: KioskWindow) -> None:
    window.navigator.home()
    # A text box made after the window, as a form step makes its own (followed when Qt first polishes it).
    field = QLineEdit(window.home)
    field.show()
    text = accessible(field).editableTextInterface()
    assert text is not None
    for letter in "Ana":
        assert restarts_the_idle_wait(window.idle, functools.partial(text.insertText, len(field.text()), letter))
    assert field.text() == "Ana"
    assert not window.idle.warning


def test_the_time_out_warning_is_a_named_dialog_with_the_focus_on_its_button(
    qtbot: QtBot, make_window: MakeWindow
) -> None:
    window = active_window(qtbot, make_window)
    window.idle.set_second_ms(FAST_SECOND_MS)
    window.navigator.home()
    warning = window.idle_warning
    with qtbot.wait_signal(window.idle.warning_started, timeout=3_000):
        pass
    dialog = accessible(warning)
    assert dialog.role() == QAccessible.Role.Dialog
    assert dialog.text(QAccessible.Text.Name) == "Are you still there?"
    assert "30 seconds" in dialog.text(QAccessible.Text.Description)
    assert QApplication.focusWidget() is warning.button
    assert accessible(warning.button).state().focused
    assert accessible(warning.button).text(QAccessible.Text.Name) == "I need more time"
    with qtbot.wait_signal(window.idle.countdown, timeout=3_000):
        pass
    assert "29 seconds" in dialog.text(QAccessible.Text.Description)  # the countdown is heard as it runs
    # A switch user's Press keeps the page, as a tap does.
    act(warning.button, "Press")
    qtbot.wait_until(lambda: not warning.isVisible(), timeout=1_000)
    assert window.current_screen is window.home


def test_a_section_tab_toggled_through_accessibility_opens_its_section(qtbot: QtBot, window: KioskWindow) -> None:
    """A screen reader's Toggle on a section tab does what a tap does (it used to check the tab and stay put)."""
    window.go(Route(Screen.PROCEDURE, "si-joint-injection", 0))
    page = window.info_page
    third = page.tabs[2]
    act(third, "Toggle")
    assert window.navigator.current == Route(Screen.PROCEDURE, "si-joint-injection", 2)
    assert page.tabs[2].isChecked() and not page.tabs[0].isChecked()
    assert page.section_title.text() in accessible(page.tabs[2]).text(QAccessible.Text.Name)
