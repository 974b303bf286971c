"""Run by test_crash_durability.py: submit requests for ever, reporting each one only once it is stored.

The test forks each run from a fork server that has imported this module (so SQLAlchemy, SQLCipher and the
kiosk's services) once: each run is still a process of its own that opens the file afresh, as a kiosk starting
up does, and is killed, but no longer pays for Python's start and those imports (0.3 s of a 0.4 s run).
By hand: python -m tests.services.crash_child DATABASE_FILE (the lines go to stdout).
Each stored request is one line, "REFERENCE REQUEST_ID FACTORY", written after submit_request returned.
"""

from __future__ import annotations

import os
import sys
from multiprocessing.connection import Connection

from kiosk.services.requests import submit_request
from tests import encrypted_files

from . import factories

# Which factory made a request, so the parent can build the same request again and compare.
MAKERS = ("appointment", "follow_up", "urgent_follow_up")


def submit_until_killed(path: str, report: Connection, stderr_file: str) -> None:
    """The forked run: what went wrong goes to `stderr_file` (the fork server's stderr is nobody's)."""
    os.dup2(os.open(stderr_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), 2)
    submit_forever(path, report.fileno())


def submit_forever(path: str, out: int) -> None:
    database = encrypted_files.open_again(path)  # as the kiosk opens it: WAL, synchronous=FULL
    count = 0
    while True:
        maker = MAKERS[count % len(MAKERS)]
        request = getattr(factories, maker)()
        receipt = submit_request(database, request, "crash-test")
        # Every fifth, a second tap on Submit (perhaps killed half-way) that must change nothing.
        if count % 5 == 0 and submit_request(database, request, "crash-test") != receipt:
            raise SystemExit(f"a second submit of {request.request_id} gave another receipt")
        # One write() per line, straight to the pipe: the parent never sees half a report.
        os.write(out, f"{receipt.reference} {request.request_id} {maker}\n".encode())
        count += 1


if __name__ == "__main__":
    submit_forever(sys.argv[1], 1)
