"""TOML written by people: tolerate a Windows byte-order mark, report the line of a mistake."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)|\(at end of document\)")


def read_text(path: Path) -> str:
    # utf-8-sig: Notepad on Windows often saves a byte-order mark first.
    return path.read_text(encoding="utf-8-sig")


def error_line(exc: tomllib.TOMLDecodeError, text: str) -> int:
    """The 1-based line of a TOML mistake (Python before 3.14 only says it in the message)."""
    lineno = getattr(exc, "lineno", None)
    if isinstance(lineno, int):
        return lineno
    match = _POSITION.search(str(exc))
    if match and match.group(1):
        return int(match.group(1))
    return max(1, text.count("\n") + (0 if text.endswith("\n") else 1))


def error_message(exc: tomllib.TOMLDecodeError) -> str:
    """The mistake without its position, which callers give in file terms themselves."""
    message = getattr(exc, "msg", None)
    return message if isinstance(message, str) else _POSITION.sub("", str(exc)).strip()
