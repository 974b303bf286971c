"""One reading of everything a month of kiosk use could pile up: memory, Qt and Python objects, files, threads, timers,
database connections and the log folder. Counted from inside the kiosk's own process."""

from __future__ import annotations

import gc
import os
import threading
import tracemalloc
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from sqlalchemy import event, func, select

import shiboken6
from kiosk.qt import QApplication, QObject, qInstallMessageHandler

from kiosk.bench.memory import STATUS, current_kib
from kiosk.ops.heap import c_heap
from kiosk.storage.database import Database
from kiosk.storage.models import RequestRecord

FD_FOLDER = Path("/proc/self/fd")


@dataclass(frozen=True)
class Sample:
    """Where the soak stood after `taps` taps and `visits` visits, `seconds` into the run."""

    taps: int
    visits: int
    seconds: float
    rss_kib: int  # -1 where the platform does not say (off Linux)
    heap_kib: int  # what tracemalloc traces: Python's own allocations
    qobjects: int
    wrappers: int  # Python objects standing for a Qt object (shiboken)
    dead_wrappers: int  # ... whose Qt object is already deleted: memory held for nothing
    fds: int
    threads: int
    qtimers: int
    db_connections: int  # open in the pool (checked in or out)
    db_checked_out: int  # in use right now; 0 between visits
    log_kib: int
    # Requests the database holds (the server's, with PostgreSQL): every visit sent so far, once each. Read after
    # the outbox has forwarded what it kept while the server was down.
    stored: int = 0
    server_connections: int = 0  # the kiosk role's sessions as the PostgreSQL server counts them; 0 on SQLite
    through_outbox: int = 0  # visits confirmed from the outbox while the server was stopped (so far)
    # malloc's heaps (glibc; -1 elsewhere): memory in use grows with a leak or a filling cache, memory held free with
    # fragmentation. Resident memory alone cannot tell the two apart (issue 22).
    malloc_in_use_kib: int = -1
    malloc_free_kib: int = -1  # freed, kept for reuse; after the kiosk's trim only what shares a page stays resident
    # Of `fds`: handles SQLite keeps open on its database files for reuse (see SqliteFiles), and the bound they keep to.
    sqlite_kept: int = 0
    sqlite_kept_bound: int = 0

    def as_json(self) -> dict[str, float | int]:
        return asdict(self)


def _threads() -> int:
    """Native threads (Qt's and Python's), from /proc; Python's own count elsewhere."""
    try:
        for line in STATUS.read_text().splitlines():
            if line.startswith("Threads:"):
                return int(line.split()[1])
    except OSError:
        pass
    return threading.active_count()


def descriptors() -> list[str]:
    """What each open descriptor is (a file's path, "socket:[...]", "pipe:[...]", ...), from /proc; [] elsewhere.
    The listing's own descriptor is among them, as it was in every reading."""
    try:
        names = os.listdir(FD_FOLDER)
    except OSError:
        return []
    targets = []
    for name in names:
        try:
            # A string path, not FD_FOLDER / name: pathlib interns each part, and a number interned at one
            # reading and dropped takes a fresh slot in Python's interned-strings table at the next; the reading
            # would add to the churn kiosk/content/pictures.py explains.
            targets.append(os.readlink(os.path.join(FD_FOLDER, name)))
        except OSError:
            targets.append("(closed while read)")  # the listing's own, gone by now
    return targets


class SqliteFiles:
    """The kiosk's SQLite database files (the database, the outbox) and the most connections each had open at once.

    SQLite keeps the file handle of a connection closed while another connection of the same process is still open
    on that file: POSIX locks belong to the process, so closing the handle would drop the other's locks. It reuses
    such a handle at the next opening, so handles on a file never outnumber the most connections it ever had open
    at once. The kiosk's pool opens a second connection when two of its threads meet at the database and closes it
    when given back (kiosk.storage.database.SQLITE_CONNECTIONS_KEPT): one more descriptor from then on, bounded, not
    a leak. Counted here so the soak can tell it from one."""

    def __init__(self, databases: list[Database]) -> None:
        self._files = {
            str(Path(database.engine.url.database).resolve()): database
            for database in databases
            if database.engine.dialect.name == "sqlite" and database.engine.url.database not in (None, "", ":memory:")
        }
        self._peak = {path: _open_connections(database) for path, database in self._files.items()}
        for path, database in self._files.items():
            event.listen(database.engine, "checkout", lambda *_args, path=path: self._note(path))

    def _note(self, path: str) -> None:
        self._peak[path] = max(self._peak[path], _open_connections(self._files[path]))

    def kept(self, targets: list[str]) -> tuple[int, int]:
        """Handles kept for reuse now (handles on each file less its open connections), and their bound (the most
        connections each file had open at once, less the one the pool keeps)."""
        kept = sum(targets.count(path) - _open_connections(database) for path, database in self._files.items())
        bound = sum(max(peak - 1, 0) for peak in self._peak.values())
        return kept, bound


def _open_connections(database: Database) -> int:
    return sum(_pool(database))  # checked in (kept idle) + checked out (in use)


def _folder_kib(folder: Path | None) -> int:
    if folder is None or not folder.is_dir():
        return 0
    return sum(path.stat().st_size for path in folder.iterdir() if path.is_file()) // 1024


def _qt_objects() -> tuple[int, int]:
    """Every QObject reachable from the application, its windows and the parentless ones Python holds; and how
    many of them are QTimers. Objects C++ alone holds without a parent cannot be seen from here.

    Counted from Qt's own dump of each tree, not findChildren(): findChildren makes a Python wrapper for every
    object Qt created itself (a label's text document frames), which then outlives its object, so the soak's
    own readings grew the wrapper counts it reads (+1 dead wrapper per reading, seen in the first soak).
    """
    app = QApplication.instance()
    roots: dict[int, QObject] = {}
    if app is not None:
        roots[id(app)] = app
        for widget in QApplication.topLevelWidgets():
            roots[id(widget)] = widget
    for thing in gc.get_objects():
        if isinstance(thing, QObject) and shiboken6.isValid(thing) and thing.parent() is None:
            roots[id(thing)] = thing
    lines: list[str] = []
    previous = qInstallMessageHandler(lambda _kind, _where, message: lines.append(message))
    try:
        for root in roots.values():
            root.dumpObjectTree()  # one line per object, "<class>::<name>", indented by depth
    finally:
        qInstallMessageHandler(previous)
    timers = sum(line.strip().startswith("QTimer::") for line in lines)
    return len(lines), timers


def _wrappers() -> tuple[int, int]:
    wrappers = dead = 0
    for thing in gc.get_objects():
        if isinstance(thing, shiboken6.Object):
            wrappers += 1
            dead += not shiboken6.isValid(thing)
    return wrappers, dead


def _pool(database: Database | None) -> tuple[int, int]:
    """(checked in, checked out) of the database's pool."""
    if database is None:
        return 0, 0
    pool = database.engine.pool
    checked_out = int(getattr(pool, "checkedout", lambda: 0)())
    checked_in = int(getattr(pool, "checkedin", lambda: 0)())
    return checked_in, checked_out


def _stored(database: Database | None) -> int:
    if database is None:
        return 0
    with database.read() as session:
        return int(session.scalar(select(func.count()).select_from(RequestRecord)) or 0)


def take(
    taps: int,
    visits: int,
    seconds: float,
    database: Database | None,
    log_folder: Path | None,
    server_connections: Callable[[], int] | None = None,
    through_outbox: int = 0,
    sqlite_files: SqliteFiles | None = None,
    targets: list[str] | None = None,
) -> Sample:
    """A reading now; the caller lets the event loop turn first, so deleteLater() has run. `targets` is this
    reading's descriptors() when the caller listed them already (to name what changed): one listing a reading."""
    gc.collect()
    objects, timers = _qt_objects()
    wrappers, dead = _wrappers()
    checked_in, checked_out = _pool(database)
    if targets is None:
        targets = descriptors()
    kept, bound = sqlite_files.kept(targets) if sqlite_files is not None else (0, 0)
    heap = tracemalloc.get_traced_memory()[0] // 1024 if tracemalloc.is_tracing() else -1
    malloc = c_heap()
    return Sample(
        taps=taps,
        visits=visits,
        seconds=round(seconds, 1),
        rss_kib=current_kib() or -1,
        heap_kib=heap,
        qobjects=objects,
        wrappers=wrappers,
        dead_wrappers=dead,
        fds=len(targets) if targets else -1,
        threads=_threads(),
        qtimers=timers,
        db_connections=checked_in + checked_out,
        db_checked_out=checked_out,
        log_kib=_folder_kib(log_folder),
        stored=_stored(database),
        server_connections=server_connections() if server_connections is not None else 0,
        through_outbox=through_outbox,
        malloc_in_use_kib=malloc.in_use_kib if malloc is not None else -1,
        malloc_free_kib=malloc.free_kib if malloc is not None else -1,
        sqlite_kept=kept,
        sqlite_kept_bound=bound,
    )
