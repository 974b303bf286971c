"""Every exit code in kiosk/cli is a name from kiosk/ops/exit_codes.py, never a bare number.

IT reads the codes in docs/it/troubleshooting.md and systemd and the supervisor act on them; a `return 1` written
in a verb cannot be found by searching for the meaning it was meant to have, and drifts from the table unseen.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.ops import exit_codes

CLI = Path(__file__).resolve().parents[2] / "kiosk" / "cli"
EXITS = {"exit", "_exit", "SystemExit"}  # sys.exit(2), os._exit(2), raise SystemExit(2), exit(2)


def _bare_numbers(node: ast.expr | None) -> Iterator[ast.Constant]:
    """The int literals `node` may evaluate to: itself, or either branch of a conditional expression."""
    if isinstance(node, ast.IfExp):
        yield from _bare_numbers(node.body)
        yield from _bare_numbers(node.orelse)
    elif isinstance(node, ast.Constant) and type(node.value) is int:  # a bool is not an exit code
        yield node


def _exit_values(tree: ast.AST) -> Iterator[ast.expr | None]:
    """What each `return` in a function annotated `-> int` gives back, and what each exit call is passed."""
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and isinstance(node.returns, ast.Name) and node.returns.id == "int":
            # a verb handler returns its exit code; nested functions are walked with their own annotation
            stack: list[ast.AST] = list(node.body)
            while stack:
                inner = stack.pop()
                if isinstance(inner, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
                    continue
                if isinstance(inner, ast.Return):
                    yield inner.value
                stack.extend(ast.iter_child_nodes(inner))
        elif isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
            if name in EXITS and node.args:
                yield node.args[0]


def offences(source: str) -> list[tuple[int, str]]:
    """(line, value) of each bare exit code in `source`."""
    return sorted(
        (number.lineno, ast.unparse(number))
        for value in _exit_values(ast.parse(source))
        for number in _bare_numbers(value)
    )


def test_the_cli_names_every_exit_code() -> None:
    found = [
        f"{path.relative_to(CLI.parents[1])}:{line}: {value}"
        for path in sorted(CLI.glob("*.py"))
        for line, value in offences(path.read_text(encoding="utf-8"))
    ]
    assert found == [], "use a name from kiosk/ops/exit_codes.py for each exit code"


@pytest.mark.parametrize(
    "source",
    [
        "def verb(args) -> int:\n    return 0\n",
        "def verb(args) -> int:\n    return EXIT_PROBLEMS if args.bad else 0\n",
        "import sys\nsys.exit(1)\n",
        "raise SystemExit(2)\n",
        "import os\nos._exit(70)\n",
    ],
)
def test_the_check_finds_a_bare_number(source: str) -> None:
    assert offences(source) != []


@pytest.mark.parametrize(
    "source",
    [
        "def verb(args) -> int:\n    return EXIT_OK\n",
        "def count(rows) -> int:\n    def helper() -> str:\n        return 'x'\n    return len(rows)\n",
        "def size(args) -> tuple[int, int]:\n    return 0, 0\n",  # not an exit code
        "def ready(args) -> bool:\n    return True\n",
        "import sys\nsys.exit(EXIT_USAGE)\n",
    ],
)
def test_the_check_leaves_named_codes_and_other_numbers_alone(source: str) -> None:
    assert offences(source) == []


def test_each_code_has_one_meaning_apart_from_the_documented_pair() -> None:
    codes = {name: value for name, value in vars(exit_codes).items() if name.startswith("EXIT_")}
    by_value: dict[int, list[str]] = {}
    for name, value in codes.items():
        by_value.setdefault(value, []).append(name)
    shared = {value: sorted(names) for value, names in by_value.items() if len(names) > 1}
    # Python's own code after an uncaught error is 1, which the verbs' "found problems" already used.
    assert shared == {1: ["EXIT_CRASHED", "EXIT_PROBLEMS"]}
    assert codes["EXIT_STAFF_QUIT"] == 3  # RestartPreventExitStatus=3 in the shipped systemd units
