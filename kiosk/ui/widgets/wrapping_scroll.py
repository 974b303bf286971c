"""A vertical scroll area for word-wrapped contents that scrolls instead of cutting words."""

from __future__ import annotations

from kiosk.qt import QFrame, QResizeEvent, QScrollArea, QScroller, QSize, Qt, QWidget


class WrappingScrollArea(QScrollArea):
    """A vertical scroll area whose contents keep the height their wrapped words need.

    QScrollArea sizes its widget from minimumSizeHint, which ignores height-for-width: wrapped buttons and labels
    would be squeezed into the viewport and cut their words instead of scrolling.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        QScroller.grabGesture(self.viewport(), QScroller.ScrollerGestureType.LeftMouseButtonGesture)
        # Not a Tab stop of its own: Tab goes to the controls inside, and the area scrolls each into view.
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)

    def set_names(self, name: str, scroll_name: str) -> None:
        """What a screen reader calls the area and its scroll bar, in the patient's language."""
        self.setAccessibleName(name)
        self.verticalScrollBar().setAccessibleName(scroll_name)

    def fit_contents(self) -> None:
        contents = self.widget()
        layout = contents.layout() if contents is not None else None
        if contents is None or layout is None:
            return
        if not layout.hasHeightForWidth():
            return
        # The full width of the area, less the scroll bar when the words need more height than there is.
        width = self.width() - 2 * self.frameWidth()
        height = layout.totalHeightForWidth(width)
        if height > self.height():
            height = layout.totalHeightForWidth(width - self.verticalScrollBar().sizeHint().width())
        contents.setMinimumHeight(height)
        self.updateGeometry()  # the area's own hint follows its contents

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        # All of the contents when there is room: Qt's own hint is a fixed 256x192 (or 0x0 once adjusted).
        contents = self.widget()
        if contents is None:
            return super().sizeHint()
        hint = contents.sizeHint().expandedTo(contents.minimumSize())
        frame = 2 * self.frameWidth()
        return QSize(hint.width() + frame, hint.height() + frame)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self.fit_contents()
