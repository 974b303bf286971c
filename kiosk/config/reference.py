"""Describe every setting from the Settings model itself: the settings reference (docs/it/settings.md), the init
template and `config show`."""

from __future__ import annotations

import datetime as dt
import inspect
import types
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Union, get_args, get_origin

from pydantic import BaseModel

from kiosk.config.settings import DayHours, Settings

START_MARKER = "<!-- settings-reference:start -->"
END_MARKER = "<!-- settings-reference:end -->"


@dataclass(frozen=True)
class SettingInfo:
    """One key of one table, as a clinic's IT reads it."""

    table: str  # "clinic.hours"
    key: str
    type_words: str
    default: object
    meaning: str


@dataclass(frozen=True)
class TableInfo:
    name: str
    about: str  # the table's docstring, or ""
    settings: tuple[SettingInfo, ...]


def tables(model: type[BaseModel] = Settings, prefix: str = "") -> Iterator[TableInfo]:
    """Every table in file order; a table's own keys come before its sub-tables, as TOML needs."""
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            continue
        table = f"{prefix}{name}"
        keys = []
        nested = []
        for key, inner in annotation.model_fields.items():
            inner_type = inner.annotation
            if isinstance(inner_type, type) and issubclass(inner_type, BaseModel) and inner_type is not DayHours:
                nested.append(key)
            keys.append(SettingInfo(table, key, type_words(inner_type), inner.get_default(), inner.description or ""))
        own = tuple(info for info in keys if info.key not in nested)
        yield TableInfo(table, _doc(annotation), own)
        yield from tables(annotation, prefix=f"{table}.")


def _doc(model: type[BaseModel]) -> str:
    doc = model.__dict__.get("__doc__")
    return inspect.cleandoc(doc) if isinstance(doc, str) else ""


def type_words(annotation: object) -> str:
    """The type in words IT understands, not Python's spelling."""
    origin = get_origin(annotation)
    args = get_args(annotation)
    if origin in (Union, types.UnionType):
        if DayHours in args:
            return type_words(DayHours)  # "closed" is how a day is left without hours
        if dt.time in args:
            return '"HH:MM" or "off"'  # "off" is how a time of day is left unset ([maintenance] daily_restart)
        kinds = [type_words(arg) for arg in args if arg is not type(None)]
        optional = len(kinds) < len(args)
        return " or ".join(kinds) + (" (optional)" if optional else "")
    if origin is Literal:
        return "one of " + ", ".join(toml_value(arg) for arg in args)
    if origin is tuple:
        return f"list of {type_words(args[0])}"
    simple: dict[object, str] = {str: "text", int: "whole number", bool: "true or false", Path: "path"}
    if annotation in simple:
        return simple[annotation]
    if annotation is DayHours:
        return '"HH:MM-HH:MM" or "closed"'
    return getattr(annotation, "__name__", str(annotation))


def toml_value(value: object) -> str:
    """A value as it would be written in the settings file."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (str, Path)):
        text = str(value).replace("\\", "\\\\").replace('"', '\\"')
        return f'"{text}"'
    if isinstance(value, (tuple, list)):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    if isinstance(value, DayHours):
        return f'"{_hhmm(value.opens)}-{_hhmm(value.closes)}"'
    if isinstance(value, dt.time):
        return f'"{_hhmm(value)}"'
    return repr(value)


def _hhmm(time: dt.time) -> str:
    return time.strftime("%H:%M")


def default_words(info: SettingInfo) -> str:
    if info.default is None:
        return '"closed"' if info.type_words == type_words(DayHours) else "not set"
    return toml_value(info.default)


def markdown_reference() -> str:
    """The settings reference; `kiosk config reference` prints it and a test keeps docs/it/settings.md equal."""
    lines = [
        "Every key is optional: a missing key takes the default shown. Paths may be relative to the settings file.",
        "Generated from the settings model by `kiosk config reference`; do not edit it by hand.",
    ]
    for table in tables():
        lines += ["", f"#### `[{table.name}]`", ""]
        if table.about:
            lines += [table.about, ""]
        lines += ["| Key | Type | Default | Allowed values and meaning |", "| --- | --- | --- | --- |"]
        for info in table.settings:
            meaning = info.meaning or _nested_meaning(table.name, info.key)
            default = default_words(info)
            cells = [f"`{info.key}`", info.type_words, default if default == "not set" else f"`{default}`", meaning]
            lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines) + "\n"


def _nested_meaning(table: str, key: str) -> str:
    return f"the `[{table}.{key}]` table"


def settings_template() -> str:
    """The commented settings file `kiosk init` writes: every key with its default, ready to uncomment.

    The [table] lines are live (an empty table changes nothing), so uncommenting any of the setting lines, alone
    or together, gives a valid file: a setting uncommented under a commented-out header would land in the table
    above it and be refused as unknown.
    """
    lines = [
        "# Clinic kiosk settings. Every key is optional; the values shown are the defaults.",
        '# Remove the "# " in front of a setting to change it; leave the [table] lines as they are.',
        "# Paths are relative to this file.",
        "# `kiosk config reference` explains every setting; `kiosk config show` shows what is in effect.",
    ]
    for table in tables():
        lines += ["", f"[{table.name}]"]
        said = ""
        for info in table.settings:
            if info.default is None and info.type_words != type_words(DayHours):
                # TOML has no "unset"; a line to uncomment would need a value the clinic must choose.
                lines.append(f"#   {info.key} is not set: {info.meaning}")
                continue
            if info.meaning != said:  # the seven days share one rule: say it once
                lines.append(f"#   {info.key}: {info.meaning}")
                said = info.meaning
            lines.append(f"# {info.key} = {default_words(info)}")
    return "\n".join(lines) + "\n"
