"""Turn the errors a person can fix into one sentence on stderr and exit code 2."""

from __future__ import annotations

import sys
from collections.abc import Callable

from kiosk.config.loader import SettingsError
from kiosk.storage.database import DatabaseError

EXIT_PROBLEMS = 1
EXIT_USAGE = 2


def friendly(action: Callable[[], int]) -> int:
    try:
        return action()
    except (SettingsError, DatabaseError) as exc:
        print(f"kiosk: {exc}", file=sys.stderr)
        return EXIT_USAGE
