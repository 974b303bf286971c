"""One of the project's line drawings (or a page's picture) at the size asked, drawn again for each new size.

Every picture file is drawn through one QIcon, kept. Qt files each drawing it makes in its pixmap cache under the
icon's own serial number, so a QIcon made afresh for each showing never finds the drawing an earlier one made at
the same size, and leaves its own there unused until the cache is full (10 MiB): `kiosk bench --soak` got 8 MiB
of such drawings back each time it emptied the cache (200 visits apart), and each card was drawn afresh at every
language, text size or contrast change. Kept, the icon finds its drawing at any size it was drawn at before.
"""

from __future__ import annotations

import functools
from pathlib import Path

from kiosk.qt import QEvent, QIcon, QLabel, QPixmap, QSize, Qt, QWidget

from kiosk.content.pictures import PATHS_KEPT, for_the_look


@functools.lru_cache(maxsize=PATHS_KEPT)
def _icon(path: Path) -> QIcon:
    return QIcon(str(path))


def drawn(path: Path, room: QSize) -> QPixmap:
    """The picture at the largest size of its own shape that fits `room`; the same pixmap (shared, not copied)
    for every widget that shows this picture at this size while Qt's pixmap cache keeps it. Asked at its own
    size, so any room that fits it the same way finds the same drawing."""
    icon = _icon(path)
    return icon.pixmap(icon.actualSize(room))


def forget_drawings() -> None:
    """After the content is reloaded: a picture file may have been replaced, and its old drawings must not show."""
    _icon.cache_clear()


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
        # Without a height, the height is left free.
        self.setPixmap(drawn(path, QSize(width, height if height > 0 else width * 8)))
        self._drawn = (path, width, height)
