"""Text taller than its box scrolls under a finger (QScroller) and with a keypad.

A page's sections are cut into parts that fit (tests/ui/test_info_booklet.py), even between the lines of a paragraph
taller than the box (tests/ui/test_booklet_text.py); the text view under them still scrolls what is taller than
its box: tested here on the view itself, with a small box and a long paragraph.
"""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from kiosk.qt import QPoint, Qt

from kiosk.ui.widgets.markdown_view import MarkdownView
from kiosk.ui.widgets.paged_text import PagedText

PARAGRAPH = " ".join(f"Sentence {number} of a paragraph that has no break in it." for number in range(60))


@pytest.fixture
def view(qtbot: QtBot) -> MarkdownView:
    text = MarkdownView()
    qtbot.add_widget(text)
    text.resize(420, 240)
    text.show()
    qtbot.wait_exposed(text)
    text.set_markdown(f"A short paragraph.\n\n{PARAGRAPH}", "Text", "Scroll")
    qtbot.waitUntil(lambda: text.verticalScrollBar().maximum() > 0)
    return text


# Qt's gesture manager still remembers viewports of earlier tests' windows and says so once;
# the kiosk has one window for its whole life, so this only happens in a test session.
@pytest.mark.qt_log_ignore("QGestureManager::deliverEvents: could not find the target for gesture")
def test_dragging_the_text_up_scrolls_it(qtbot: QtBot, view: MarkdownView) -> None:
    viewport = view.viewport()
    bar = view.verticalScrollBar()
    start = QPoint(viewport.width() // 2, viewport.height() - 40)
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=start)
    for step in range(1, 16):
        qtbot.wait(16)  # a finger moves over several frames
        qtbot.mouseMove(viewport, start - QPoint(0, step * 10))
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=start - QPoint(0, 150))
    qtbot.waitUntil(lambda: bar.value() > 0, timeout=2_000)


def test_page_down_scrolls_for_keypad_users(qtbot: QtBot, view: MarkdownView) -> None:
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_PageDown)
    assert view.verticalScrollBar().value() > 0


def test_in_a_booklet_the_same_text_is_turned_in_parts_and_never_scrolls(qtbot: QtBot) -> None:
    text = PagedText()
    qtbot.add_widget(text)
    text.resize(420, 240)
    text.show()
    qtbot.wait_exposed(text)
    text.set_markdown(f"A short paragraph.\n\n{PARAGRAPH}", "Text", "Scroll")
    qtbot.waitUntil(text.measured_at_this_size)
    assert text.parts > 2 and text.toPlainText().startswith("A short paragraph.\nSentence 0 ")
    for part in range(text.parts):
        text.show_part(part)
        assert not text.hides_text() and text.verticalScrollBar().maximum() == 0
