"""The line of each table and key in a settings file, so a settings error can say where to look.

tomllib returns plain dicts with no positions, and no well-kept library fills the gap: tomlkit keeps no line
numbers either (its issue #55 asks for them and is open), and re-parsing with a second TOML library would give two
readers that may disagree. So this small scanner reads a text that tomllib has already accepted, which spares it
every error case: it only needs to tell a key at the start of a statement from the same characters inside a string,
a multi-line string or an array spanning lines. Inline tables sit on one line in TOML 1.0, so a key inside one is
found by the line of the key that holds it.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence

_BARE = re.compile(r"[A-Za-z0-9_-]+")
_BASIC = re.compile(r'"(?:[^"\\\n]|\\.)*"')
_LITERAL = re.compile(r"'[^'\n]*'")
_SPACE = " \t"


def key_lines(text: str) -> dict[tuple[str, ...], int]:
    """Each table's and key's full name (("clinic", "hours", "monday")) -> the 1-based line that first writes it."""
    found: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    pos, line = 0, 1
    while pos < len(text):
        while pos < len(text) and text[pos] in _SPACE:
            pos += 1
        if pos >= len(text):
            break
        char = text[pos]
        if char in "\r\n":
            line += char == "\n"
            pos += 1
            continue
        if char == "#" or char == "[":
            if char == "[":  # a table header, [name] or [[name]]
                header = _key(text, pos + (2 if text.startswith("[[", pos) else 1))
                if header is not None:
                    table = header[0]
                    _note(found, table, line)
            pos = _line_end(text, pos)
            continue
        parsed = _key(text, pos)
        if parsed is None or not text.startswith("=", parsed[1]):
            pos = _line_end(text, pos)  # cannot happen in a text tomllib accepted; go on at the next line
            continue
        keys, pos = parsed
        _note(found, table + keys, line)
        pos, line = _after_value(text, pos + 1, line)
    return found


def line_of(lines: dict[tuple[str, ...], int], loc: Sequence[str]) -> int | None:
    """The line of the setting at `loc`, or of the nearest table or key holding it (an inline table, a list)."""
    for length in range(len(loc), 0, -1):
        number = lines.get(tuple(loc[:length]))
        if number is not None:
            return number
    return None


def _note(found: dict[tuple[str, ...], int], name: tuple[str, ...], line: int) -> None:
    # A dotted key (clinic.name = ...) also writes its tables; the first line that names a table wins.
    for length in range(1, len(name) + 1):
        found.setdefault(name[:length], line)


def _line_end(text: str, pos: int) -> int:
    end = text.find("\n", pos)
    return len(text) if end < 0 else end


def _key(text: str, pos: int) -> tuple[tuple[str, ...], int] | None:
    """A dotted key starting at pos and the position after it (and the spaces after it), or None."""
    parts: list[str] = []
    while True:
        while pos < len(text) and text[pos] in _SPACE:
            pos += 1
        for pattern in (_BARE, _BASIC, _LITERAL):
            match = pattern.match(text, pos)
            if match:
                break
        else:
            return None
        token = match.group()
        if pattern is _BARE:
            parts.append(token)
        elif pattern is _LITERAL:
            parts.append(token[1:-1])
        else:  # escapes (\u00e9, \") are decoded by tomllib itself, not by a second set of rules here
            parts.append(tomllib.loads(f"k = {token}")["k"])
        pos = match.end()
        while pos < len(text) and text[pos] in _SPACE:
            pos += 1
        if not text.startswith(".", pos):
            return tuple(parts), pos
        pos += 1


def _after_value(text: str, pos: int, line: int) -> tuple[int, int]:
    """Skip a value (strings, multi-line strings, arrays over several lines, a comment) to its line's end."""
    depth = 0
    while pos < len(text):
        char = text[pos]
        if text.startswith('"""', pos) or text.startswith("'''", pos):
            end = _multiline_end(text, pos)
            line += text.count("\n", pos, end)
            pos = end
            continue
        if char == '"':
            match = _BASIC.match(text, pos)
            pos = match.end() if match else pos + 1
            continue
        if char == "'":
            match = _LITERAL.match(text, pos)
            pos = match.end() if match else pos + 1
            continue
        if char == "#":
            pos = _line_end(text, pos)
            continue
        if char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
        elif char == "\n":
            line += 1
            if depth <= 0:
                return pos + 1, line
        pos += 1
    return pos, line


def _multiline_end(text: str, pos: int) -> int:
    quote = text[pos : pos + 3]
    index = pos + 3
    while index < len(text):
        if quote == '"""' and text[index] == "\\":
            index += 2
            continue
        if text.startswith(quote, index):
            index += 3
            while index < len(text) and text[index] == quote[0]:  # up to two quotes may end the string's text
                index += 1
            return index
        index += 1
    return len(text)
