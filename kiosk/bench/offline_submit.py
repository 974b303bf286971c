"""Submit to confirmation with the server unreachable (silent, as with a pulled cable), beside the same online.

A throw-away PostgreSQL server (never the clinic's) reached through a relay this process controls
(kiosk/bench/tcp_relay.py): first every submit goes through to the server, then the relay is cut and every
submit waits out the server's share of the promise and is confirmed from the encrypted outbox
(kiosk/services/submission.py). The target is the promise itself, database.confirm_within_seconds.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import time

from kiosk.bench.figures import Figure, at_most, ms, percentile, skipped
from kiosk.bench.patients import Patients
from kiosk.bench.pg_server import ServerUnavailable, start_server
from kiosk.bench.tcp_relay import TcpRelay
from kiosk.bench.workspace import Workspace
from kiosk.config.settings import DatabaseSettings, Settings
from kiosk.services.outbox import open_outbox, pending_count, reserve_references
from kiosk.services.submission import DeadlineSubmitter
from kiosk.services.workstations import record_start
from kiosk.storage.database import Database
from kiosk.storage.migrations import upgrade_to_head

KIOSK = "bench-kiosk"


def measure(workspace: Workspace, count: int) -> list[Figure]:
    promise_s = DatabaseSettings().confirm_within_seconds
    name = f"submit to confirmation, server unreachable (silent), {count:,} submits: p99"
    target = f"<= {promise_s * 1000:g} ms"
    try:
        server = start_server(create_owner=False)
    except ServerUnavailable as exc:
        return [skipped(name, "ms", target, str(exc).splitlines()[0])]
    try:
        url = server.url(server.new_database())
        setup = Database.open(url)
        try:
            upgrade_to_head(setup.engine)
            record_start(setup, role="kiosk", name=KIOSK)
        finally:
            setup.close()
        with TcpRelay(server.port) as relay:
            return [_measure(workspace, relay, url, count, promise_s, name)]
    finally:
        with contextlib.suppress(ServerUnavailable, subprocess.SubprocessError):
            server.stop()
        shutil.rmtree(server.folder, ignore_errors=True)


def _measure(workspace: Workspace, relay: TcpRelay, url: str, count: int, promise_s: int, name: str) -> Figure:
    from sqlalchemy.engine import make_url

    kiosk = Database.open(make_url(url).set(port=relay.port).render_as_string(hide_password=False))
    settings = Settings(database=DatabaseSettings(url=url, outbox_path=workspace.folder / "bench-outbox.sqlite3"))
    outbox = open_outbox(settings)
    submitter = DeadlineSubmitter(lambda: outbox, KIOSK, confirm_within_s=promise_s)
    patients = Patients(seed=7)
    try:
        reserve_references(outbox, kiosk, KIOSK)

        def timed(first: int) -> list[float]:
            times = []
            for index in range(first, first + count):
                request = patients.request(index)
                started = time.perf_counter()
                submitter.submit(kiosk, request)
                times.append(time.perf_counter() - started)
            return times

        online = timed(0)
        relay.cut()
        offline = timed(count)
        kept = pending_count(outbox)
    finally:
        relay.mend()
        submitter.close()
        outbox.close()
        kiosk.close()
    note = f"online p99 (the floor) through the same relay; {kept:,} of {count:,} kept in the outbox while cut"
    return at_most(name, ms(percentile(offline, 0.99)), ms(percentile(online, 0.99)), "ms", promise_s * 1000, note)
