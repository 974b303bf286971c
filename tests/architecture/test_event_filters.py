"""Every Qt event filter the kiosk writes in Python is wrapped by `teardown_safe` (kiosk/qt_filters.py says why).

A filter without it raises AttributeError on the event loop whenever the cycle collector frees a window whose
teardown reaches it; tests/ui/console/test_teardown_filters.py shows that happening to the console.
"""

from __future__ import annotations

import ast
from pathlib import Path

KIOSK = Path(__file__).resolve().parents[2] / "kiosk"


def _unguarded_filters() -> list[str]:
    found = []
    for path in sorted(KIOSK.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and node.name == "eventFilter":
                names = {d.id if isinstance(d, ast.Name) else getattr(d, "attr", "") for d in node.decorator_list}
                if "teardown_safe" not in names:
                    found.append(f"{path.relative_to(KIOSK.parent)}:{node.lineno}")
    return found


def test_every_event_filter_lets_events_pass_once_its_object_is_cleared() -> None:
    assert _unguarded_filters() == [], "decorate these eventFilter overrides with kiosk.qt_filters.teardown_safe"
