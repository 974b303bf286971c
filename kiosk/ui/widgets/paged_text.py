"""A section's text in parts that each fit their box, turned like a booklet's pages instead of scrolled.

A scroll box hid the end of a section (the last bullet cut mid-line, no sign that more was below). Here the
rendered text is measured and broken between paragraphs or list items (or between the lines of a paragraph taller
than the box) into parts that each fit; the page shows one part and says how many there are. Only a line taller
than the box could still scroll (the page's "More below" cue covers that).
"""

from __future__ import annotations

from kiosk.qt import QResizeEvent, Qt, QTextBlock, QTextBlockFormat, QTextCursor, QTimer, QWidget, Signal

from kiosk.ui.widgets.markdown_view import PICTURE_PROPERTY, MarkdownView


class PagedText(MarkdownView):
    """Shows part `part` of `parts`; `parts_changed` says when either changes (a new text, size or part)."""

    parts_changed = Signal()
    # A picture leaves room for the words it illustrates on the same part, not a part of its own.
    picture_share = 0.4

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # No bar: parts fit, and a bar that came and went with each cut would change the width being measured.
        # A finger (QScroller) and the arrow keys still scroll the rare block taller than the box.
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.part = 0
        self.parts = 1
        self._starts: list[int] = [0]  # the position each part starts at, in the whole text
        self._measured = (0, 0)

    def set_markdown(self, text: str, accessible_name: str, scroll_name: str) -> None:
        self.part = 0
        self._starts = [0]
        super().set_markdown(text, accessible_name, scroll_name)

    def show_part(self, part: int) -> None:
        self.part = min(max(0, part), self.parts - 1)
        self._render()
        self.verticalScrollBar().setValue(0)

    def _render(self) -> None:
        first_position = self._starts[min(self.part, len(self._starts) - 1)]
        # The whole text, set before it is cut, would announce a scroll range that the cut takes away again: a cue
        # such as "More below" shown and hidden in between would change the room being measured.
        bar = self.verticalScrollBar()
        bar.blockSignals(True)
        try:
            slack = 0.0
            for _attempt in range(3):
                super()._render()
                self._measured = (self.viewport().width(), self.viewport().height())
                self._starts = self._part_starts(slack)
                # After a new size, the part holding the words the patient was reading stays in sight.
                self.parts = len(self._starts)
                self.part = max(n for n, start in enumerate(self._starts) if start <= first_position)
                self._keep_only(self.part)
                # The cut part is laid out again on its own, and may come out a pixel or two taller than measured
                # (line spacing at its end): then it is cut once more with that much less room.
                over = self.document().size().height() - self.viewport().height()
                if over <= 0 or self._one_line():
                    break
                slack += over + 1
        finally:
            bar.blockSignals(False)
        self.parts_changed.emit()

    def measured_at_this_size(self) -> bool:
        """False between a new size and the parts being cut again for it (on the next turn of the event loop)."""
        return (self.viewport().width(), self.viewport().height()) == self._measured

    def hides_text(self) -> bool:
        """Whether words are out of sight below: only a part holding a line taller than the box."""
        bar = self.verticalScrollBar()
        height = self.document().size().height()  # the laid-out part, not a scroll range Qt may not have updated
        return height > self.viewport().height() + 1 and bar.value() < bar.maximum()

    def _one_line(self) -> bool:
        document = self.document()
        return document.blockCount() == 1 and document.begin().layout().lineCount() <= 1

    def _blocks(self) -> list[QTextBlock]:
        blocks = []
        block = self.document().begin()
        while block.isValid():
            blocks.append(block)
            block = block.next()
        return blocks

    def _pieces(self, room: float) -> list[tuple[int, float, float, str]]:
        """What a part may start at: (position, top, bottom, words) of each block, or of each line of a block taller
        than the room (which would otherwise scroll, and need a "More below" cue in one language and not another)."""
        layout = self.document().documentLayout()
        pieces: list[tuple[int, float, float, str]] = []
        for block in self._blocks():
            fmt = block.blockFormat()
            place = layout.blockBoundingRect(block)
            # A block's rectangle leaves out its margins: the top one holds a picture, the bottom one its air.
            top, bottom = place.top() - fmt.topMargin(), place.bottom() + fmt.bottomMargin()
            if fmt.hasProperty(PICTURE_PROPERTY):  # its rectangle is its hidden words; its line holds the picture
                bottom = place.top() + fmt.lineHeight() + fmt.bottomMargin()
            if bottom - top <= room or block.layout().lineCount() < 2:
                pieces.append((block.position(), top, bottom, block.text()))
            else:
                pieces += self._lines(block, top, bottom)
        return pieces

    def _lines(self, block: QTextBlock, top: float, bottom: float) -> list[tuple[int, float, float, str]]:
        """A block's pieces line by line: the words go with its last line (see _part_starts)."""
        place = self.document().documentLayout().blockBoundingRect(block)
        lines = block.layout()
        pieces = []
        for number in range(lines.lineCount()):
            line = lines.lineAt(number)
            last = number == lines.lineCount() - 1
            pieces.append(
                (
                    block.position() + line.textStart(),
                    top if number == 0 else place.top() + line.y(),
                    bottom if last else place.top() + line.y() + line.height(),
                    block.text() if last else "",
                )
            )
        return pieces

    def _is_picture(self, position: int) -> bool:
        return self.document().findBlock(position).blockFormat().hasProperty(PICTURE_PROPERTY)

    def _picture_alone(self, pieces: list[tuple[int, float, float, str]], first: int, number: int, room: float) -> bool:
        """Whether the part is a picture alone while the paragraph after it could start under it (two lines)."""
        document = self.document()
        if number != first + 1 or not self._is_picture(pieces[first][0]):
            return False
        block = document.findBlock(pieces[number][0])
        if block.position() != pieces[number][0] or block.layout().lineCount() < 3:
            return False
        second = block.layout().lineAt(1)
        place = document.documentLayout().blockBoundingRect(block)
        return place.top() + second.y() + second.height() - pieces[first][1] <= room

    def _part_starts(self, slack: float) -> list[int]:
        """The document position each part starts at: between blocks, or between lines of a block too tall."""
        document = self.document()
        room = self.viewport().height() - 2 * document.documentMargin() - slack
        pieces = self._pieces(room)
        if room <= 0 or not pieces:
            return [0]
        starts = [0]
        first = 0
        number = 1
        while number < len(pieces):
            bottom = pieces[number][2]
            if bottom - pieces[first][1] <= room:
                number += 1
                continue
            if self._picture_alone(pieces, first, number, room):
                # A drawing alone on a part, its words a turn away: the paragraph under it starts on its part.
                top, bottom = pieces[number][1], pieces[number][2]
                pieces[number : number + 1] = self._lines(self.document().findBlock(pieces[number][0]), top, bottom)
                continue
            cut = number
            # A lead-in ("…for pain caused by:") turns the page with what it introduces, not before it, if both fit.
            lead_in = pieces[cut - 1]
            introduces = lead_in[3].rstrip().endswith(":") and bottom - lead_in[1] <= room
            # A paragraph's last line never turns alone to the next part ("for you." on a page of its own): the line
            # before it goes with it (a piece with no words is a line of the paragraph before its last).
            alone = bool(pieces[cut][3]) and not lead_in[3]
            # (Unless that would leave a drawing with one line under it: two lines under it read, one does not.)
            under_picture = self._is_picture(pieces[first][0])
            if (cut - 1 > first and introduces) or (alone and cut - 1 - first > (2 if under_picture else 0)):
                cut -= 1
            starts.append(pieces[cut][0])
            first = cut
            number = cut + 1
        return starts

    def _keep_only(self, part: int) -> None:
        """Cut the document down to one part, so what a screen reader or read-aloud finds is what is shown."""
        if self.parts == 1:
            return
        document = self.document()
        start = self._starts[part]
        cursor = QTextCursor(document)
        cursor.beginEditBlock()
        if part + 1 < self.parts:
            end = self._starts[part + 1]
            # Between blocks the cut takes the separator before the next block too; inside one, its later lines.
            at_block = document.findBlock(end).position() == end
            cursor.setPosition(end - 1 if at_block else end)
            cursor.movePosition(QTextCursor.MoveOperation.End, QTextCursor.MoveMode.KeepAnchor)
            cursor.removeSelectedText()
        if part > 0:
            inside = document.findBlock(start).position() != start
            cursor.setPosition(0)
            cursor.setPosition(start, QTextCursor.MoveMode.KeepAnchor)
            cursor.removeSelectedText()
            if inside:
                self._continue_block(document.begin())
        cursor.endEditBlock()
        document.setModified(False)

    def _continue_block(self, block: QTextBlock) -> None:
        """A paragraph going on from the part before: no picture above it again, no second bullet."""
        listed = block.textList()
        indent = listed.format().indent() * self.document().indentWidth() if listed is not None else 0
        if listed is not None:
            listed.remove(block)
        fmt = QTextBlockFormat(block.blockFormat())
        fmt.clearProperty(PICTURE_PROPERTY)
        fmt.setLineHeight(125, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
        fmt.setIndent(0)
        fmt.setLeftMargin(max(fmt.leftMargin(), indent))
        fmt.setTextIndent(0)
        QTextCursor(block).setBlockFormat(fmt)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        # Measured again after the event: a new height (the keyboard, a turned screen, larger text) moves the cuts.
        if not self.measured_at_this_size():
            QTimer.singleShot(0, self, self._measure_again)

    def _measure_again(self) -> None:
        if not self.measured_at_this_size():
            self._render()

    def measure_now(self) -> None:
        """Cut the parts again for a size just given, without waiting for the event loop (see resizeEvent)."""
        self._measure_again()
