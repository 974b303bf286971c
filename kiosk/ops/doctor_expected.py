"""`kiosk doctor`'s "expected kiosks" check: kiosks listed in [database] expected_kiosks that the database has
never heard from.

Such a kiosk (a wrong password or a blocked connection from its first start) writes nothing the server could show,
so on the console's or the server's PC this line is where IT first learns of it; the kiosk's own doctor says why.
A WARN, not a FAIL: this PC and the other kiosks work on. Read-only, and no line at all when no list is set.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.ops.doctor import Check, not_checked, ok, warn

if TYPE_CHECKING:
    from kiosk.config.settings import Settings

NAME = "expected kiosks"


def expected_kiosks_checks(settings: Settings) -> list[Check]:
    from sqlalchemy.exc import SQLAlchemyError

    from kiosk.ops.doctor_audit import _open_as_is
    from kiosk.services.expected_kiosks import expected_never_seen
    from kiosk.storage.database import DatabaseBusy

    expected = settings.database.expected_kiosks
    if not expected:
        return []
    try:
        database = _open_as_is(settings)
    except DatabaseBusy:
        return [warn(NAME, "not checked: the database is busy", "run `kiosk doctor` again once it is free")]
    if database is None:
        return [not_checked(NAME, "the database does not open (see database)")]
    try:
        missing = expected_never_seen(database, expected)
    except SQLAlchemyError as exc:
        # Already a FAIL on the database line (a server away, a refused password): here only a note, not a second FAIL.
        why = f"not checked: the database could not be read ({type(exc).__name__})"
        return [warn(NAME, why, "fix the database line above first")]
    finally:
        database.close()
    if not missing:
        return [ok(NAME, f"all {len(expected)} have reached the database")]
    return [
        warn(
            NAME,
            f"{len(missing)} of {len(expected)} never reached the database: {', '.join(missing)}",
            "on each, run `kiosk doctor`; a refused password or a blocked connection shows there",
        )
    ]
