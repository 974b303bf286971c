"""The soak's curve as a PNG drawn with Qt's own painter: one small panel per figure, taps along the bottom.

QPainter on a QImage needs no screen and no plotting library (the kiosk ships Qt already; Qt Charts would draw
the same lines through a scene and a view for a dozen little panels).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from pathlib import Path

from kiosk.qt import QColor, QFont, QImage, QPainter, QPen, QPointF, QRect, Qt

PANELS = (
    ("rss_kib", "resident memory (MiB)", 1024),
    ("heap_kib", "Python heap, tracemalloc (MiB)", 1024),
    ("malloc_in_use_kib", "C heap in use, malloc (MiB)", 1024),
    ("malloc_free_kib", "C heap freed but held, malloc (MiB)", 1024),
    ("qobjects", "live QObjects", 1),
    ("wrappers", "Python wrappers of Qt objects", 1),
    ("dead_wrappers", "wrappers of deleted Qt objects", 1),
    ("fds", "open file descriptors", 1),
    ("sqlite_kept", "of which SQLite keeps for reuse", 1),
    ("threads", "threads", 1),
    ("qtimers", "QTimers", 1),
    ("db_connections", "database connections open", 1),
    ("db_checked_out", "database connections in use", 1),
    ("server_connections", "server sessions (PostgreSQL)", 1),
    ("log_kib", "log folder (KiB)", 1),
)
COLUMNS = 2
PANEL_W, PANEL_H = 560, 150
MARGIN = 14
INK, GRID, LINE, WARM = QColor("#202020"), QColor("#d0d0d0"), QColor("#1f5fa8"), QColor("#b04000")


def _value(sample: dict[str, float], key: str, scale: int) -> float:
    return sample[key] / scale


def draw(samples: Sequence[dict[str, float]], warm_up_taps: int, title: str, path: Path) -> None:
    """Write the PNG; the dashed line in each panel marks the end of the warm-up (the figures are judged from it)."""
    rows = -(-len(PANELS) // COLUMNS)
    top = 40
    image = QImage(COLUMNS * PANEL_W, top + rows * PANEL_H, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        font = QFont()
        font.setPixelSize(15)
        painter.setFont(font)
        painter.setPen(INK)
        painter.drawText(QRect(MARGIN, 8, image.width() - 2 * MARGIN, 26), Qt.AlignmentFlag.AlignLeft, title)
        font.setPixelSize(12)
        painter.setFont(font)
        last_taps = max((sample["taps"] for sample in samples), default=1) or 1
        for index, (key, label, scale) in enumerate(PANELS):
            cell = QRect((index % COLUMNS) * PANEL_W, top + (index // COLUMNS) * PANEL_H, PANEL_W, PANEL_H)
            _panel(painter, cell, [(_value(s, key, scale), s["taps"]) for s in samples], label, warm_up_taps, last_taps)
    finally:
        painter.end()
    # The format follows the file's ending (.png); PySide6 6.11 refuses the format argument its stubs ask for.
    if not image.save(str(path)):
        raise OSError(f"could not write the plot to {path} (name it with .png)")


def _panel(
    painter: QPainter, cell: QRect, points: list[tuple[float, float]], label: str, warm_up: int, last_taps: float
) -> None:
    plot = cell.adjusted(MARGIN + 46, MARGIN + 18, -MARGIN, -MARGIN - 14)
    values = [value for value, _taps in points]
    low, high = (min(values), max(values)) if values else (0.0, 1.0)
    if high - low < 1e-9:
        low, high = low - 1, high + 1
    painter.setPen(INK)
    first, last = (values[0], values[-1]) if values else (0.0, 0.0)
    painter.drawText(
        QRect(cell.left() + MARGIN, cell.top() + 4, cell.width() - 2 * MARGIN, 18),
        Qt.AlignmentFlag.AlignLeft,
        f"{label}: {_short(first)} -> {_short(last)}",
    )
    painter.drawText(QRect(cell.left(), plot.top() - 7, 54, 14), Qt.AlignmentFlag.AlignRight, _short(high))
    painter.drawText(QRect(cell.left(), plot.bottom() - 7, 54, 14), Qt.AlignmentFlag.AlignRight, _short(low))
    painter.drawText(
        QRect(plot.left(), plot.bottom() + 2, plot.width(), 14), Qt.AlignmentFlag.AlignRight, f"{last_taps:,.0f} taps"
    )
    painter.setPen(QPen(GRID, 1))
    painter.drawRect(plot)

    def at(value: float, taps: float) -> QPointF:
        x = plot.left() + plot.width() * taps / last_taps
        y = plot.bottom() - plot.height() * (value - low) / (high - low)
        return QPointF(x, y)

    painter.setPen(QPen(WARM, 1, Qt.PenStyle.DashLine))
    x = plot.left() + plot.width() * warm_up / last_taps
    painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()))
    painter.setPen(QPen(LINE, 2))
    for (v1, t1), (v2, t2) in itertools.pairwise(points):
        painter.drawLine(at(v1, t1), at(v2, t2))


def _short(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 or value == int(value) else f"{value:.1f}"
