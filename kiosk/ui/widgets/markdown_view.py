"""Markdown rendered by Qt itself, with room between paragraphs, scrolled by a finger."""

from __future__ import annotations

from kiosk.qt import (
    QFrame,
    QScroller,
    Qt,
    QTextBlockFormat,
    QTextBrowser,
    QTextCursor,
    QWidget,
)


class MarkdownView(QTextBrowser):
    """Read-only text; drag or swipe to scroll; arrow and page keys for keypad users."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setOpenLinks(False)
        # Keyboard scrolling stays; mouse selection goes, so a tap never highlights text.
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextBrowserInteraction & ~Qt.TextInteractionFlag.TextSelectableByMouse
        )
        self.viewport().setCursor(Qt.CursorShape.ArrowCursor)
        QScroller.grabGesture(self.viewport(), QScroller.ScrollerGestureType.LeftMouseButtonGesture)

    def set_markdown(self, text: str, accessible_name: str, scroll_name: str) -> None:
        self.setMarkdown(text)
        self._space_paragraphs()
        self.setAccessibleName(accessible_name)
        self.verticalScrollBar().setAccessibleName(scroll_name)
        self.verticalScrollBar().setValue(0)

    def _space_paragraphs(self) -> None:
        # Qt's Markdown import leaves paragraphs touching; people read better with air.
        spacing = self.fontInfo().pixelSize() * 0.6
        cursor = QTextCursor(self.document())
        block = self.document().begin()
        while block.isValid():
            fmt = QTextBlockFormat(block.blockFormat())
            fmt.setBottomMargin(spacing if block.textList() is None else spacing / 3)
            fmt.setLineHeight(125, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
            cursor.setPosition(block.position())
            cursor.setBlockFormat(fmt)
            block = block.next()
        self.document().setModified(False)
