"""One sentence for each settings mistake: where it is (file and line), what was written, and what to write instead."""

from __future__ import annotations

import datetime as dt
import re
import reprlib
import types
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from kiosk.config.key_lines import line_of
from kiosk.config.settings import DayHours, LanguageSettings, Settings
from kiosk.config.url_privacy import hide_passwords

Lines = dict[tuple[str, ...], int]


def where(source: str, line: int | None) -> str:
    """ "kiosk.toml, line 14:" as compilers say it, or "In kiosk.toml," when the line is not known."""
    return f"{source}, line {line}:" if line is not None else f"In {source},"


def validation_sentence(exc: ValidationError, raw: dict[str, Any], source: str, lines: Lines | None) -> str:
    # Any value quoted back is shown with its URL password hidden (kiosk/config/url_privacy.py).
    return hide_passwords(_sentence(exc, raw, source, lines or {}), _database_url(raw))


def _database_url(raw: dict[str, Any]) -> object:
    database = raw.get("database")
    return database.get("url") if isinstance(database, dict) else None


def _sentence(exc: ValidationError, raw: dict[str, Any], source: str, lines: Lines) -> str:
    error = exc.errors()[0]
    loc = [str(part) for part in error["loc"]]
    at = where(source, line_of(lines, loc))
    key = dotted(loc)
    if error["type"] == "extra_forbidden":
        return _unknown_key_sentence(loc, at)
    if error["type"] == "value_error" and not loc:
        return f"{at} {error['msg']}."
    written = _lookup(raw, loc)
    value = shown(written)
    if loc == ["languages"] and error["type"] == "value_error":
        # The only whole-table rule: the default must be one of the enabled ones.
        # Reaching this rule means both fields are valid on their own (pydantic checks fields first).
        languages = raw.get("languages", {})
        defaults = LanguageSettings()
        at = where(source, line_of(lines, ["languages", "default"]))
        return (
            f"{at} setting languages.default = {shown(languages.get('default', defaults.default))} is "
            f"not allowed: it must be one of languages.enabled "
            f"({', '.join(languages.get('enabled', defaults.enabled))})."
        )
    wanted = wanted_kind(loc)
    if wanted is not None and kind_of(written) != wanted.kind:
        if loc[-1].isdigit():  # one item of a list: name the list, as IT wrote it, and the item
            return (
                f"{at} setting {dotted(loc[:-1])} lists {value}, which is {_kind_words(written)}, "
                f"but each item must be {wanted.words(written)}."
            )
        return f"{at} setting {key} = {value} is {_kind_words(written)}, but it must be {wanted.words(written)}."
    return f"{at} setting {key} = {value} is not allowed: use {_allowed(loc)}."


# --- What was written and what is wanted -----------------------------------------------------------------------


def kind_of(value: object) -> str:
    """The TOML type of a value read by tomllib: "text", "whole number", "true or false", ..."""
    if isinstance(value, bool):  # before int: True is an int in Python, not in TOML
        return "true or false"
    if isinstance(value, int):
        return "whole number"
    if isinstance(value, float):
        return "decimal number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "table"
    if isinstance(value, (dt.date, dt.time)):  # dt.datetime is a dt.date
        return "date or time"
    return "value"


def _kind_words(value: object) -> str:
    return {
        "true or false": "a true-or-false value",
        "whole number": "a number",
        "decimal number": "a number with a decimal point",
        "text": "text in quotes",
        "list": "a list",
        "table": "a table",
        "date or time": "a TOML date or time",
    }.get(kind_of(value), "a value of another type")


class Wanted:
    """The TOML type a setting needs, in words with an example to copy."""

    def __init__(
        self, kind: str, example: str, words: str, allowed: Callable[[int], bool] = lambda _: True, rule: str = ""
    ) -> None:
        self.kind = kind
        self.rule = rule
        self._example = example
        self._words = words
        self._allowed = allowed  # a whole number's range: the example is never one the next check refuses

    def words(self, written: object) -> str:
        example = self._example
        meant: int | None = None
        if isinstance(written, str) and re.fullmatch(r"[+-]?[0-9]{1,18}", written.strip()):
            meant = int(written)  # "10" -> 10: the value IT meant, without the quotes
        if isinstance(written, float) and written.is_integer() and abs(written) < 2**63:
            meant = int(written)
        if self.kind == "whole number" and meant is not None:
            if not self._allowed(meant):  # the number is wrong too: say the range now, not on the next try
                return self._words.format(example=example) + f" ({self.rule})"
            example = str(meant)
        if self.kind == "true or false" and isinstance(written, str) and written.strip().lower() in ("true", "false"):
            example = written.strip().lower()
        return self._words.format(example=example)


def wanted_kind(loc: Sequence[str]) -> Wanted | None:
    """What the setting at `loc` takes, read from the settings model (so a new setting is covered by itself)."""
    model: type[BaseModel] = Settings
    for depth, part in enumerate(loc, start=1):
        field = model.model_fields.get(part)
        if field is None:
            return None
        annotation = _without_none(field.annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel) and annotation is not DayHours:
            if depth == len(loc):
                return None  # a whole table: _allowed names its settings
            model = annotation
            continue
        default = field.get_default()
        if get_origin(annotation) is tuple:
            if depth == len(loc):
                return Wanted("list", _example_list(default), "a list of text in double quotes, like {example}")
            if depth == len(loc) - 1 and loc[-1].isdigit():
                return Wanted("text", "", f"text in double quotes, like {_example_item(default)}")
            return None
        if depth != len(loc):
            return None
        return _wanted_value(annotation, default, field.metadata, field.description or "")
    return None


def _wanted_value(annotation: object, default: object, rules: list[Any], description: str) -> Wanted | None:
    if annotation is bool:
        return Wanted("true or false", "true" if default else "false", "true or false without quotes, like {example}")
    if annotation is int:
        least = max((rule.ge for rule in rules if hasattr(rule, "ge")), default=None)
        most = min((rule.le for rule in rules if hasattr(rule, "le")), default=None)
        return Wanted(
            "whole number",
            str(default),
            "a whole number without quotes, like {example}",
            lambda number: (least is None or number >= least) and (most is None or number <= most),
            description,
        )
    if annotation is DayHours:
        return Wanted("text", "", 'text in double quotes, like "08:00-17:00" or "closed"')
    if annotation is dt.time:
        return Wanted("text", "", 'text in double quotes, like "03:30" or "off"')
    if get_origin(annotation) is Literal:
        choices = ", ".join(f'"{choice}"' for choice in get_args(annotation))
        return Wanted("text", "", f"one of {choices}, in double quotes")
    if annotation is Path:
        return Wanted("text", "", "a path in double quotes, written in full or relative to the settings file")
    if annotation is str:
        example = f', like "{default}"' if isinstance(default, str) else ""
        return Wanted("text", "", f"text in double quotes{example}")
    return None


def _without_none(annotation: object) -> object:
    if get_origin(annotation) in (Union, types.UnionType):
        kinds = [arg for arg in get_args(annotation) if arg is not type(None)]
        if DayHours in kinds:
            return DayHours
        return kinds[0] if len(kinds) == 1 else annotation
    return annotation


def _example_item(default: object) -> str:
    return f'"{default[0]}"' if isinstance(default, tuple) and default else '"en"'


def _example_list(default: object) -> str:
    items = default if isinstance(default, tuple) and default else ("en",)
    return "[" + ", ".join(f'"{item}"' for item in items) + "]"


# --- Unknown keys, allowed values, quoting ------------------------------------------------------------------------


def _unknown_key_sentence(loc: list[str], at: str) -> str:
    model: type[BaseModel] = Settings
    for part in loc[:-1]:
        annotation = model.model_fields[part].annotation
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            break
        model = annotation
    known = ", ".join(model.model_fields)
    table = f"the [{dotted(loc[:-1])}] table" if len(loc) > 1 else "the file"
    return f"{at} setting {dotted(loc)} is not a known setting: {table} accepts {known}; check the spelling."


def _allowed(loc: list[str]) -> str:
    model: type[BaseModel] = Settings
    description = "a value of the right type"
    for depth, part in enumerate(loc, start=1):
        field = model.model_fields.get(part)
        if field is None:
            break
        if field.description:
            description = field.description
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            model = annotation
            if depth == len(loc):  # the whole table has the wrong type (clinic = 5 instead of [clinic])
                return f"a [{'.'.join(loc)}] table of settings ({', '.join(model.model_fields)})"
        else:
            break
    return description


def _lookup(raw: dict[str, Any], loc: list[str]) -> object:
    node: object = raw
    for part in loc:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node


# A value is quoted back to whoever wrote it; a line of text or a few list items are enough to find it.
_QUOTE = reprlib.Repr()
_QUOTE.maxstring = 300
_QUOTE.maxother = 300
_QUOTE.maxlong = 40
_QUOTE.maxlevel = 3


def shown(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"  # as the file has it, not Python's True
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()  # a TOML date or time as the file has it
    # A URL's password never shows, not even part of one cut short by the length limit (url_privacy.py).
    return hide_passwords(_QUOTE.repr(hide_passwords(value) if isinstance(value, str) else value))


_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def dotted(loc: Sequence[str]) -> str:
    """A setting's name as TOML writes it: a key with spaces, line breaks or escapes is quoted, so the sentence
    stays one line and nothing in the file can pose as the kiosk's own words on a terminal or in a log."""
    return ".".join(part if _BARE_KEY.fullmatch(part) else shown(part) for part in loc)


# --- TOML syntax --------------------------------------------------------------------------------------------------

# tomllib's wording for the mistakes people make most, said as what to do; any other is quoted as tomllib says it.
_PLAIN_TOML = (
    (
        re.compile(r"^Invalid value"),
        'a value must be a number, true or false, a [list], or text in double quotes, like name = "Ascent Pain"',
    ),
    (
        re.compile(r"^Cannot declare \((.*)\) twice"),
        "a [table] line is written twice: keep one and put all of that table's settings under it",
    ),
    (
        re.compile(r"^Cannot overwrite a value"),
        "a setting is written twice (or a setting and a table share a name): keep one",
    ),
    (
        re.compile(r"^Expected newline or end of document after a statement"),
        "something follows the value on the same line: text needs double quotes, and a comment starts with #",
    ),
    (
        re.compile(r"^Illegal character '\\n'"),
        "a text value is not closed: end it with the same quote mark on the same line",
    ),
    (re.compile(r"^Expected '=' after a key"), 'a setting needs "=" and a value after its name, like level = "info"'),
)


def toml_sentence(path: Path, line: int, message: str) -> str:
    plain = message
    for pattern, words in _PLAIN_TOML:
        if pattern.search(message):
            plain = words
            break
    return f"{path}, line {line}: the settings file is not valid TOML ({plain}): correct that line and start again."
