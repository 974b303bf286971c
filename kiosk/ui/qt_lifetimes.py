"""Two Qt calls whose PySide results outlive what they stand for, done so nothing is left behind.

Found by `kiosk bench --soak` (issue 22, docs/performance.md): a kiosk that runs for weeks must not keep a little
of every layout pass or restyle.

- `layout.takeAt(i)` hands the caller the layout's item (the wrapper around a widget, or a stretch); C++ expects the
  caller to delete it, and PySide does not: every item taken out of a row stayed in memory (0.75 KiB a tap).
- `widget.style().polish(widget)`, to apply a changed property: PySide keeps the wrapper of the style it returned
  under the widget's wrapper, and once that style is deleted (a screen's style sheet replaced) it stays there dead
  for the widget's life.
"""

from __future__ import annotations

from collections.abc import Callable

import shiboken6
from kiosk.qt import QLayout, QWidget


def empty_layout(layout: QLayout, each_widget: Callable[[QWidget], None] | None = None) -> None:
    """Take every item out of `layout` and delete the items; the widgets stay, or go to `each_widget` to dispose of."""
    while layout.count():
        item = layout.takeAt(0)
        if item is None:
            continue
        widget = item.widget()
        if widget is not None and each_widget is not None:
            each_widget(widget)
        shiboken6.delete(item)  # the item only: a widget item's widget is not deleted with it


def repolish(widget: QWidget) -> None:
    """Apply the style sheet again after a property its rules select on changed (Qt re-reads them only then).

    Setting the widget's own sheet again re-polishes it, as Qt's style sheet documentation advises, without asking
    for its style object.
    """
    widget.setStyleSheet(widget.styleSheet())
