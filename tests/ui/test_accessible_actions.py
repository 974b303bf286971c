"""What assistive technology does to the kiosk: actions, focus and announcements, driven through QAccessible.

On Linux Qt hands these interfaces to AT-SPI; a screen reader or switch acts through an object's action
interface (Press, Toggle, SetFocus), never by a mouse event, so these tests do the same.
"""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from kiosk.qt import QAccessible, QAccessibleInterface, QWidget

from kiosk.ui.presentation import TextSize, ThemeName
from kiosk.ui.window import KioskWindow


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
