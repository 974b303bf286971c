"""Run by test_crash_durability.py: submit requests for ever, reporting each one only once it is stored.

Usage: python -m tests.services.crash_child DATABASE_FILE
Each stored request prints one line, "REFERENCE REQUEST_ID FACTORY", after submit_request returned.
"""

from __future__ import annotations

import os
import sys

from kiosk.services.requests import submit_request
from tests import encrypted_files

from . import factories

# Which factory made a request, so the parent can build the same request again and compare.
MAKERS = ("appointment", "follow_up", "urgent_follow_up")


def main(path: str) -> None:
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
        os.write(1, f"{receipt.reference} {request.request_id} {maker}\n".encode())
        count += 1


if __name__ == "__main__":
    main(sys.argv[1])
