"""The child side of `kiosk bench --soak`: `python -m kiosk.bench.soak_session TAPS VISITS EVERY --config F
[--samples FILE] [--postgres SERVER_JSON]`.

One process, one kiosk window, driven from its own event loop (kiosk.bench.loop) through rounds of EVERY taps
and their share of the visits, with a reading (kiosk.bench.soak_probe) after each round. Each round also meets
what a month brings: every language, text size and contrast, both request kinds and the urgent path, an idle
reset, and the database's write lock held for a moment by another program (kiosk.bench.soak_locker) while a
patient sends. With --postgres (the throw-away server kiosk.bench.soak started, described as JSON) one round
in RESTART_EVERY also restarts the server: the visits sent while it is down must get their confirmation from the
outbox and reach the server exactly once when it is back. Progress goes to stderr; the readings are the last line
of stdout, as JSON.
"""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

from kiosk.bench import loop, soak_locker, soak_probe
from kiosk.bench.form_fill import send
from kiosk.bench.loop import StepFailed, Steps
from kiosk.bench.patients import Patients
from kiosk.bench.pg_server import ADMIN_ROLE, APP_ROLE, PostgresServer
from kiosk.bench.soak import RESTART_EVERY
from kiosk.bench.walk import PatientWalk, touch
from kiosk.domain.requests import RequestKind
from kiosk.ops.logs import attach_log_file
from kiosk.services.navigation import ATTRACT
from kiosk.services.outbox import pending_count
from kiosk.services.startup import KioskContext, load_context
from kiosk.storage.database import Database
from kiosk.ui.app import application, build_window
from kiosk.ui.heartbeat import schedule_heartbeat
from kiosk.ui.presentation import TextSize, ThemeName
from kiosk.ui.window import RELEASE_MEMORY_AFTER_MS, KioskWindow

WIDTH, HEIGHT = 1280, 800
# Long enough that the patient's send waits for it (a commit takes milliseconds), well inside SQLite's 15 s busy
# timeout and PostgreSQL's 2 s share of the confirmation promise; 1 s before: the wait is the soak's, not the kiosk's.
LOCK_HELD_S = 0.5
# The idle clock during an idle reset or an urgent hold: 90 s of form time pass in 0.18 s. The kiosk's own timers
# still run every step (warning, countdown, reset); 10 ms before, and those waits were a second a round.
FAST_SECOND_MS = 2
OUTAGE_VISITS = 2  # visits sent while it is down (an appointment and a follow-up, as the kinds take turns)
CHECK_EVERY_S = 0.2  # how often a wait asks the server again (each ask is a query)


def server_from_json(text: str) -> PostgresServer:
    """The parent's throw-away server, to stop and start it (kiosk.bench.soak.server_json wrote it)."""
    fields = json.loads(text)
    return PostgresServer(
        bin=Path(fields["bin"]),
        folder=Path(fields["folder"]),
        port=int(fields["port"]),
        password=fields["password"],
        run_as=fields["run_as"],
    )


def _every(seconds: float, condition: Callable[[], bool]) -> Callable[[], bool]:
    """The condition, asked at most every `seconds` (the loop polls every millisecond; a query each is too many)."""
    last = [0.0]

    def check() -> bool:
        now = time.perf_counter()
        if now - last[0] < seconds:
            return False
        last[0] = now
        return condition()

    return check


class Soak:
    def __init__(
        self,
        window: KioskWindow,
        context: KioskContext,
        log_folder: Path | None,
        samples_file: Path | None = None,
        server: PostgresServer | None = None,
    ) -> None:
        self.window = window
        self.server = server
        # The kiosk's own outbox, as its sender holds it (opened once, under a lock, by whichever of its workers
        # asks first): a second opening here raced the forwarder's first one to create the outbox's key.
        self.outbox: Database | None = window.form.request_sender._outbox() if server is not None else None
        self.through_outbox = 0  # visits confirmed while the server was down
        databases = [database for database in (context.database, self.outbox) if database is not None]
        self.sqlite_files = soak_probe.SqliteFiles(databases)
        self.descriptors: list[str] = []  # at the last reading: what a change in their number was is printed
        self.samples_file = samples_file  # each reading as a JSON line as it is taken: a cut-short soak still tells
        self.context = context
        self.log_folder = log_folder
        self.walk = PatientWalk(window, seed=11)
        self.patients = Patients(seed=11)
        self.taps = 0
        self.visits = 0
        self.started = time.perf_counter()
        self.samples: list[soak_probe.Sample] = []
        settings = context.settings
        looks = itertools.product(settings.languages.enabled, list(TextSize), list(ThemeName))
        self._looks = itertools.cycle(list(looks))
        self._kinds = itertools.cycle([RequestKind.APPOINTMENT, RequestKind.FOLLOW_UP])

    def sample(self) -> Steps:
        if self.outbox is not None:
            # A send that missed its deadline went to the outbox: the reading counts requests once forwarded.
            yield self._forwarded()
        for _ in range(3):
            yield None  # deleteLater() runs in the loop
        # ... and the memory the last reset freed goes back to the system half a second later (kiosk.ops.heap).
        waited = time.perf_counter()
        yield lambda: time.perf_counter() - waited > (RELEASE_MEMORY_AFTER_MS + 100) / 1000
        targets = soak_probe.descriptors()
        reading = soak_probe.take(
            self.taps,
            self.visits,
            time.perf_counter() - self.started,
            self.context.database,
            self.log_folder,
            self._server_connections if self.server is not None else None,
            self.through_outbox,
            self.sqlite_files,
            targets,
        )
        self._say_descriptors_changed(targets)
        if reading.stored != self.visits:
            raise StepFailed(f"{self.visits} visits sent but {reading.stored} requests stored")
        self.samples.append(reading)
        if self.samples_file is not None:
            with self.samples_file.open("a", encoding="utf-8") as lines:
                lines.write(json.dumps(reading.as_json()) + "\n")
        print(
            f"soak: {reading.taps:,} taps, {reading.visits:,} visits, {reading.seconds:.0f} s: "
            f"RSS {reading.rss_kib / 1024:.1f} MiB, heap {reading.heap_kib / 1024:.1f} MiB, "
            f"{reading.qobjects} QObjects, {reading.wrappers} wrappers"
            + (f", {reading.through_outbox} through the outbox" if self.server is not None else ""),
            file=sys.stderr,
            flush=True,
        )

    def _say_descriptors_changed(self, now: list[str]) -> None:
        """Names the descriptors opened or closed since the last reading when their number changed (paths under the
        soak's throw-away folder, sockets, pipes: never a patient's answers)."""
        if self.descriptors and len(now) != len(self.descriptors):
            opened, closed = Counter(now) - Counter(self.descriptors), Counter(self.descriptors) - Counter(now)
            print(
                f"soak: descriptors {len(self.descriptors)} -> {len(now)}: opened {sorted(opened.elements())}, "
                f"closed {sorted(closed.elements())}",
                file=sys.stderr,
                flush=True,
            )
        self.descriptors = now

    def tap(self, count: int) -> Steps:
        yield from self.walk.quick_taps(count)
        self.taps += count

    def visit(self, *, locked: bool = False) -> Steps:
        """One whole visit in the next language, size and contrast; a follow-up every other visit (one in ten of
        those reports a warning sign: the urgent confirmation, held until its time is up)."""
        window = self.window
        language, size, theme = next(self._looks)
        if not window.home.isVisible():
            window.navigator.home()
            yield None
        window.texts.set_language(language)
        window.presentation.set_text_size(size)
        window.presentation.set_theme(theme)
        yield None
        kind = next(self._kinds)
        answers = self.patients.answers(kind)
        release = self._hold_write_lock() if locked else None
        yield from send(window, kind, answers)
        if release is not None:
            release.wait()
        self.visits += 1
        if window.confirmation.is_urgent:
            yield from self._fast_idle_until_attract()  # the urgent band stays up for its hold, then attract
        else:
            touch(window.confirmation.done_button)
            yield None

    def idle_reset(self) -> Steps:
        """A patient walks away mid-page: the warning, its countdown, then the reset, on the kiosk's own timers."""
        window = self.window
        window.navigator.home()
        yield None
        touch(window.home.choices["learn"])
        yield None
        yield from self._fast_idle_until_attract()

    def _fast_idle_until_attract(self) -> Steps:
        idle = self.window.idle
        idle.set_second_ms(FAST_SECOND_MS)
        idle.note_activity()  # restart the wait on the fast clock
        if idle.holding:
            idle.hold(self.context.settings.idle.urgent_confirmation_seconds)
        yield lambda: self.window.navigator.current == ATTRACT
        idle.set_second_ms(1000)

    def _hold_write_lock(self) -> subprocess.Popen[str]:
        """Another program (kiosk.bench.soak_locker) takes the write lock and keeps it LOCK_HELD_S."""
        config = str(self.context.settings_path)
        locker = subprocess.Popen(
            [sys.executable, "-m", "kiosk.bench.soak_locker", config, str(LOCK_HELD_S)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert locker.stdout is not None
        if locker.stdout.readline().strip() != soak_locker.TAKEN:  # "" when it failed: its error is on stderr
            raise StepFailed(f"the lock-holding program exited {locker.wait()} without taking the lock")
        return locker

    def outage(self, visits: int) -> Steps:
        """The server stopped (as `pg_ctl stop -m fast` does: every session cut), VISITS patients send, then it is
        started again; each got a confirmation from the outbox, and each reaches the server once."""
        assert self.server is not None and self.outbox is not None
        self.server.stop()
        for _ in range(visits):
            yield from self.visit()
        kept = pending_count(self.outbox)
        if kept < visits:
            raise StepFailed(f"{visits} visits sent while the server was down, {kept} kept in the outbox")
        self.through_outbox += visits
        self.server.start()
        yield self._forwarded()

    def _forwarded(self) -> Callable[[], bool]:
        """Forwarding now, as the kiosk's 10-second timer would (a pass already running is left alone), until the
        outbox is empty; the reading after it checks that the server holds each visit once."""
        assert self.outbox is not None
        sender, outbox = self.window.form.request_sender, self.outbox

        def empty() -> bool:
            sender.forward_soon()
            return pending_count(outbox) == 0

        return _every(CHECK_EVERY_S, empty)

    def _server_connections(self) -> int:
        """The kiosk role's sessions as the server sees them (pg_stat_activity), through its private socket."""
        import psycopg

        assert self.server is not None
        with psycopg.connect(
            host=str(self.server.socket_dir), port=self.server.port, user=ADMIN_ROLE, dbname="postgres"
        ) as connection:
            row = connection.execute("SELECT count(*) FROM pg_stat_activity WHERE usename = %s", (APP_ROLE,)).fetchone()
        return int(row[0]) if row is not None else -1

    def rounds(self, taps: int, visits: int, every: int) -> Iterator[tuple[int, int]]:
        """(taps, visits) per round: EVERY taps and the visits' share of them, until both totals are reached."""
        rounds = max(1, -(-taps // every))
        done_visits = 0
        for index in range(rounds):
            round_taps = min(every, taps - index * every)
            due = visits * (index + 1) // rounds
            yield round_taps, due - done_visits
            done_visits = due

    def run(self, taps: int, visits: int, every: int) -> Steps:
        yield from self.tap(1)
        yield from self.visit()  # every screen met once before the first reading
        yield from self.sample()
        for index, (round_taps, round_visits) in enumerate(self.rounds(taps, visits, every)):
            yield from self.tap(round_taps)
            outage = min(OUTAGE_VISITS, round_visits) if self.server is not None and index % RESTART_EVERY == 0 else 0
            for number in range(round_visits - outage):
                yield from self.visit(locked=number == 0)
            if outage:
                yield from self.outage(outage)
            yield from self.idle_reset()
            yield from self.sample()


def main(argv: list[str]) -> int:
    config = argv[argv.index("--config") + 1]
    samples_file = Path(argv[argv.index("--samples") + 1]) if "--samples" in argv else None
    server = server_from_json(argv[argv.index("--postgres") + 1]) if "--postgres" in argv else None
    taps, visits, every = (int(word) for word in argv[: argv.index("--config")])
    tracemalloc.start()
    app = application()
    context = load_context(config, kiosk=True)
    log_file = attach_log_file(context.settings, "run")
    window = build_window(context, WIDTH, HEIGHT)
    heartbeat = schedule_heartbeat(window, context)  # as `kiosk run` does: a write every minute
    window.show()
    app.processEvents()
    soak = Soak(window, context, log_file.parent if log_file is not None else None, samples_file, server)
    try:
        loop.run(soak.run(taps, visits, every))
    finally:
        del heartbeat
        window.close()
        context.close()
    print(json.dumps([sample.as_json() for sample in soak.samples]), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
