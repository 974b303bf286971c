"""Items taken out of a layout are deleted, and a restyle never asks a widget for its style object.

`kiosk bench --soak` found both leaving something behind at every pass: `layout.takeAt()` hands back an item PySide
never deletes (the resident-memory creep), and `widget.style().polish(widget)` leaves the style's wrapper under the
widget's, dead once that style is replaced (the growing count of wrappers of deleted Qt objects). Both are done
once, properly, in `kiosk/ui/qt_lifetimes.py`; everything else calls `empty_layout` and `repolish`.
"""

from __future__ import annotations

import ast
from pathlib import Path

KIOSK = Path(__file__).resolve().parents[2] / "kiosk"
OWNER = KIOSK / "ui" / "qt_lifetimes.py"
CALLS = {"takeAt": "empty_layout(layout)", "polish": "repolish(widget)", "unpolish": "repolish(widget)"}


def _raw_calls_in(source: str) -> list[tuple[int, str]]:
    tree = ast.parse(source)
    return [
        (node.lineno, node.func.attr)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in CALLS
    ]


def _raw_calls() -> list[str]:
    found = []
    for path in sorted(KIOSK.rglob("*.py")):
        if path != OWNER:
            for line, name in _raw_calls_in(path.read_text(encoding="utf-8")):
                where = f"{path.relative_to(KIOSK.parent)}:{line}"
                found.append(f"{where}: {name}() -> use {CALLS[name]} from kiosk.ui.qt_lifetimes")
    return found


def test_layout_items_and_restyles_go_through_the_one_module_that_leaves_nothing_behind() -> None:
    assert _raw_calls() == []


def test_the_check_sees_each_raw_call() -> None:
    source = "row.takeAt(0)\nstyle = label.style()\nstyle.unpolish(label)\nlabel.style().polish(label)\n"
    assert _raw_calls_in(source) == [(1, "takeAt"), (3, "unpolish"), (4, "polish")]
