"""A page's Markdown, read by the same parser as `kiosk content check`, shown by Qt, scrolled by a finger."""

from __future__ import annotations

import io
import re
from pathlib import Path

from kiosk.qt import (
    QBrush,
    QColor,
    QEvent,
    QFontMetrics,
    QFrame,
    QImage,
    QPainter,
    QPaintEvent,
    QResizeEvent,
    QScroller,
    Qt,
    QTextBlock,
    QTextBlockFormat,
    QTextBrowser,
    QTextCursor,
    QTimer,
    QUrl,
    QWidget,
)

from kiosk.content.markup import IMAGE_SCHEME, QR_SCHEME, Markup, read_markup, to_html
from kiosk.content.pictures import for_the_look, resolve_image

_IMG = re.compile(r'<img src="(content-(?:image|qr):\d+)" alt="([^"]*)" />')
# A picture takes at most this share of the text's height, so words stay in sight beside it.
_MOST_OF_HEIGHT = 0.7
# Each module of the QR code drawn this many pixels wide: phone cameras read it from arm's length.
_QR_SCALE = 6
# The block-format property naming the picture drawn above a block's words (QTextFormat.UserProperty + 1).
PICTURE_PROPERTY = 0x100000 + 1
# QTextListFormat.Style.ListDecimal: this style and those below it number their items.
_FIRST_NUMBERED_STYLE = -4


class MarkdownView(QTextBrowser):
    """Read-only text; drag or swipe to scroll; arrow and page keys for keypad users."""

    picture_share = _MOST_OF_HEIGHT  # the most of the box's height a picture takes

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
        # Images are named relative to this page file; set by the screen before each page is shown.
        self.page_path: Path | None = None
        # Words under each QR code, in the patient's language.
        self.scan_words = ""
        self._markup: Markup | None = None
        self._pictures: dict[str, QImage] = {}
        # Each picture on show, scaled to its place: drawn by paintEvent above the block that holds its words.
        self._placed: dict[str, QImage] = {}
        self._room = (0, 0)
        self._rendering = False

    def set_markdown(self, text: str, accessible_name: str, scroll_name: str) -> None:
        self._markup = read_markup(text)
        self._pictures = self._load_pictures(self._markup)
        self._render()
        self.setAccessibleName(accessible_name)
        self.verticalScrollBar().setAccessibleName(scroll_name)
        self.verticalScrollBar().setValue(0)

    def pictures(self) -> dict[str, QImage]:
        """What each picture and QR code on show holds (a null image for one that could not be read)."""
        return dict(self._pictures)

    def drawn_sizes(self) -> dict[str, tuple[int, int]]:
        """The width and height each picture on show is drawn at, in pixels."""
        return {name: (picture.width(), picture.height()) for name, picture in self._placed.items()}

    def loadResource(self, kind: int, name: QUrl | str) -> object:  # noqa: N802 (Qt's name)
        picture = self._pictures.get(name.toString() if isinstance(name, QUrl) else name)
        if picture is not None and not picture.isNull():
            return picture
        return super().loadResource(kind, name)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        # Pictures are sized to the column: new room (a turned screen, larger text, a scroll bar) sizes them
        # again, after this event: setHtml itself may resize the view, and must not be re-entered.
        if self._pictures and not self._rendering and self._viewport_room() != self._room:
            QTimer.singleShot(0, self, self._refit)

    def _refit(self) -> None:
        if self._pictures and self._viewport_room() != self._room:
            position = self.verticalScrollBar().value()
            self._render()
            self.verticalScrollBar().setValue(position)

    def _viewport_room(self) -> tuple[int, int]:
        return self.viewport().width(), self.viewport().height()

    def _load_pictures(self, markup: Markup) -> dict[str, QImage]:
        pictures: dict[str, QImage] = {}
        for number, image in enumerate(markup.images):
            picture = QImage()
            if self.page_path is not None:
                try:
                    picture = QImage(str(self._for_this_look(resolve_image(self.page_path, image.target))))
                except (OSError, ValueError):  # a name the file system cannot hold: shown as its words
                    picture = QImage()
            pictures[f"{IMAGE_SCHEME}{number}"] = picture
        for number, link in enumerate(markup.web_links):
            # Only the public address the author wrote goes into the code: nothing about the patient.
            png = io.BytesIO()
            import segno  # here: only a page with a web address needs it, not the kiosk's start-up

            segno.make(link.target, error="m").save(png, kind="png", scale=_QR_SCALE, border=4)
            pictures[f"{QR_SCHEME}{number}"] = QImage.fromData(png.getvalue())
        return pictures

    def _for_this_look(self, path: Path) -> Path:
        # A dark background means the high-contrast look: the drawing's "-hc" twin when the author made one.
        return for_the_look(path, dark=self.palette().color(self.backgroundRole()).lightness() < 128)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        super().changeEvent(event)
        # A new theme restyles the view: its drawings follow (the "-hc" ones on black), keeping the reader's place.
        if event.type() == QEvent.Type.StyleChange and self._markup is not None and self._markup.images:
            position = self.verticalScrollBar().value()
            self._pictures = self._load_pictures(self._markup)
            self._render()
            self.verticalScrollBar().setValue(position)

    def _render(self) -> None:
        if self._markup is None:
            return
        self._room = self._viewport_room()
        self._placed = {}
        html = _IMG.sub(self._sized, to_html(self._markup, self.scan_words))
        self._rendering = True
        try:
            self.setHtml(html)
        finally:
            self._rendering = False
        self._space_paragraphs()
        self._make_room_for_pictures()
        self._number_lists()
        self.document().setModified(False)

    def _sized(self, found: re.Match[str]) -> str:
        """A picture's words in the text, where Qt would put an object (heard as U+FFFC by a screen reader).

        The words are marked with the picture's name and hidden (see _make_room_for_pictures); paintEvent draws
        the picture in the room left above them. A QR code's words follow it in plain sight, so it needs none.
        """
        name, alt = found.group(1), found.group(2)
        picture = self._pictures.get(name)
        if picture is None or picture.isNull():
            # A picture that cannot be read (the check names it) still tells the patient what it showed.
            return f"<i>{alt}</i>"
        margin = 2 * int(self.document().documentMargin())
        room_w = max(1, self._room[0] - margin)
        room_h = max(1, int(self._room[1] * self.picture_share))
        scale = min(1.0, room_w / picture.width(), room_h / picture.height())
        width, height = max(1, int(picture.width() * scale)), max(1, int(picture.height() * scale))
        self._placed[name] = picture.scaled(
            width, height, Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.SmoothTransformation
        )
        words = "&nbsp;" if name.startswith(QR_SCHEME) else alt
        return f'<a name="{name}">{words}</a>'

    def _space_paragraphs(self) -> None:
        # Qt's HTML import leaves paragraphs touching; people read better with air.
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

    def _make_room_for_pictures(self) -> None:
        """A line as tall as each picture (and the air above it) for paintEvent to draw it in, over its hidden words.

        The words stay in the document, so a screen reader and read-aloud say what the picture shows; drawn 1 pt
        high in no colour, as a web page's "visually hidden" text, they take no room of their own. The room is the
        line's own height, not a margin: Qt drops the top margin of a document's first block.
        """
        if not self._placed:
            return
        spacing = self.fontInfo().pixelSize() * 0.6
        cursor = QTextCursor(self.document())
        block = self.document().begin()
        while block.isValid():
            fragments = block.begin()
            while not fragments.atEnd():
                fragment = fragments.fragment()
                names = [n for n in fragment.charFormat().anchorNames() if n in self._placed]
                if names:
                    # The anchor marks the words' first letter only: hide every letter of the picture's words.
                    end = self._words_end(block, fragment.position())
                    cursor.setPosition(fragment.position())
                    cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
                    hidden = cursor.charFormat()
                    hidden.setForeground(QBrush(QColor(0, 0, 0, 0)))
                    hidden.setFontPointSize(1)
                    cursor.mergeCharFormat(hidden)
                    if end < block.position() + block.length() - 1:
                        # Words after the picture (a QR code's) get a block of their own, at their own line height.
                        cursor.setPosition(end)
                        cursor.deleteChar()  # the line break
                        cursor.insertBlock()
                    picture = self._placed[names[0]]
                    fmt = QTextBlockFormat(block.blockFormat())
                    fmt.setLineHeight(spacing + picture.height(), QTextBlockFormat.LineHeightTypes.FixedHeight.value)
                    fmt.setProperty(PICTURE_PROPERTY, names[0])
                    cursor.setPosition(block.position())
                    cursor.setBlockFormat(fmt)
                    break
                fragments += 1
            block = block.next()

    @staticmethod
    def _words_end(block: QTextBlock, start: int) -> int:
        """Where a picture's words end: at the line break after them, or the block's end."""
        text = block.text()
        offset = start - block.position()
        stop = text.find("\u2028", offset)
        return block.position() + (len(text) if stop < 0 else stop)

    def _number_lists(self) -> None:
        """A numbered list's numbers written into its text: a screen reader hears them (Qt's drawn numbers are not
        in the text it reads), and a list cut into parts goes on from where it stopped instead of again from 1."""
        document = self.document()
        # Every number is read before any item leaves its list: the list renumbers what stays in it.
        numbered: list[tuple[QTextBlock, str]] = []
        block = document.begin()
        while block.isValid():
            listed = block.textList()
            # Qt's numbered styles (decimal, letters, roman) are -4 and below; -1 to -3 are bullets.
            if listed is not None and listed.format().style().value <= _FIRST_NUMBERED_STYLE:
                numbered.append((block, listed.itemText(block)))
            block = block.next()
        cursor = QTextCursor(document)
        metrics = QFontMetrics(self.font())
        for block, number in numbered:
            listed = block.textList()
            assert listed is not None
            indent = listed.format().indent() * document.indentWidth()
            cursor.setPosition(block.position())
            cursor.insertText(f"{number} ")
            listed.remove(block)
            fmt = QTextBlockFormat(block.blockFormat())  # read after leaving the list: it no longer names it
            # A hanging number: the item's lines start where they did in the list, the number just before them.
            fmt.setIndent(0)
            fmt.setLeftMargin(indent)
            fmt.setTextIndent(-metrics.horizontalAdvance(f"{number} "))
            cursor.setBlockFormat(fmt)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        super().paintEvent(event)
        if not self._placed:
            return
        painter = QPainter(self.viewport())
        try:
            dx, dy = self.horizontalScrollBar().value(), self.verticalScrollBar().value()
            layout = self.document().documentLayout()
            block = self.document().begin()
            while block.isValid():
                name = str(block.blockFormat().property(PICTURE_PROPERTY) or "")
                picture = self._placed.get(name)
                if picture is not None:
                    place = layout.blockBoundingRect(block)
                    x = place.left() + block.blockFormat().leftMargin()
                    # A drawing sits in the middle, as a booklet's figure; a QR code stays at the left, over its words.
                    if name.startswith(IMAGE_SCHEME):
                        x += max(0.0, (place.width() - block.blockFormat().leftMargin() - picture.width()) / 2)
                    # Qt's rectangle for the block is its 1-pt words; the line reserves the picture's whole height.
                    bottom = place.top() + block.blockFormat().lineHeight()
                    painter.drawImage(int(x) - dx, int(bottom) - picture.height() - dy, picture)
                block = block.next()
        finally:
            painter.end()
