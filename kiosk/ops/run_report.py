"""The lines `kiosk run` writes to its log at start and stop, so IT can tell what ran where without stderr.

Only places and choices (files, folders, a server's address, languages, the screen), never contents: no key,
no password, nothing from the database.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from kiosk import __version__
from kiosk.ops.exit_codes import EXIT_CRASHED, EXIT_OK, EXIT_RESTART_PLANNED, EXIT_STAFF_QUIT

if TYPE_CHECKING:
    from kiosk.config.settings import Settings

HIDDEN = "***"
_SECRET_QUERY_KEYS = frozenset({"password", "passfile", "sslpassword"})


def database_location(url: str) -> str:
    """An SQLite file's path, or a server URL with its password hidden.

    Written with urllib rather than SQLAlchemy's make_url: the start line comes before the first frame, and
    SQLAlchemy is loaded only after it (tests/cli/test_run_startup.py checks that).
    """
    prefix = "sqlite:///"
    if url.startswith(prefix):
        return str(Path(url[len(prefix) :].split("?", 1)[0]))
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        user_info, host = netloc.rsplit("@", 1)
        if ":" in user_info:
            netloc = f"{user_info.split(':', 1)[0]}:{HIDDEN}@{host}"
    query = parse_qsl(parts.query, keep_blank_values=True)
    hidden = [(key, HIDDEN if key.lower() in _SECRET_QUERY_KEYS else value) for key, value in query]
    return urlunsplit((parts.scheme, netloc, parts.path, urlencode(hidden, safe="*/"), parts.fragment))


def key_source(settings: Settings) -> str:
    """Where the database key is looked for, from the settings alone (the key's actual place is logged once open)."""
    database = settings.database
    url = database.resolved_url()
    if not url.startswith("sqlite:"):
        return "none (a database server)"
    if not database.encrypt:
        return "none (database.encrypt = false)"
    if database.key_file is not None:
        return f"key file {database.key_file.expanduser().absolute()}"
    return "the OS keyring or the kiosk's key folder"


def start_line(settings: Settings, settings_path: Path | None) -> str:
    languages = settings.languages
    where = str(settings_path) if settings_path is not None else "none (built-in defaults)"
    return (
        f"kiosk {__version__} starting (process {os.getpid()}): settings {where}; "
        f"database {database_location(settings.database.resolved_url())}; key: {key_source(settings)}; "
        f"languages {', '.join(languages.enabled)} (default {languages.default})"
    )


def stop_reason(code: int, signal_name: str | None) -> str:
    """Why `kiosk run` ended, in a few words for the "stopped: ..." line."""
    if signal_name is not None:
        return signal_name
    if code == EXIT_STAFF_QUIT:
        return "closed by an admin"
    if code == EXIT_RESTART_PLANNED:
        return "daily restart while the clinic is closed ([maintenance] daily_restart)"
    if code == EXIT_CRASHED:
        return "errors kept coming"
    if code == EXIT_OK:
        return "the window was closed"
    return "start-up failed"


def opened_from(settings: Settings) -> str:
    """Once the database is open: where it is and the place its key was found in (read again: a file or keyring)."""
    from kiosk.storage.keys import database_path, find_key

    database = settings.database
    where = database_location(database.resolved_url())
    path = database_path(database)
    if path is None or not database.encrypt:
        return f"{where} (no key)"
    found = find_key(database, path)
    return f"{where}, key from the {found[0].where}" if found is not None else where
