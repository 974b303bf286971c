"""Read the TOML settings file and turn every problem into one sentence."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from kiosk.config.errors import SettingsError as SettingsError  # re-exported: callers import it from here
from kiosk.config.key_lines import key_lines, line_of
from kiosk.config.locations import CONFIG_ENV, find_config_path
from kiosk.config.sentences import shown, toml_sentence, validation_sentence, where
from kiosk.config.settings import Settings
from kiosk.config.url_privacy import refuse_readable_password
from kiosk.tomlfiles import TomlError, loads, read_text

log = logging.getLogger(__name__)

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
        _say_no_settings_file(path)
        return _check_languages(Settings(), available_languages, None), None
    return _check_languages(parse_settings_file(path), available_languages, path), path


# Set once said, and inherited: a kiosk that `kiosk supervise` starts (again after each crash) logs the sentence
# in its own log but does not repeat it on the stderr it shares with its supervisor.
SAID_ENV = "KIOSK_SAID_NO_SETTINGS_FILE"
_logged: set[Path] = set()  # a verb that reads the settings twice logs it once


def _say_no_settings_file(path: Path) -> None:
    """Once: where IT puts the settings file on this PC, and how to get one; the kiosk carries on."""
    sentence = (
        f"no settings file at {path}, so the demo settings are used: "
        "run `kiosk init` to write one there to edit (or name another with --config FILE)."
    )
    if os.environ.get(SAID_ENV) != str(path):
        os.environ[SAID_ENV] = str(path)
        print(f"kiosk: {sentence}", file=sys.stderr)
    if path not in _logged:
        _logged.add(path)
        # Marked as already said on stderr (kiosk.ops.logs.FILE_ONLY, spelt out here: the settings layer imports no
        # logging set-up), so the log file gets it, once it opens, and the terminal does not get it twice.
        log.info("%s", sentence, extra={"file_only": True})


def locate_settings_file(cli_value: str | None) -> tuple[Path, bool, bool]:
    """The settings path, whether a person named it (flag or variable), and whether the file is there."""
    try:
        path, named = find_config_path(cli_value)
        return path, named, path.is_file()
    except (RuntimeError, OSError):  # ~name of no account on this PC; a name longer than the file system allows
        source, named_as = ("--config", cli_value) if cli_value else (CONFIG_ENV, os.environ.get(CONFIG_ENV))
        raise SettingsError(
            f"The settings file {shown(named_as)} named by {source} is not a path this PC can open: "
            "give the full path of the settings file."
        ) from None


def parse_settings_file(path: Path) -> Settings:
    try:
        text = read_text(path)
        raw = loads(text)
    except UnicodeDecodeError as exc:
        raise SettingsError(f"The settings file {path} is not UTF-8 text: save it as UTF-8 and start again.") from exc
    except TomlError as exc:
        raise SettingsError(toml_sentence(path, exc.lineno, exc.msg)) from None
    except OSError as exc:
        raise SettingsError(
            f"The settings file {path} cannot be read ({exc.strerror}): give the kiosk's account permission to read it."
        ) from exc
    for table, key in _RELATIVE_PATH_KEYS:
        section = raw.get(table)
        if isinstance(section, dict) and isinstance(section.get(key), str):
            section[key] = _usable_path(
                path, text, (table, key), section[key], lambda value: _beside(path.parent, value)
            )
    database = raw.get("database")
    if isinstance(database, dict) and isinstance(database.get("url"), str):
        database["url"] = _usable_path(
            path, text, ("database", "url"), database["url"], lambda value: _sqlite_url_beside(value, path.parent)
        )
    settings = settings_from_mapping(raw, source=str(path), text=text)
    refuse_readable_password(path, settings.database.url)  # a password others can read is refused
    return settings


def _beside(folder: Path, value: str) -> str:
    return str((folder / Path(value).expanduser()).resolve())


def _usable_path(path: Path, text: str, setting: tuple[str, str], value: str, resolve: Callable[[str], str]) -> str:
    """The path resolved, or one sentence when no file system could hold it (a NUL character, ~nosuchuser)."""
    try:
        return resolve(value)
    except RuntimeError:  # expanduser: "~name" of an account this PC does not have
        why = "the account named after ~ does not exist on this PC"
    except (ValueError, OSError):  # a NUL character, or a name longer than the file system allows
        why = "no file or folder can have this name"
    at = where(str(path), line_of(key_lines(text), setting))
    raise SettingsError(
        f"{at} setting {'.'.join(setting)} = {shown(value)} is not allowed: {why}; write the full path instead."
    )


def _sqlite_url_beside(url: str, folder: Path) -> str:
    """A relative SQLite file in the settings means beside the settings file, like other paths."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or url.startswith(prefix + "/") or ":" in url[len(prefix) :][:3]:
        return url  # absolute (sqlite:////var/..., sqlite:///C:/...) or not SQLite
    return prefix + str((folder / url[len(prefix) :]).resolve())


def settings_from_mapping(raw: dict[str, Any], source: str = "settings", text: str | None = None) -> Settings:
    """Settings from what tomllib read from `text`, which (when given) lets a mistake name its line."""
    try:
        return Settings.model_validate(raw)
    except ValidationError as exc:
        # Lines are looked for only when something is wrong: a valid file is read once, by tomllib.
        lines = key_lines(text) if text is not None else None
        raise SettingsError(validation_sentence(exc, raw, source, lines)) from None


def _check_languages(settings: Settings, available: Iterable[str] | None, path: Path | None) -> Settings:
    """Every enabled language needs the kiosk's own words in it (resources/strings)."""
    if available is None:
        return settings
    known = sorted(available)
    for code in settings.languages.enabled:
        if code not in known:
            said = "The demo settings enable"
            if path is not None:
                said = f"{_at_setting(path, 'languages', 'enabled')} setting languages.enabled lists"
            raise SettingsError(
                f"{said} {code!r}, which the kiosk has no translation for: use only {', '.join(known)}."
            )
    return settings


def _at_setting(path: Path, *loc: str) -> str:
    """ "kiosk.toml, line N:" for a setting of a file already read and checked once."""
    try:
        return where(str(path), line_of(key_lines(read_text(path)), loc))
    except (OSError, ValueError):  # changed or gone since it was read: the file's name still helps
        return where(str(path), None)
