"""A one-shot timer that calls back into a widget names that widget as its context: `singleShot(ms, self, self.f)`.

Without the context Qt does not know whom the call belongs to, so it runs even after the widget is deleted: a
booklet page deleted between a layout pass and its deferred "do the cards fit?" check raised "Internal C++ object
(WrappingScrollArea) already deleted" on the event loop. With `self` as context, Qt drops the call with the object.
"""

from __future__ import annotations

import ast
from pathlib import Path

KIOSK = Path(__file__).resolve().parents[2] / "kiosk"


def _is_own_method(node: ast.expr) -> bool:
    return isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self"


def _timers_without_context() -> list[str]:
    found = []
    for path in sorted(KIOSK.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "singleShot"
                and len(node.args) == 2
                and _is_own_method(node.args[1])
            ):
                found.append(f"{path.relative_to(KIOSK.parent)}:{node.lineno}")
    return found


def test_timers_calling_back_into_an_object_die_with_it() -> None:
    assert _timers_without_context() == [], "write QTimer.singleShot(ms, self, self.method) at these lines"
