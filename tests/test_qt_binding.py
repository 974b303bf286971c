"""The Qt binding must not leak references to None: a kiosk runs for months on Python 3.11."""

from __future__ import annotations

import sys

from kiosk.qt import QLineEdit, QScrollArea, QWidget


def test_calls_that_return_nothing_keep_none_alive(qapp: object) -> None:
    # PySide6 6.12.0 dropped a reference to None on each such call; Python before 3.12
    # then aborts with "deallocating None" after enough of them.
    edit, area, widget = QLineEdit(), QScrollArea(), QWidget()
    before = sys.getrefcount(None)
    for _ in range(1_000):
        edit.clear()
        area.takeWidget()
        widget.parentWidget()
    assert sys.getrefcount(None) >= before - 10
