"""One of the project's line drawings (or a page's picture) at the size asked, drawn again for each new size."""

from __future__ import annotations

from pathlib import Path

from kiosk.qt import QEvent, QIcon, QLabel, QSize, Qt, QWidget

from kiosk.content.pictures import for_the_look


class Drawing(QLabel):
    """A picture that keeps its shape; an SVG is drawn afresh at each size, so its lines stay sharp."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Drawing")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)  # a tap goes to the card under it
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._path: Path | None = None
        self._drawn: tuple[Path, int, int] | None = None
        self._width = 0
        self._height = 0

    def set_path(self, path: Path) -> None:
        self._path = path

    def _for_this_look(self, path: Path) -> Path:
        # Light words mean a dark (high-contrast) page: then the drawing's "-hc" twin, light lines on black.
        return for_the_look(path, dark=self.palette().color(self.foregroundRole()).lightness() >= 128)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        super().changeEvent(event)
        if event.type() == QEvent.Type.StyleChange and self._width:
            self.draw(self._width, self._height)  # a new theme may want the other twin

    def draw(self, width: int, height: int = 0) -> None:
        """Drawn `width` wide at most (and `height` high at most, when given), keeping its shape."""
        self._width, self._height = width, height
        if self._path is None or width <= 0:
            return
        path = self._for_this_look(self._path)
        if self._drawn == (path, width, height):
            return
        icon = QIcon(str(path))
        # The largest size of the drawing's own shape that fits (without a height, the height is left free).
        size = icon.actualSize(QSize(width, height if height > 0 else width * 8))
        # Drawn again only for a new size or file: each QIcon drawing stays in Qt's pixmap cache for a while.
        self.setPixmap(icon.pixmap(size))
        self._drawn = (path, width, height)
