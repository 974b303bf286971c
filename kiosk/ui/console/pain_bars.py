"""Pain before and now as two labelled bars on the 0-10 scale, drawn with QPainter."""

from __future__ import annotations

from kiosk.qt import QColor, QFont, QPainter, QPaintEvent, QRect, QSize, Qt, QWidget

from kiosk.ui.console.theme import CONSOLE_COLOURS

_SCALE = 10


class PainBars(QWidget):
    def __init__(self, before: int, now: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.before, self.now = before, now
        self.setAccessibleName(f"Pain {before} out of 10 before, {now} out of 10 now")
        self.setMinimumSize(220, 60)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(300, 64)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        font = QFont(self.font())
        painter.setFont(font)
        metrics = painter.fontMetrics()
        label_width = metrics.horizontalAdvance("Before ") + 4
        value_width = metrics.horizontalAdvance(" 10/10") + 4
        row_height = (self.height() - 6) // 2
        track_width = max(40, self.width() - label_width - value_width)
        rows = (("Before", self.before, CONSOLE_COLOURS["bar_before"]), ("Now", self.now, CONSOLE_COLOURS["bar_now"]))
        for index, (name, value, colour) in enumerate(rows):
            top = index * (row_height + 6)
            text_rect = QRect(0, top, label_width, row_height)
            painter.setPen(QColor(CONSOLE_COLOURS["text"]))
            painter.drawText(text_rect, int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft), name)
            bar_top = top + row_height // 4
            bar_height = max(6, row_height // 2)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(CONSOLE_COLOURS["pressed"]))
            painter.drawRoundedRect(label_width, bar_top, track_width, bar_height, 3, 3)
            filled = round(track_width * max(0, min(value, _SCALE)) / _SCALE)
            if filled:
                painter.setBrush(QColor(colour))
                painter.drawRoundedRect(label_width, bar_top, filled, bar_height, 3, 3)
            painter.setPen(QColor(CONSOLE_COLOURS["text"]))
            value_rect = QRect(label_width + track_width, top, value_width, row_height)
            right = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight
            painter.drawText(value_rect, int(right), f"{value}/10")
        painter.end()
