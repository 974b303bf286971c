"""ruff and mypy run as part of the suite, so "clean" is checked, not promised."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent))
    if found is None:
        pytest.skip(f"{name} is not installed; install the test extras: pip install -e '.[test]'")
    return found


@pytest.mark.parametrize(
    "command",
    [
        ["ruff", "check", "kiosk", "db", "tests"],
        ["ruff", "format", "--check", "kiosk", "db", "tests"],
        ["mypy"],
    ],
    ids=" ".join,
)
def test_code_is_clean(command: list[str]) -> None:
    result = subprocess.run([_tool(command[0]), *command[1:]], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
