"""`kiosk bench --soak`: a month of kiosk use in one process, read at intervals, with a verdict per figure.

The kiosk runs in a child process (kiosk.bench.soak_session) on a throw-away install whose log is written at
"info" into a small rolling folder, so the log's own bound is part of the test. With `postgres` it uses a
throw-away PostgreSQL server started here (kiosk.bench.pg_server, as the tests and the bench's eight-kiosks
figure do), which the child restarts mid-soak; never the clinic's server.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from kiosk.bench.interaction import WARM_UP_SHARE
from kiosk.bench.pg_server import PostgresServer, ServerUnavailable, start_server
from kiosk.bench.workspace import Workspace

RSS_LIMIT_MIB = 10
RESTART_EVERY = 5  # rounds: with --postgres the server is restarted in the first round and in every fifth after it
HEAP_LIMIT_MIB = 1
LOG_MAX_KB, LOG_FILES_KEPT = 64, 2  # small, so a soak rolls the log over many times
# Figures that are counts: each must end at or below where it stood once warmed up. Descriptors are judged less the
# handles SQLite keeps for reuse (kiosk.bench.soak_probe.SqliteFiles), which are judged against their own bound.
COUNTS = (
    ("qobjects", "live QObjects"),
    ("wrappers", "Python wrappers of Qt objects"),
    ("dead_wrappers", "wrappers of deleted Qt objects"),
    ("fds", "open file descriptors (less SQLite's kept)"),
    ("threads", "threads"),
    ("qtimers", "QTimers"),
    ("db_connections", "database connections open"),
    ("db_checked_out", "database connections in use"),
    ("server_connections", "server sessions (PostgreSQL)"),
)
SETTINGS = """\
[database]
url = "sqlite:///{database}"
key_file = "{key}"
backup_folder = "{backups}"

[lockdown]
enabled = false
closed_screen = false

[logging]
folder = "{logs}"
level = "info"
max_kb = {max_kb}
files_kept = {kept}
"""
# The same install on a PostgreSQL server; the outbox (an encrypted SQLite file) keeps what the server cannot take.
POSTGRES_DATABASE = """\
[database]
url = "{url}"
outbox_path = "{outbox}"
"""


@dataclass(frozen=True)
class SoakPlan:
    taps: int = 100_000
    visits: int = 10_000
    sample_every: int = 2_000  # taps between readings
    postgres: bool = False  # on a throw-away PostgreSQL server, restarted mid-soak, instead of the SQLite file
    samples_file: Path | None = None  # each reading also appended here as it is taken: a soak cut short still tells


@dataclass(frozen=True)
class Verdict:
    name: str
    at_warm_up: float
    at_end: float
    unit: str
    target: str
    met: bool

    @property
    def change(self) -> float:
        return self.at_end - self.at_warm_up


class SoakFailed(Exception):  # noqa: N818 (says what happened, like SubmitFailed)
    """The soak's child process failed; the message has the end of its output."""


def settings_file(workspace: Workspace) -> str:
    path = workspace.folder / "soak.toml"
    if not path.exists():
        path.write_text(
            SETTINGS.format(
                database=(workspace.folder / "soak.sqlite3").as_posix(),
                key=(workspace.folder / "soak.sqlite3.key").as_posix(),
                backups=(workspace.folder / "backups").as_posix(),
                logs=(workspace.folder / "logs").as_posix(),
                max_kb=LOG_MAX_KB,
                kept=LOG_FILES_KEPT,
            ),
            encoding="utf-8",
        )
        workspace.open(path).close()
    return str(path)


def postgres_settings_file(workspace: Workspace, server: PostgresServer) -> str:
    """Settings naming a new database on the throw-away server, migrated; private, as it holds the password."""
    url = server.new_migrated_database()
    sqlite = SETTINGS.split("[lockdown]", 1)[1]
    text = POSTGRES_DATABASE.format(url=url, outbox=(workspace.folder / "outbox.sqlite3").as_posix())
    text += "\n[lockdown]" + sqlite.format(logs=(workspace.folder / "logs").as_posix(), max_kb=LOG_MAX_KB,
                                           kept=LOG_FILES_KEPT)  # fmt: skip
    path = workspace.folder / "soak-postgres.toml"
    # Written private from the start: the kiosk refuses a settings file others could read the password from.
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w", encoding="utf-8") as file:
        file.write(text)
    return str(path)


def server_json(server: PostgresServer) -> str:
    """What the child needs to stop and start the server (kiosk.bench.soak_session.server_from_json)."""
    fields = {"bin": str(server.bin), "folder": str(server.folder), "port": server.port,
              "password": server.password, "run_as": server.run_as}  # fmt: skip
    return json.dumps(fields)


@contextlib.contextmanager
def throwaway_server() -> Iterator[PostgresServer]:
    """A PostgreSQL server of the soak's own, stopped and removed afterwards (SoakFailed when none can start)."""
    try:
        server = start_server(create_owner=False)
    except ServerUnavailable as exc:
        raise SoakFailed(str(exc).splitlines()[0]) from None
    try:
        yield server
    finally:
        with contextlib.suppress(ServerUnavailable, subprocess.SubprocessError):
            server.stop()  # the child may have left it stopped mid-restart
        shutil.rmtree(server.folder, ignore_errors=True)


def run_child(workspace: Workspace, plan: SoakPlan, server: PostgresServer | None = None) -> list[dict[str, float]]:
    """The readings of one soak; the child's progress lines go straight to this process's stderr."""
    config = settings_file(workspace) if server is None else postgres_settings_file(workspace, server)
    argv = [
        sys.executable,
        "-m",
        "kiosk.bench.soak_session",
        str(plan.taps),
        str(plan.visits),
        str(plan.sample_every),
        "--config",
        config,
    ]
    if server is not None:
        argv += ["--postgres", server_json(server)]
    if plan.samples_file is not None:
        argv += ["--samples", str(plan.samples_file)]
    done = subprocess.run(
        argv, stdout=subprocess.PIPE, text=True, env=workspace.child_environment(), cwd=workspace.folder, check=False
    )
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        raise SoakFailed(f"kiosk.bench.soak_session exited {done.returncode}: {' '.join(lines[-3:])}")
    samples: list[dict[str, float]] = json.loads(lines[-1])
    return samples


def warm_up_index(samples: Sequence[dict[str, float]], taps: int) -> int:
    """The first reading once a tenth of the taps are done (caches Qt fills on first use are full by then)."""
    for index, sample in enumerate(samples):
        if sample["taps"] >= taps // WARM_UP_SHARE:
            return index
    return len(samples) - 1


def _flat(samples: Sequence[dict[str, float]], start: int, key: str) -> bool:
    """Whether a count, in the run's last tenth of readings, comes back at least once to a level it had in the tenth
    that followed the warm-up. A count that leaks, or steps up and stays, never comes back; one that moves with what
    the reading finds does: live QObjects swing by about 30 from one reading to the next (1,151-1,184 in a
    10,000-tap run; the information screen keeps the section tabs and related-page buttons of the last page it
    showed until the next page replaces them), so one reading against one other said NO or yes by chance. With a
    reading or two per tenth this is the last reading against the warm-up's."""
    span = max(1, len(samples) // 10)
    early = samples[start : start + span]
    late = samples[-span:]
    return min(sample[key] for sample in late) <= max(sample[key] for sample in early)


def verdicts(samples: Sequence[dict[str, float]], taps: int) -> list[Verdict]:
    start = warm_up_index(samples, taps)
    base, end = samples[start], samples[-1]
    rss = Verdict(
        "resident memory",
        base["rss_kib"] / 1024,
        end["rss_kib"] / 1024,
        "MiB",
        f"grows <= {RSS_LIMIT_MIB} MiB",
        end["rss_kib"] >= 0 and end["rss_kib"] - base["rss_kib"] <= RSS_LIMIT_MIB * 1024,
    )
    heap = Verdict(
        "Python heap (tracemalloc)",
        base["heap_kib"] / 1024,
        end["heap_kib"] / 1024,
        "MiB",
        f"grows <= {HEAP_LIMIT_MIB} MiB",
        end["heap_kib"] - base["heap_kib"] <= HEAP_LIMIT_MIB * 1024,
    )
    judged = [{**sample, "fds": sample["fds"] - sample.get("sqlite_kept", 0)} for sample in samples]
    counts = [
        Verdict(label, judged[start][key], judged[-1][key], "", "flat (back to its warm-up level)",
                _flat(judged, start, key))
        for key, label in COUNTS
    ]  # fmt: skip
    kept = Verdict(
        "SQLite handles kept for reuse",
        base.get("sqlite_kept", 0),
        end.get("sqlite_kept", 0),
        "",
        "<= most connections open at once - 1",
        all(sample.get("sqlite_kept", 0) <= sample.get("sqlite_kept_bound", 0) for sample in samples),
    )
    # Each visit's request on the database once: none lost (a send while the server was down went to the
    # outbox and was forwarded), none stored twice (a late server commit and the outbox's copy are one row).
    stored = Verdict(
        "requests stored (one per visit)",
        base["stored"],
        end["stored"],
        "",
        "= visits sent, every reading",
        all(sample["stored"] == sample["visits"] for sample in samples),
    )
    cap = LOG_MAX_KB * (LOG_FILES_KEPT + 1)
    largest = max(sample["log_kib"] for sample in samples)
    logs = Verdict(
        "log folder (largest seen)", base["log_kib"], largest, "KiB", f"<= {cap} KiB (configured)", largest <= cap
    )
    return [rss, heap, *counts, kept, stored, logs]


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 or value == int(value) else f"{value:,.1f}"


def verdict_table(rows: Sequence[Verdict]) -> str:
    header = ("figure", "at warm-up", "at end", "change", "target", "met")
    cells = [
        (
            row.name,
            f"{_number(row.at_warm_up)} {row.unit}".strip(),
            f"{_number(row.at_end)} {row.unit}".strip(),
            f"{row.change:+,.1f} {row.unit}".strip(),
            row.target,
            "yes" if row.met else "NO",
        )
        for row in rows
    ]
    return _aligned(header, cells)


CURVE_COLUMNS = (
    ("taps", "taps", 1),
    ("visits", "visits", 1),
    ("seconds", "s", 1),
    ("rss_kib", "RSS MiB", 1024),
    ("heap_kib", "heap MiB", 1024),
    ("malloc_in_use_kib", "malloc MiB", 1024),
    ("malloc_free_kib", "free MiB", 1024),
    ("qobjects", "QObjects", 1),
    ("wrappers", "wrappers", 1),
    ("dead_wrappers", "dead", 1),
    ("fds", "fds", 1),
    ("sqlite_kept", "kept", 1),
    ("threads", "threads", 1),
    ("qtimers", "timers", 1),
    ("db_connections", "db conn", 1),
    ("server_connections", "server", 1),
    ("stored", "stored", 1),
    ("through_outbox", "outbox", 1),
    ("log_kib", "log KiB", 1),
)


def curve_table(samples: Sequence[dict[str, float]]) -> str:
    header = tuple(label for _key, label, _scale in CURVE_COLUMNS)
    cells = [
        tuple(
            f"{sample[key] / scale:.1f}" if scale != 1 else f"{sample[key]:,.0f}"
            for key, _label, scale in CURVE_COLUMNS
        )
        for sample in samples
    ]
    return _aligned(header, cells)


def _aligned(header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> str:
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]
    heading = "  ".join(cell.ljust(width) for cell, width in zip(header, widths, strict=True)).rstrip()
    return "\n".join([heading, "  ".join("-" * width for width in widths), *lines])


def plot_title(plan: SoakPlan) -> str:
    server = f", PostgreSQL restarted every {RESTART_EVERY} readings" if plan.postgres else ""
    return f"kiosk bench --soak: {plan.taps:,} taps, {plan.visits:,} visits{server} (dashed: end of warm-up)"


def run(plan: SoakPlan, plot: Path | None) -> tuple[list[dict[str, float]], list[Verdict]]:
    """The whole soak on a throw-away install (removed afterwards): its readings and verdicts, and the plot."""
    # Off-screen and without the OS keyring, as the rest of the bench: the clinic's own install is never touched.
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    workspace = Workspace.create()
    try:
        if plan.postgres:
            with throwaway_server() as server:
                samples = run_child(workspace, plan, server)
        else:
            samples = run_child(workspace, plan)
    finally:
        workspace.remove()
    rows = verdicts(samples, plan.taps)
    if plot is not None:
        from kiosk.bench import soak_plot
        from kiosk.ui.app import application

        application()  # QPainter's text needs a QGuiApplication, even off-screen
        warm_up = int(samples[warm_up_index(samples, plan.taps)]["taps"])
        soak_plot.draw(samples, warm_up, plot_title(plan), plot)
    return samples, rows
