"""Kiosks IT expects on the shared database that the server has never heard from.

A kiosk given a wrong password (or blocked by a firewall) from its first start never writes a row, so nothing else
would show it: the list in the settings ([database] expected_kiosks) is what tells the desk and IT it is missing.
An expected kiosk that has been seen once is shown as every other PC (last seen, sign-in problems); only the
never-seen ones are listed here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import select

from kiosk.storage.database import Database
from kiosk.storage.models import Workstation

NEVER_SEEN = "Never seen"
# What the desk and IT can do, in words. Short enough for the table's cell at the console's 1366 pixels; the server
# cannot know why, but the kiosk's own doctor says at once. The whole sentence is the cell's tooltip.
NEVER_SEEN_WHY = "Refused password or blocked connection? Run kiosk doctor on that PC"
NEVER_SEEN_SENTENCE = (
    "It never reached the server: on that PC run kiosk doctor; a refused password or a blocked connection shows there."
)


def never_seen(expected: Sequence[str], seen: Iterable[str]) -> list[str]:
    """The expected names no PC has used on this database, in the settings' order.

    Computer names ignore case, so "Waiting-Room-1" in the settings matches a PC that reports "waiting-room-1".
    """
    known = {name.casefold() for name in seen}
    return [name for name in expected if name.casefold() not in known]


def expected_never_seen(database: Database, expected: Sequence[str]) -> list[str]:
    """Read the PCs this database has heard from and return the expected ones missing (for `kiosk doctor`)."""
    if not expected:
        return []
    with database.read() as session:
        names = session.scalars(select(Workstation.name)).all()
    return never_seen(expected, names)


def never_seen_warning(names: Sequence[str]) -> str:
    """The console's warning sentence for them, counting them."""
    count = len(names)
    which = "kiosk" if count == 1 else "kiosks"
    return (
        f"{count} expected {which} never seen by the server ({', '.join(names)}): on each, run kiosk doctor;"
        " a refused password or a blocked connection shows there."
    )
