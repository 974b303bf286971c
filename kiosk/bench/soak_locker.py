"""Another program holding the kiosk's database write lock for a moment, for `kiosk bench --soak`:
`python -m kiosk.bench.soak_locker CONFIG SECONDS` prints "taken" once it holds the lock, keeps it SECONDS, exits.

Its own process, as a backup tool or the reception console on the same PC is. Held from inside the kiosk's
process, the lock's connection was one more SQLite connection of the kiosk's: SQLite keeps the file handle of a
connection closed while another of the same process is open (its locks belong to the process), so the soak's own
connection showed up in the kiosk's open descriptors.
"""

from __future__ import annotations

import sys
import time

from kiosk.config.loader import load_settings
from kiosk.storage.keys import open_configured_database

TAKEN = "taken"


def hold(config: str, seconds: float) -> None:
    database = open_configured_database(load_settings(config)[0], create_if_missing=False)
    # SQLite: BEGIN IMMEDIATE (the kiosk's write transactions) is the write lock. PostgreSQL: the requests table
    # locked against writes.
    take = "SELECT 1" if database.engine.dialect.name == "sqlite" else "LOCK TABLE patient_requests IN EXCLUSIVE MODE"
    try:
        with database.engine.begin() as connection:
            connection.exec_driver_sql(take)
            print(TAKEN, flush=True)
            time.sleep(seconds)
    finally:
        database.engine.dispose()


if __name__ == "__main__":
    hold(sys.argv[1], float(sys.argv[2]))
