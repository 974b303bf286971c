"""The command line that starts this same kiosk again: for `kiosk supervise` and for the service files."""

from __future__ import annotations

import sys
from pathlib import Path


def kiosk_command() -> list[str]:
    """Absolute program (and arguments) that run the `kiosk` command this process was started as."""
    if getattr(sys, "frozen", False):
        return [sys.executable]  # the PyInstaller bundle's own `kiosk` executable
    script = Path(sys.argv[0]).resolve() if sys.argv and sys.argv[0] else None
    if script is not None and not script.is_file() and script.with_suffix(".exe").is_file():
        script = script.with_suffix(".exe")  # Windows reports the console script without its .exe
    if script is None or not script.is_file() or script.stem != "kiosk":
        # Started as `python -m kiosk` or by a test runner: the interpreter, unresolved, so a venv stays a venv.
        return [sys.executable, "-m", "kiosk"]
    return [str(script)]
