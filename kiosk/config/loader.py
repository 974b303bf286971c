"""Read the TOML settings file and turn every problem into one sentence."""

from __future__ import annotations

import os
import re
import reprlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from kiosk.config.errors import SettingsError as SettingsError  # re-exported: callers import it from here
from kiosk.config.locations import CONFIG_ENV, find_config_path
from kiosk.config.settings import LanguageSettings, Settings
from kiosk.config.url_privacy import hide_passwords, refuse_readable_password
from kiosk.tomlfiles import TomlError, loads, read_text

# Paths in the file are relative to the file, not to wherever the kiosk was started.
_RELATIVE_PATH_KEYS = (
    ("clinic", "logo"),
    ("content", "folder"),
    ("database", "key_file"),
    ("database", "backup_folder"),
    ("database", "outbox_path"),
    ("logging", "folder"),
)


def load_settings(
    cli_value: str | None = None, available_languages: Iterable[str] | None = None
) -> tuple[Settings, Path | None]:
    """Load settings from the file the flag, variable or platform names.

    Returns the settings and the file they came from (None for demo defaults).
    """
    path, named, found = locate_settings_file(cli_value)
    if not found:
        if named:
            source = "--config" if cli_value else CONFIG_ENV
            raise SettingsError(
                f"The settings file {path} named by {source} does not exist: "
                "check the path, or leave it out to use the demo settings."
            )
        return _check_languages(Settings(), available_languages, None), None
    return _check_languages(parse_settings_file(path), available_languages, path), path


def locate_settings_file(cli_value: str | None) -> tuple[Path, bool, bool]:
    """The settings path, whether a person named it (flag or variable), and whether the file is there."""
    try:
        path, named = find_config_path(cli_value)
        return path, named, path.is_file()
    except (RuntimeError, OSError):  # ~name of no account on this PC; a name longer than the file system allows
        source, named_as = ("--config", cli_value) if cli_value else (CONFIG_ENV, os.environ.get(CONFIG_ENV))
        raise SettingsError(
            f"The settings file {_shown(named_as)} named by {source} is not a path this PC can open: "
            "give the full path of the settings file."
        ) from None


def parse_settings_file(path: Path) -> Settings:
    try:
        raw = loads(read_text(path))
    except UnicodeDecodeError as exc:
        raise SettingsError(f"The settings file {path} is not UTF-8 text: save it as UTF-8 and start again.") from exc
    except TomlError as exc:
        raise SettingsError(
            f"The settings file {path} is not valid TOML ({exc.msg}, at line {exc.lineno}): "
            "correct that line and start again."
        ) from None
    except OSError as exc:
        raise SettingsError(
            f"The settings file {path} cannot be read ({exc.strerror}): give the kiosk's account permission to read it."
        ) from exc
    for table, key in _RELATIVE_PATH_KEYS:
        section = raw.get(table)
        if isinstance(section, dict) and isinstance(section.get(key), str):
            section[key] = _usable_path(path, f"{table}.{key}", section[key], lambda value: _beside(path.parent, value))
    database = raw.get("database")
    if isinstance(database, dict) and isinstance(database.get("url"), str):
        database["url"] = _usable_path(
            path, "database.url", database["url"], lambda value: _sqlite_url_beside(value, path.parent)
        )
    settings = settings_from_mapping(raw, source=str(path))
    refuse_readable_password(path, settings.database.url)  # a password others can read is refused
    return settings


def _beside(folder: Path, value: str) -> str:
    return str((folder / Path(value).expanduser()).resolve())


def _usable_path(path: Path, setting: str, value: str, resolve: Callable[[str], str]) -> str:
    """The path resolved, or one sentence when no file system could hold it (a NUL character, ~nosuchuser)."""
    try:
        return resolve(value)
    except RuntimeError:  # expanduser: "~name" of an account this PC does not have
        why = "the account named after ~ does not exist on this PC"
    except (ValueError, OSError):  # a NUL character, or a name longer than the file system allows
        why = "no file or folder can have this name"
    raise SettingsError(
        f"In {path}, setting {setting} = {_shown(value)} is not allowed: {why}; write the full path instead."
    )


def _sqlite_url_beside(url: str, folder: Path) -> str:
    """A relative SQLite file in the settings means beside the settings file, like other paths."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or url.startswith(prefix + "/") or ":" in url[len(prefix) :][:3]:
        return url  # absolute (sqlite:////var/..., sqlite:///C:/...) or not SQLite
    return prefix + str((folder / url[len(prefix) :]).resolve())


def settings_from_mapping(raw: dict[str, Any], source: str = "settings") -> Settings:
    try:
        return Settings.model_validate(raw)
    except ValidationError as exc:
        # Any value quoted back is shown with its URL password hidden (kiosk/config/url_privacy.py).
        raise SettingsError(hide_passwords(_sentence(exc, raw, source), _database_url(raw))) from None


def _database_url(raw: dict[str, Any]) -> object:
    database = raw.get("database")
    return database.get("url") if isinstance(database, dict) else None


def _sentence(exc: ValidationError, raw: dict[str, Any], source: str) -> str:
    error = exc.errors()[0]
    loc = [str(part) for part in error["loc"]]
    key = _dotted(loc)
    if error["type"] == "extra_forbidden":
        return _unknown_key_sentence(loc, source)
    if error["type"] == "value_error" and not loc:
        return f"In {source}: {error['msg']}."
    value = _shown(_lookup(raw, loc))
    allowed = _allowed(loc)
    if loc == ["languages"] and error["type"] == "value_error":
        # The only whole-table rule: the default must be one of the enabled ones.
        # Reaching this rule means both fields are valid on their own (pydantic checks fields first).
        languages = raw.get("languages", {})
        defaults = LanguageSettings()
        return (
            f"In {source}, setting languages.default = {_shown(languages.get('default', defaults.default))} is "
            f"not allowed: it must be one of languages.enabled "
            f"({', '.join(languages.get('enabled', defaults.enabled))})."
        )
    return f"In {source}, setting {key} = {value} is not allowed: use {allowed}."


# A value is quoted back to whoever wrote it; a line of text or a few list items are enough to find it.
_QUOTE = reprlib.Repr()
_QUOTE.maxstring = 300
_QUOTE.maxother = 300
_QUOTE.maxlong = 40
_QUOTE.maxlevel = 3


def _shown(value: object) -> str:
    # A URL's password never shows, not even part of one cut short by the length limit (url_privacy.py).
    return hide_passwords(_QUOTE.repr(hide_passwords(value) if isinstance(value, str) else value))


_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def _dotted(loc: list[str]) -> str:
    """A setting's name as TOML writes it: a key with spaces, line breaks or escapes is quoted, so the sentence
    stays one line and nothing in the file can pose as the kiosk's own words on a terminal or in a log."""
    return ".".join(part if _BARE_KEY.fullmatch(part) else _shown(part) for part in loc)


def _unknown_key_sentence(loc: list[str], source: str) -> str:
    model: type[BaseModel] = Settings
    for part in loc[:-1]:
        annotation = model.model_fields[part].annotation
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            break
        model = annotation
    known = ", ".join(model.model_fields)
    where = f"the [{_dotted(loc[:-1])}] table" if len(loc) > 1 else "the file"
    return f"In {source}, setting {_dotted(loc)} is not a known setting: {where} accepts {known}; check the spelling."


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


def _check_languages(settings: Settings, available: Iterable[str] | None, path: Path | None) -> Settings:
    """Every enabled language needs the kiosk's own words in it (resources/strings)."""
    if available is None:
        return settings
    known = sorted(available)
    for code in settings.languages.enabled:
        if code not in known:
            where = f"In {path}, setting languages.enabled lists" if path else "The demo settings enable"
            raise SettingsError(
                f"{where} {code!r}, which the kiosk has no translation for: use only {', '.join(known)}."
            )
    return settings
