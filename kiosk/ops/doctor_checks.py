"""Doctor's file checks: content, free disk, the log folder, the on-screen keyboard's letters, and where the
database key sits and whether the PostgreSQL connection is encrypted."""

from __future__ import annotations

import os
import shutil
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from kiosk.ops.doctor import Check, Status, fail, from_sentence, not_checked, ok, warn

if TYPE_CHECKING:
    from kiosk.config.settings import Settings
    from kiosk.domain.keyboard_layouts import KeyboardLayout

GIB = 1024**3
MIB = 1024**2
WARN_FREE = 1 * GIB  # a day of backups and logs still fits, but not for long
FAIL_FREE = 100 * MIB  # SQLite may fail a write: a patient's request could be lost

# The letters each language needs beyond a-z; "vi" adds its tone marks (combining characters).
LANGUAGE_LETTERS = {
    "en": "",
    "es": "áéíóúüñ",
    "vi": "ăâđêôơư\u0300\u0301\u0303\u0309\u0323",
}
_ASCII_LETTERS = "abcdefghijklmnopqrstuvwxyz"


class DiskUsage(NamedTuple):
    total: int
    used: int
    free: int


def log_folder(settings: Settings) -> Path:
    from kiosk.config.locations import log_dir

    return (settings.logging.folder or log_dir()).expanduser().absolute()


def _watched_folders(settings: Settings) -> dict[str, Path]:
    from kiosk.storage.backup import backup_folder, database_file

    folders: dict[str, Path] = {}
    path = database_file(settings)
    if path is not None:
        folders["database"] = path.parent
        folders["backups"] = backup_folder(settings)
    else:
        folders["outbox"] = settings.database.resolved_outbox_path().parent
    folders["logs"] = log_folder(settings)
    return folders


def _nearest_existing(path: Path) -> Path:
    """A folder that does not exist yet will be made on the disk of its nearest existing parent."""
    while not path.exists() and path.parent != path:
        path = path.parent
    return path


def disk_space_checks(settings: Settings, usage: Callable[[Path], DiskUsage] | None = None) -> list[Check]:
    """One check per disk holding the database, backups, outbox or logs."""
    measure = usage or (lambda path: DiskUsage(*shutil.disk_usage(path)))
    by_disk: dict[int, tuple[Path, list[str]]] = {}
    for role, folder in _watched_folders(settings).items():
        existing = _nearest_existing(folder)
        try:
            device = existing.stat().st_dev
        except OSError:
            continue
        by_disk.setdefault(device, (existing, []))[1].append(f"{role} ({folder})")
    return [_space(measure(where), roles) for where, roles in by_disk.values()]


def _space(usage: DiskUsage, roles: Sequence[str]) -> Check:
    free = usage.free
    shown = f"{free / GIB:.1f} GiB" if free >= GIB else f"{free / MIB:.0f} MiB"
    message = f"{shown} free for the {', '.join(roles)}"
    fix = "free some space: delete old files, or move database.backup_folder or logging.folder to another disk"
    if free < FAIL_FREE:
        return fail("free disk", message, fix)
    if free < WARN_FREE:
        return warn("free disk", message, fix)
    return ok("free disk", message)


def log_folder_check(settings: Settings) -> Check:
    folder = log_folder(settings)
    fix = f"give the kiosk's account write access to {folder}, or set logging.folder to a folder it can write"
    if folder.exists():
        if not folder.is_dir():
            return warn("log folder", f"{folder} is a file, not a folder", "remove it, or set logging.folder")
        if os.access(folder, os.W_OK | os.X_OK):
            return ok("log folder", f"{folder} is writable")
        return warn("log folder", f"{folder} cannot be written", fix)
    parent = _nearest_existing(folder)
    if parent.is_dir() and os.access(parent, os.W_OK | os.X_OK):
        return ok("log folder", f"{folder} will be made when the kiosk starts")
    return warn("log folder", f"{folder} does not exist and cannot be made in {parent}", fix)


def keyboard_check(
    languages: Sequence[str], qt_plugin: bool | None, layouts: Mapping[str, KeyboardLayout] | None = None
) -> Check:
    """The kiosk draws its own keyboard: it must type every letter of every enabled language in that language."""
    from kiosk.domain.keyboard_layouts import LAYOUTS

    layouts = LAYOUTS if layouts is None else layouts
    plugin = {True: "present", False: "absent", None: "not checked"}[qt_plugin]
    note = f"Qt's own virtual keyboard plugin: {plugin} (not needed)"
    unknown = [language for language in languages if language not in LANGUAGE_LETTERS]
    missing = {
        language: [
            letter for letter in _ASCII_LETTERS + LANGUAGE_LETTERS[language] if letter not in _typed(layouts, language)
        ]
        for language in languages
        if language in LANGUAGE_LETTERS
    }
    lacking = {language: letters for language, letters in missing.items() if letters}
    if lacking:
        shown = "; ".join(f"{language}: {_letters(letters)}" for language, letters in lacking.items())
        return fail(
            "keyboard",
            f"the on-screen keyboard cannot type {shown}",
            "add a layout with those letters to kiosk/domain/keyboard_layouts.py, or disable the language",
        )
    if unknown:
        return warn(
            "keyboard",
            f"no list of the letters {', '.join(unknown)} needs, so the on-screen keyboard was not compared; {note}",
            "try the keyboard in that language on the kiosk",
        )
    return ok("keyboard", f"the on-screen keyboard types every letter of {', '.join(languages)}; {note}")


def _typed(layouts: Mapping[str, KeyboardLayout], language: str) -> set[str]:
    """What the keys shown to a patient reading `language` type: a language's own layout replaces the one it
    stands for (Vietnamese letters replace the Spanish row), so letters must be counted per language."""
    from kiosk.domain.keyboard_layouts import KeyKind

    replaced = {layout.stands_for for layout in layouts.values() if layout.language == language}
    shown = [
        layout
        for name, layout in layouts.items()
        if layout.language == language or (not layout.language and name not in replaced)
    ]
    typed = {key.text.casefold() for layout in shown for key in layout.every_key() if key.kind is KeyKind.CHAR}
    return typed | {mark for layout in shown for mark in layout.marks()}


def _letters(letters: Sequence[str]) -> str:
    # A bare combining mark prints as nothing readable, so tone marks are counted, not shown.
    plain = [letter for letter in letters if not unicodedata.combining(letter)]
    marks = len(letters) - len(plain)
    return " ".join(plain) + (f" and {marks} tone mark(s)" if marks else "")


def keyed_settings(settings: Settings) -> Settings:
    """The encrypted file whose key must stay apart: the SQLite database, or with PostgreSQL the kiosk's outbox."""
    from kiosk.services.outbox import outbox_settings
    from kiosk.storage.keys import database_path

    return settings if database_path(settings.database) is not None else outbox_settings(settings)


def key_location_check(settings: Settings) -> Check:
    """A copy of the data folder or of the backups must not carry the key that opens them."""
    import stat

    from kiosk.storage.database import DatabaseError
    from kiosk.storage.key_location import MOVE_COMMAND, key_place
    from kiosk.storage.keys import KeyFile

    try:
        place = key_place(keyed_settings(settings))
    except DatabaseError:
        # The key (or the database beside it) cannot be read: the encryption key line above says why and how.
        return not_checked("key location", "the key cannot be read (see encryption key)")
    if place is None:
        return ok("key location", "no key file to keep apart (see database and encryption key)")
    store = place.store
    if not isinstance(store, KeyFile):
        return ok("key location", f"the key is in the {store.where}, not in a file beside the data")
    if place.shared_with:
        shared = " and ".join(f"the {name} folder {folder}" for name, folder in place.shared_with.items())
        message = f"the {store.where} shares a folder tree with {shared}: a copy of it carries the key"
        if place.movable:
            return warn("key location", message, f"run `{MOVE_COMMAND}` (it moves the key to the {place.target})")
        return warn(
            "key location",
            message,
            "move the key file to a folder of its own, outside the database and backup folders, "
            "and set database.key_file to it",
        )
    folder = store.path.parent
    try:
        mode = stat.S_IMODE(folder.stat().st_mode)
    except OSError as exc:
        return fail("key location", f"the key's folder {folder} cannot be checked ({exc.strerror})",
                    "check that the kiosk's account may open it")  # fmt: skip
    if os.name == "posix" and mode & 0o077:
        return warn(
            "key location", f"the key's folder {folder} can be opened by other accounts (mode {mode:o})",
            f"run `chmod 700 {folder}` as the kiosk's account",
        )  # fmt: skip
    return ok("key location", f"the {store.where} is apart from the database and backup folders")


def data_protection_checks(settings: Settings) -> list[Check]:
    """key location, database tls: the two ways a copy or a wire could give the data away."""
    return [key_location_check(settings), tls_check(settings)]


def tls_check(settings: Settings) -> Check:
    """What the server's own view of one fresh kiosk connection says about its encryption."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    from kiosk.storage.database import Database, DatabaseError
    from kiosk.storage.keys import database_path
    from kiosk.storage.pg_security import is_tls_refusal, tls_refusal_sentence, tls_state

    if database_path(settings.database) is not None:
        return ok("database tls", "not used: the database is a file on this PC")
    url = make_url(settings.database.resolved_url())
    try:
        database = Database.open(url.render_as_string(hide_password=False))
    except DatabaseError as exc:
        return from_sentence("database tls", Status.FAIL, str(exc))
    try:
        with database.engine.connect() as connection:
            state = tls_state(connection)
    except SQLAlchemyError as exc:
        if is_tls_refusal(exc):
            return from_sentence("database tls", Status.FAIL, tls_refusal_sentence(url))
        return not_checked("database tls", f"the server did not answer ({type(exc).__name__})")
    finally:
        database.close()
    if state.in_use:
        return ok(
            "database tls",
            f"encrypted with {state.protocol} ({state.cipher}, {state.bits} bits), sslmode={state.mode}",
        )
    return warn(
        "database tls",
        f"not encrypted: database.url opts out (sslmode={state.mode}) for a server on this PC",
        "remove sslmode from database.url once the server has a certificate",
    )
