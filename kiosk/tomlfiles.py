"""TOML written by people: tolerate a Windows byte-order mark, report the line of a mistake, never crash."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)|\(at end of document\)")
# TOML integers are 64-bit; tomllib reads longer ones (and lets Python's ValueError for 4300 digits through).
_TOO_LARGE = "a whole number is too large; TOML allows numbers from -9223372036854775808 to 9223372036854775807"
_LONG_NUMBER = re.compile(r"[0-9A-Fa-f_]{19,}")
_SURROGATE = re.compile("[\ud800-\udfff]")
# Deeper than any settings file or page header needs: where to point when tomllib gives up (far deeper).
_DEEP = 50


class TomlError(ValueError):
    """A TOML mistake: what is wrong (`msg`) and its 1-based line (`lineno`)."""

    def __init__(self, msg: str, lineno: int) -> None:
        super().__init__(f"{msg} (at line {lineno})")
        self.msg = msg
        self.lineno = lineno


def read_text(path: Path) -> str:
    # utf-8-sig: Notepad on Windows often saves a byte-order mark first.
    return path.read_text(encoding="utf-8-sig")


def loads(text: str) -> dict[str, Any]:
    """tomllib.loads, but every way it can fail is a TomlError with a line.

    tomllib also raises RecursionError (tables or lists nested thousands deep) and a plain ValueError (a number
    of thousands of digits), and accepts numbers beyond TOML's 64 bits and text (not read from a file) holding
    half a character, which fail later when printed or saved.
    """
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TomlError(error_message(exc), error_line(exc, text)) from None
    except RecursionError:
        raise TomlError(
            "tables or lists are nested too deeply to read; settings and page headers need only a few levels",
            _deep_line(text),
        ) from None
    except ValueError:
        raise TomlError(_TOO_LARGE, _line_of(_LONG_NUMBER, text)) from None
    problem = _unreadable(raw)
    if problem == "surrogate":
        raise TomlError("the text holds half of a character (D800 to DFFF); retype it", _line_of(_SURROGATE, text))
    if problem == "integer":
        raise TomlError(_TOO_LARGE, _line_of(_LONG_NUMBER, text))
    return raw


def error_line(exc: ValueError, text: str) -> int:
    """The 1-based line of a TOML mistake (Python before 3.14 only says it in the message)."""
    lineno = getattr(exc, "lineno", None)
    if isinstance(lineno, int):
        return lineno
    match = _POSITION.search(str(exc))
    if match and match.group(1):
        return int(match.group(1))
    return max(1, text.count("\n") + (0 if text.endswith("\n") else 1))


def error_message(exc: ValueError) -> str:
    """The mistake without its position, which callers give in file terms themselves."""
    message = getattr(exc, "msg", None)
    return message if isinstance(message, str) else _POSITION.sub("", str(exc)).strip()


def _line_of(pattern: re.Pattern[str], text: str) -> int:
    found = pattern.search(text)
    return 1 + text.count("\n", 0, found.start()) if found else 1


def _deep_line(text: str) -> int:
    """The line where brackets first open deeper than _DEEP (brackets inside strings are counted too: a hint)."""
    depth = 0
    for number, line in enumerate(text.splitlines(), start=1):
        for char in line:
            depth += 1 if char in "[{" else -1 if char in "]}" else 0
            if depth > _DEEP:
                return number
    return 1


def _unreadable(raw: dict[str, Any]) -> str | None:
    """ "surrogate" or "integer" when a value breaks the TOML rules that tomllib lets through, else None."""
    waiting: list[object] = [raw]  # a list, not recursion: tomllib may have read nesting near the recursion limit
    while waiting:
        value = waiting.pop()
        if isinstance(value, str) and _SURROGATE.search(value):
            return "surrogate"
        if isinstance(value, int) and not isinstance(value, bool) and not -(2**63) <= value < 2**63:
            return "integer"
        if isinstance(value, dict):
            waiting += [*value.keys(), *value.values()]
        elif isinstance(value, list):
            waiting += value
    return None
