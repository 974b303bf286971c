"""No Qt connection or single-shot timer in kiosk/ui holds a lambda (or partial) that captures `self` of a QObject.

Such a callable ties the object into a reference cycle through its own connection: Python's cycle collector may
then delete it at any moment, on any thread (Qt: "Timers cannot be stopped from another thread"), or never.
Connect a bound method instead (PySide6 tracks its receiver), a signal to a signal, or find the sending button
with sender(). The rule is stated in kiosk/ui/window.py; this check keeps it.
"""

from __future__ import annotations

import ast
import importlib
from collections.abc import Callable, Iterator
from pathlib import Path

from kiosk.qt import QObject

UI = Path(__file__).resolve().parents[2] / "kiosk" / "ui"
HOLDERS = {"connect", "singleShot", "callOnTimeout"}  # what keeps the callable for as long as the sender lives


def _captures_self(node: ast.expr) -> bool:
    if isinstance(node, ast.Lambda):
        own = {argument.arg for argument in (*node.args.args, *node.args.kwonlyargs)}
        return "self" not in own and any(isinstance(n, ast.Name) and n.id == "self" for n in ast.walk(node.body))
    if isinstance(node, ast.Call) and isinstance(node.func, (ast.Name, ast.Attribute)):
        name = node.func.id if isinstance(node.func, ast.Name) else node.func.attr
        # partial(self.method, value) holds self as strongly as a lambda does
        return name == "partial" and any(isinstance(n, ast.Name) and n.id == "self" for n in ast.walk(node))
    return False


def _calls_in(cls: ast.ClassDef) -> Iterator[ast.Call]:
    """Every call in the class's own methods (a nested class is checked on its own)."""
    stack: list[ast.AST] = list(cls.body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.ClassDef):
            continue
        if isinstance(node, ast.Call):
            yield node
        stack.extend(ast.iter_child_nodes(node))


def offences(source: str, is_qobject: Callable[[str], bool]) -> list[tuple[int, str]]:
    """(line, code) of each connection in `source` whose callable captures self of a QObject class."""
    found = []
    for cls in (node for node in ast.walk(ast.parse(source)) if isinstance(node, ast.ClassDef)):
        if not is_qobject(cls.name):
            continue
        for call in _calls_in(cls):
            if not (isinstance(call.func, ast.Attribute) and call.func.attr in HOLDERS):
                continue
            for argument in (*call.args, *(keyword.value for keyword in call.keywords)):
                if _captures_self(argument):
                    found.append((argument.lineno, ast.unparse(call)))
    return sorted(found)


def _qobject_classes(module_name: str) -> Callable[[str], bool]:
    module = importlib.import_module(module_name)

    def is_qobject(name: str) -> bool:
        cls = getattr(module, name, None)
        return isinstance(cls, type) and issubclass(cls, QObject)

    return is_qobject


def test_no_connection_in_the_ui_captures_self() -> None:
    found = []
    for path in sorted(UI.rglob("*.py")):
        module = ".".join(path.relative_to(UI.parents[1]).with_suffix("").parts)
        for line, code in offences(path.read_text(encoding="utf-8"), _qobject_classes(module)):
            found.append(f"{path.relative_to(UI.parents[1])}:{line}: {code}")

    assert not found, "connect a bound method, not a lambda on self (see kiosk/ui/window.py):\n" + "\n".join(found)


def test_the_check_finds_a_lambda_or_partial_on_self_and_lets_others_be() -> None:
    source = """
class Screen(QWidget):
    def __init__(self):
        self.ok.clicked.connect(lambda _=False: self.done.emit())
        self.later = partial(self.show_route, 3)
        self.again.clicked.connect(partial(self.show_route, 3))
        QTimer.singleShot(0, self, lambda: self.retranslate())
        self.fine.clicked.connect(self.retranslate)
        self.fine.clicked.connect(lambda: print("no self here"))
        keys.sort(key=lambda key: self.width_of(key))  # called now, not kept
"""

    assert [line for line, _ in offences(source, lambda _name: True)] == [4, 6, 7]
    assert offences(source, lambda _name: False) == []  # a plain Python class is not the rule's concern
