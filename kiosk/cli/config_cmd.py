"""`kiosk config`: the settings in effect and where each came from, and the reference of every setting."""

from __future__ import annotations

import argparse
import os
import tomllib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kiosk.cli.errors import friendly
from kiosk.ops.exit_codes import EXIT_OK

if TYPE_CHECKING:
    from kiosk.config.reference import SettingInfo, TableInfo
    from kiosk.config.settings import Settings

_COLUMN = 44  # where the "# from ..." notes line up


def add_parser(verbs: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = verbs.add_parser(
        "config",
        help="show the settings in effect, or the reference of every setting",
        description="Show the settings the kiosk would use now and where each came from, or list every setting.",
    )
    actions = parser.add_subparsers(dest="action", metavar="{show,check,reference}", required=True)
    show = actions.add_parser(
        "show",
        help="print the settings in effect, where each came from, passwords masked",
        description=(
            "Print every setting the kiosk would use now, as settings-file lines, each with where it came from: "
            "the settings file or the default. Passwords in the database URL are shown as ***."
        ),
    )
    # SUPPRESS: `kiosk --config FILE config show` keeps working; the sub-verb's flag only overrides when given.
    show.add_argument("--config", metavar="FILE", default=argparse.SUPPRESS, help="settings file to read")
    show.set_defaults(handler=lambda args: friendly(lambda: _show(args.config)))
    check = actions.add_parser(
        "check",
        help="check the settings file and say what is wrong, with its line",
        description=(
            "Read the settings file as `kiosk run` would and say whether the kiosk accepts it; if not, print the one "
            "sentence naming the file, the line and what to write instead, and exit with code 2."
        ),
    )
    check.add_argument("--config", metavar="FILE", default=argparse.SUPPRESS, help="settings file to read")
    check.set_defaults(handler=lambda args: friendly(lambda: _check(args.config)))
    reference = actions.add_parser(
        "reference",
        help="print every setting with its type, default and meaning (Markdown)",
        description="Print the reference of every setting, generated from the kiosk's settings model, as Markdown.",
    )
    reference.set_defaults(handler=lambda args: _reference())


def _reference() -> int:
    # The settings model (pydantic) is imported by the handlers, not at the top: `kiosk run` imports this module too.
    from kiosk.config.reference import markdown_reference

    print(markdown_reference(), end="")
    return EXIT_OK


def _check(config: str | None) -> int:
    from kiosk.config.loader import load_settings
    from kiosk.i18n.strings import available_languages

    _settings, path = load_settings(config, available_languages())
    if path is not None:  # without one, load_settings has said where it goes and that the defaults are used
        print(f"The settings file {path} is valid: the kiosk will use it.")
    return EXIT_OK


def _show(config: str | None) -> int:
    from kiosk.config.loader import load_settings
    from kiosk.config.reference import tables
    from kiosk.i18n.strings import available_languages
    from kiosk.tomlfiles import read_text

    settings, path = load_settings(config, available_languages())
    # load_settings has already read and checked the file, so reading it again cannot fail in a new way.
    raw: dict[str, Any] = tomllib.loads(read_text(path)) if path is not None else {}
    if path is None:
        print("# No settings file: these are the demo defaults. `kiosk init` writes one to edit.")
    else:
        print(f"# Settings file: {path} ({_named_by(config)})")
    for table in tables():
        print()
        print(f"[{table.name}]")
        written = _raw_table(raw, table.name)
        for info in table.settings:
            origin = f"file {path}" if info.key in written else "default"
            print(_line(info, _value(settings, table, info), settings, origin))
    return EXIT_OK


def _named_by(config: str | None) -> str:
    from kiosk.config.locations import CONFIG_ENV

    if config:
        return "named by --config"
    if os.environ.get(CONFIG_ENV):
        return f"named by {CONFIG_ENV}"
    return "the platform's settings folder"


def _raw_table(raw: dict[str, Any], name: str) -> dict[str, Any]:
    node: object = raw
    for part in name.split("."):
        node = node.get(part, {}) if isinstance(node, dict) else {}
    return node if isinstance(node, dict) else {}


def _value(settings: Settings, table: TableInfo, info: SettingInfo) -> object:
    node: object = settings
    for part in table.name.split("."):
        node = getattr(node, part)
    return getattr(node, info.key)


def _line(info: SettingInfo, value: object, settings: Settings, origin: str) -> str:
    from kiosk.config.reference import toml_value, type_words
    from kiosk.config.settings import DayHours

    if value is None and info.type_words == type_words(DayHours):
        text = f'{info.key} = "closed"'
    elif value is None:
        used = _fallback(info, settings)
        text = f"# {info.key} is not set" + (f": uses {used}" if used else "")
    elif (info.table, info.key) == ("database", "url"):
        text = f"{info.key} = {toml_value(_masked_url(str(value)))}"
    else:
        text = f"{info.key} = {toml_value(value)}"
    return f"{text.ljust(_COLUMN - 1)} # {origin}"


def _masked_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if "password" in parsed.query:  # libpq also takes the password as ?password=...
        parsed = parsed.update_query_dict({"password": "***"})
    return parsed.render_as_string(hide_password=True)


def _fallback(info: SettingInfo, settings: Settings) -> str | None:
    """What the kiosk uses for a setting left out, where that is a place IT may want to find."""
    from kiosk.config.locations import log_dir
    from kiosk.storage.backup import backup_folder
    from kiosk.storage.database import DatabaseError

    found: dict[tuple[str, str], Callable[[], object]] = {
        ("database", "url"): lambda: _masked_url(settings.database.resolved_url()),
        ("database", "outbox_path"): settings.database.resolved_outbox_path,
        ("database", "backup_folder"): lambda: backup_folder(settings),
        ("logging", "folder"): log_dir,
    }
    where = found.get((info.table, info.key))
    try:
        return None if where is None else str(where())
    except DatabaseError:
        return None  # no backup folder: a PostgreSQL server is backed up on the server
