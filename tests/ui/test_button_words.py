"""A button's words take the height they need at the button's width now, not at a width it had before."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from kiosk.qt import QApplication, QVBoxLayout, QWidget

from kiosk.ui.widgets.buttons import TouchButton

WORDS = "Redness or swelling where the needle went in"


def test_words_that_wrapped_at_a_narrow_width_are_one_line_high_again_when_it_widens(qtbot: QtBot) -> None:
    holder = QWidget()
    qtbot.addWidget(holder)
    button = TouchButton("choice")
    button.set_words(WORDS)
    QVBoxLayout(holder).addWidget(button)
    holder.resize(1400, 200)
    holder.show()
    qtbot.waitExposed(holder)
    one_line = button.label.height()

    holder.resize(300, 400)  # briefly narrow, as a column is while a step is laid out: the words wrap
    qtbot.wait_until(lambda: button.label.height() > 1.5 * one_line)
    holder.resize(1400, 400)
    QApplication.processEvents()
    qtbot.wait_until(lambda: button.width() > 1000)
    QApplication.processEvents()

    # One line again: a patient sees the button as tall as its words, not a two-line box around one line.
    assert button.label.height() == one_line
    assert button.label.minimumHeight() <= one_line
