"""Turn the errors a person can fix into one sentence on stderr and exit code 2."""

from __future__ import annotations

import sys
from collections.abc import Callable

from kiosk.config.errors import SettingsError

EXIT_PROBLEMS = 1
EXIT_USAGE = 2
# DatabaseError lives beside SQLAlchemy; importing it here would load SQLAlchemy for every verb (and for
# `kiosk run` before its first frame). It is looked up by module name instead: an error of a class whose
# module was never imported cannot have been raised.
_DATABASE_MODULE = "kiosk.storage.database"


def is_friendly(exc: BaseException) -> bool:
    """A settings or database problem worded for the person who can fix it."""
    if isinstance(exc, SettingsError):
        return True
    database = sys.modules.get(_DATABASE_MODULE)
    return database is not None and isinstance(exc, database.DatabaseError)


def friendly(action: Callable[[], int]) -> int:
    try:
        return action()
    except Exception as exc:
        if not is_friendly(exc):
            raise
        print(f"kiosk: {exc}", file=sys.stderr)
        return EXIT_USAGE
