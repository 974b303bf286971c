"""The one place that opens database connections and owns transactions."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, pool
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

# How long a writer waits for SQLite's write lock. SQLite hands the lock out unfairly, so with
# eight kiosks submitting flat out one of them measured a 5 s wait (two of 8,000 failed at 5 s,
# none at 15 s). Submissions run off the GUI thread, so a patient sees "Sending…", not a frozen screen.
BUSY_TIMEOUT_MS = 15_000
KEY_BYTES = 32  # AES-256: SQLCipher takes the raw key, so no key derivation runs per connection
SQLITE_HEADER = b"SQLite format 3\x00"  # the first bytes of every unencrypted SQLite file
# Every statement on the server ends: a lock held elsewhere is waited for 5 s, any statement at most 60 s (long
# enough for a purge or an upgrade, short enough that no PC waits on a server for ever). A kiosk's submit has its
# own, shorter deadline on top (kiosk/services/submission.py); the console's watchers set 3 s (bounded.py).
SERVER_LOCK_TIMEOUT_MS = 5_000
SERVER_STATEMENT_TIMEOUT_MS = 60_000
# libpq: give up connecting after 3 s; notice a silent server within about 10 s (keepalives, unacknowledged writes).
SERVER_CONNECT_ARGS: dict[str, int | str] = {
    "connect_timeout": 3,
    "keepalives": 1,
    "keepalives_idle": 5,
    "keepalives_interval": 2,
    "keepalives_count": 3,
    "tcp_user_timeout": 10_000,
    "options": f"-c lock_timeout={SERVER_LOCK_TIMEOUT_MS} -c statement_timeout={SERVER_STATEMENT_TIMEOUT_MS}",
}


def server_connect_args(query: Mapping[str, str | Sequence[str]]) -> dict[str, int | str]:
    """SERVER_CONNECT_ARGS under the URL's query: a setting the URL gives wins, and the URL's `options` are added
    after the kiosk's time limits rather than replacing them (connect_args would otherwise override the URL's).

    The server applies startup `-c` settings in order, so a lock_timeout or statement_timeout IT writes in the URL's
    options still wins, while options for something else (a search_path, say) no longer drop the kiosk's limits.
    """
    args = {name: value for name, value in SERVER_CONNECT_ARGS.items() if name not in query}
    given = query.get("options")
    if given:
        extra = given if isinstance(given, str) else " ".join(given)
        args["options"] = f"{SERVER_CONNECT_ARGS['options']} {extra}"
    return args


SQLITE_NOTADB = 26  # "file is not a database": what SQLCipher says when page 1 does not decrypt
# SQLite's primary result codes (the low byte of an extended code) that name a cause IT can act on.
SQLITE_PERM, SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY = 3, 5, 6, 8
SQLITE_IOERR, SQLITE_CORRUPT, SQLITE_FULL, SQLITE_CANTOPEN = 10, 11, 13, 14
SQLITE_IOERR_SHORT_READ = 522  # the file ended before the page SQLite asked for: it was cut short
PAGE_BYTES = 4096  # SQLCipher 4's page size, which the kiosk never changes
_RESTORE = "stop every kiosk and console, then restore the newest good backup with `kiosk db restore FILE`"
# Per pooled SQLite connection (Connection.info): the main file's path ("" in memory) and its
# (st_dev, st_ino) when opened, so a submit can see the file deleted or replaced with one stat().
FILE_PATH = "kiosk.database_path"
FILE_IDENTITY = "kiosk.database_file"


class DatabaseError(Exception):
    """A storage problem worded for the person who can fix it."""


class WrongKeyError(DatabaseError):
    """The key does not open this file (or the file is not a database); keys.py names which key was tried."""


class DatabaseBusy(DatabaseError):  # noqa: N818 (reads as the state it reports)
    """Another program holds the file's lock: nothing is damaged, and the same step works once it lets go."""


class DatabaseFileDamaged(DatabaseError):  # noqa: N818
    """The file itself is cut short or has pages that do not read back: the fix is a restore, never a new key."""


class DatabaseNotWritable(DatabaseError):  # noqa: N818
    """The kiosk's account may not write the file or its folder (or the disk is read-only)."""


_quiet = False


def quiet_sqlcipher_log() -> None:
    """Stop SQLCipher printing its own "ERROR CORE hmac check failed" lines on stderr.

    SQLCipher (4.6 and later) logs at WARN to stderr by default, process-wide, so those lines reached IT before
    the kiosk's sentence that names the cause and the fix; the kiosk reports and logs every failure itself.
    """
    global _quiet
    if _quiet:
        return
    import sqlcipher3

    connection = sqlcipher3.connect(":memory:")
    try:
        connection.execute("PRAGMA cipher_log_level = NONE")
    finally:
        connection.close()
    _quiet = True


def sqlite_code(exc: BaseException) -> int | None:
    """SQLite's extended result code behind a driver or SQLAlchemy error, or None when there is none."""
    original = getattr(exc, "orig", None) or exc
    code = getattr(original, "sqlite_errorcode", None)
    return code if isinstance(code, int) else None


def is_busy(exc: BaseException) -> bool:
    """True when another connection holds the lock (SQLITE_BUSY or SQLITE_LOCKED) after busy_timeout."""
    code = sqlite_code(exc)
    return code is not None and code & 0xFF in (SQLITE_BUSY, SQLITE_LOCKED)


def busy_error(path: Path | str | None) -> DatabaseBusy:
    """The busy sentence, naming the program that has the file open when that is cheap to tell."""
    from kiosk.storage.file_users import programs_using

    shown = path or "database"
    holders = programs_using([Path(f"{path}{suffix}") for suffix in ("", "-wal", "-shm")]) if path else []
    # Every program with the file open is named: the one holding the lock is among them (an idle kiosk may be too).
    who = f"another program (it is open in {' and '.join(holders)})" if holders else "another kiosk program"
    return DatabaseBusy(
        f"The database {shown} is busy: {who} holds its lock right now, and the data in it is intact: wait until "
        "that program finishes and try again (if it stays busy, stop that program)."
    )


def explain_failure(exc: BaseException, path: Path | None, key: bytes | None = None) -> DatabaseError | None:
    """A sentence naming the real cause of a failed open or read (busy, read-only, cut short, damaged, full).

    None when the cause is none of these (a wrong key is told apart from damage by the caller or below).
    """
    code = sqlite_code(exc)
    if code is None:
        from kiosk.storage.pg_security import tls_refusal

        return tls_refusal(exc)  # PostgreSQL: a server without TLS is named, not blamed on the network
    primary = code & 0xFF
    if primary in (SQLITE_BUSY, SQLITE_LOCKED):
        return busy_error(path)
    if path is None:
        return None
    if primary in (SQLITE_READONLY, SQLITE_CANTOPEN, SQLITE_PERM):
        return _not_writable(path)
    if primary == SQLITE_FULL:
        return DatabaseError(
            f"The disk holding the database {path} is full: free some space on it, then try again; "
            "the data in it is intact."
        )
    if primary in (SQLITE_CORRUPT, SQLITE_NOTADB) or code == SQLITE_IOERR_SHORT_READ:
        return _damaged(path, key, code)
    if primary == SQLITE_IOERR:
        return DatabaseFileDamaged(
            f"The disk reported an error reading the database {path}: check the disk (its health and "
            f"cabling), then {_RESTORE} if `kiosk db check` finds damage."
        )
    return None


def _not_writable(path: Path) -> DatabaseNotWritable:
    folder = path.parent
    if not folder.is_dir():
        return DatabaseNotWritable(
            f"The database folder {folder} does not exist or cannot be reached: check database.url and the disk."
        )
    if _read_only_disk(folder):
        return DatabaseNotWritable(
            f"The disk holding the database {path} is mounted read-only: remount it read-write (or move the "
            "database to a writable disk), then try again; the data in it is intact."
        )
    if not os.access(folder, os.W_OK | os.X_OK):
        return DatabaseNotWritable(
            f"The kiosk's account may not write the folder {folder}, where SQLite keeps the database's -wal and "
            "-shm files: give that account write permission on the folder, then try again; the data in it is intact."
        )
    return DatabaseNotWritable(
        f"The kiosk's account may not read and write the database file {path}: give that account read and "
        "write permission on it, then try again; the data in it is intact."
    )


def _read_only_disk(folder: Path) -> bool:
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):  # Windows has no statvfs
        return False


def _damaged(path: Path, key: bytes | None, code: int) -> DatabaseError:
    try:
        size = path.stat().st_size
    except OSError:
        size = 0
    if size % PAGE_BYTES or code == SQLITE_IOERR_SHORT_READ:
        return DatabaseFileDamaged(
            f"The database {path} is cut short ({size:,} bytes, which is not a whole number of {PAGE_BYTES}-byte "
            f"pages): part of it was lost (a full or failing disk, or a copy that did not finish); {_RESTORE}."
        )
    if key is None:
        return DatabaseFileDamaged(
            f"The database {path} is damaged (SQLite finds its pages malformed, result code {code}); {_RESTORE}."
        )
    # Only the main file is checked page by page; pages waiting in the WAL (a key change that committed but
    # was not yet copied back) could be under another key, so then a wrong key cannot be ruled out.
    bad = None if _wal_has_frames(path) else _pages_failing_their_check(path, key)
    pages = size // PAGE_BYTES
    if code & 0xFF == SQLITE_NOTADB and (not bad or len(bad) >= pages):
        return WrongKeyError(
            f"The database {path} cannot be read with the key given: "
            "it is encrypted with another key, not encrypted, or damaged."
        )
    if bad:
        first = ", ".join(str(page) for page in sorted(bad)[:5])
        return DatabaseFileDamaged(
            f"The database {path} is damaged: page(s) {first} of {pages} do not read back while the others open "
            f"with its key, so the key is right and the file is not; {_RESTORE}."
        )
    return DatabaseFileDamaged(
        f"The database {path} is damaged (SQLite finds its pages malformed, result code {code}); {_RESTORE}."
    )


def _wal_has_frames(path: Path) -> bool:
    try:
        return Path(f"{path}-wal").stat().st_size > 0
    except OSError:
        return False


def _pages_failing_their_check(path: Path, key: bytes) -> set[int] | None:
    """The pages whose HMAC fails with this key (SQLCipher's own page check, which needs no readable page 1).

    A wrong key fails every page; damage fails only the pages it touched. None when the check cannot run.
    """
    import re

    import sqlcipher3

    try:
        connection = sqlcipher3.connect(str(path))
        try:
            apply_key(connection, key)
            rows = connection.execute("PRAGMA cipher_integrity_check").fetchall()
        finally:
            connection.close()
    except sqlcipher3.Error:
        return None
    pages = (re.search(r"page (\d+)", str(row[0])) for row in rows)
    return {int(found.group(1)) for found in pages if found}


def _key_literal(key: bytes) -> str:
    if len(key) != KEY_BYTES:
        raise ValueError(f"a database key is {KEY_BYTES} bytes")
    # SQLCipher's raw-key form: x'<64 hex>' inside a quoted string skips PBKDF2 entirely.
    return f"x'{key.hex()}'"


def apply_key(dbapi_connection: Any, key: bytes) -> None:
    """Key a fresh SQLCipher connection; it must be the first statement the connection runs."""
    quiet_sqlcipher_log()
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f'PRAGMA key = "{_key_literal(key)}"')
    finally:
        cursor.close()


def _set_private_temp_storage(dbapi_connection: Any) -> None:
    # Sorts, temporary tables and indexes stay in memory: SQLCipher encrypts the database, its
    # WAL and journal pages, but a temporary file spilled to disk would not be worth the risk.
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA temp_store=MEMORY")
    finally:
        cursor.close()


# SQLite keeps each page a connection reads or writes in memory, up to cache_size; the SQLCipher build the kiosk
# ships sets 8,000 KiB. A kiosk keeps one connection for months and mostly writes, so every request it stored
# stayed in memory until that was full: about 0.8 KiB a visit of resident memory, a month's creep in the soak
# (docs/performance.md). 2,000 KiB is SQLite's own default: the console's queries (an index, a screenful of rows,
# a search over a year of requests) need far less, and a page read again comes from the operating system's cache.
PAGE_CACHE_KIB = 2_000


def _on_sqlite_connect(dbapi_connection: Any, record: Any) -> None:
    # Autocommit at the driver level so SQLAlchemy's begin event below decides how
    # a transaction starts; pysqlite's own implicit BEGIN is deferred and too late.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute(f"PRAGMA cache_size=-{PAGE_CACHE_KIB}")  # negative: KiB, not pages
        path = next((row[2] for row in cursor.execute("PRAGMA database_list") if row[1] == "main"), "")
    finally:
        cursor.close()
    _remember_file(record.info, path or "")


def _remember_file(info: dict[Any, Any], path: str) -> None:
    # Once per connection, not per write: kiosk/services/requests.py then needs only a stat() per submit.
    info[FILE_PATH] = path
    if not path:
        return
    try:
        found = os.stat(path)
    except OSError:
        return  # the first submit records it (or finds the file gone)
    info[FILE_IDENTITY] = (found.st_dev, found.st_ino)


_READ_ONLY = "kiosk_read_only"


def _on_sqlite_begin(connection: Any) -> None:
    if connection.get_execution_options().get(_READ_ONLY):
        # A reader in WAL mode sees one consistent snapshot and never blocks a writer,
        # so the console reading its queue cannot hold up a patient's submission.
        connection.exec_driver_sql("BEGIN")
        return
    # Take the write lock at the start, so a busy database waits (busy_timeout)
    # instead of failing half-way through a transaction.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def _raw_key(password: str | None) -> bytes | None:
    """The key back from the URL's password (_key_literal's form), for the damaged-or-wrong-key check."""
    if not password or not password.startswith("x'"):
        return None
    try:
        return bytes.fromhex(password[2:-1])
    except ValueError:
        return None


def _driver_wait() -> dict[str, Any]:
    # The driver's own wait (5 s by default) covers the reads SQLAlchemy makes on a new connection before the
    # connect listener sets busy_timeout: the same wait from the first statement, so a lock is met the same way.
    return {"timeout": BUSY_TIMEOUT_MS / 1000}


def _encrypted_url(parsed: URL, key: bytes) -> URL:
    # The pysqlcipher dialect runs `PRAGMA key="<password>"` as the very first statement on every
    # new connection, before any pragma or read; the URL hides the password whenever it is shown.
    return parsed.set(drivername="sqlite+pysqlcipher", password=_key_literal(key))


# How many idle connections an SQLite file's pool keeps. SQLite has one writer at a time, and a kiosk's threads (the
# send, the outbox, the heartbeat, the nightly backup) seldom meet; when they do, the extra connection (about
# 0.3 ms to open with the raw key) is closed when given back. With the pool's default of five kept, each meeting
# left one more connection open for the life of the process, with its two file descriptors and its own page cache
# (up to 2 MiB): a 20,000-tap soak saw one appear at 9,600 taps and stay (kiosk bench --soak).
SQLITE_CONNECTIONS_KEPT = 1


def _pool_size(database: str | None) -> dict[str, int]:
    return {"pool_size": SQLITE_CONNECTIONS_KEPT} if database and database != ":memory:" else {}


def create_database_engine(url: str, key: bytes | None = None) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            folder = Path(database).expanduser().parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DatabaseError(
                    f"The database folder {folder} cannot be created ({exc.strerror}): "
                    "check database.url and the kiosk account's permissions."
                ) from exc
        if key is None:
            # hide_parameters: an error message must never carry a patient's answers into a log.
            engine = create_engine(parsed, hide_parameters=True, connect_args=_driver_wait(), **_pool_size(database))
        else:
            quiet_sqlcipher_log()
            # The dialect would pick a one-connection-per-thread pool; a file wants the usual queue.
            engine = create_engine(
                _encrypted_url(parsed, key),
                hide_parameters=True,
                poolclass=pool.QueuePool,
                connect_args=_driver_wait(),
                **_pool_size(database),
            )
            event.listen(engine, "connect", lambda connection, _record: _set_private_temp_storage(connection))
        event.listen(engine, "connect", _on_sqlite_connect)
        event.listen(engine, "begin", _on_sqlite_begin)
        return engine
    if key is not None:
        raise ValueError("only an SQLite database takes a key")
    from kiosk.storage.pg_security import secure_url

    parsed = secure_url(parsed)  # TLS required unless the URL opts out for a server on this PC (pg_security.py)
    try:
        # A dead or unreachable server fails in seconds, not minutes, so a kiosk can keep the request
        # in its outbox (kiosk/services/outbox.py); settings given in the URL's query win.
        connect_args = server_connect_args(parsed.query)
        return create_engine(parsed, pool_pre_ping=True, hide_parameters=True, connect_args=connect_args)
    except ImportError as exc:
        raise DatabaseError(
            f"The database {parsed.render_as_string(hide_password=True)} needs a driver that is not "
            f"installed ({exc.name}): leave database.url out to use the built-in SQLite database."
        ) from exc


class Database:
    """Owns the engine; code writes only in `transaction()` (or `write()`) and reads in them or in `read()`."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._read_sessions = sessionmaker(engine.execution_options(**{_READ_ONLY: True}), expire_on_commit=False)

    @classmethod
    def open(cls, url: str, key: bytes | None = None) -> Database:
        """With a key, an SQLCipher-encrypted SQLite file; a wrong key raises WrongKeyError here, not later."""
        database = cls(create_database_engine(url, key))
        if key is not None:
            database._check_key()
        return database

    def _check_key(self) -> None:
        shown = self.engine.url.render_as_string(hide_password=True)
        try:
            # A read (no write lock, so a kiosk busy writing does not delay this): decrypting page 1
            # is the cheapest proof that the key fits, since SQLCipher checks the page's HMAC.
            with self.engine.connect().execution_options(**{_READ_ONLY: True}) as connection:
                connection.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar()
        except SQLAlchemyError as exc:
            self.close()
            database = self.engine.url.database
            path = Path(database) if database and database != ":memory:" else None
            # Busy, read-only, cut short, damaged on page 1 or a wrong key each have their own cause and fix.
            named = explain_failure(exc, path, _raw_key(self.engine.url.password))
            if named is not None:
                raise named from exc
            if sqlite_code(exc) == SQLITE_NOTADB:
                raise WrongKeyError(
                    f"The database {shown} cannot be read with the key given: "
                    "it is encrypted with another key, not encrypted, or damaged."
                ) from exc
            cause = type(getattr(exc, "orig", None) or exc).__name__
            raise DatabaseError(
                f"The database {shown} could not be opened ({cause}): "
                "check that the file is reachable, and the log for details."
            ) from exc

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """Commit when the block ends, roll back if it raises."""
        with self._sessions() as session, session.begin():
            yield session

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """transaction() without the ORM session, for a patient's Submit, which writes with Core statements only.

        The session's bookkeeping costs about 70 us of a Submit whose floor is a 0.4 ms commit (kiosk bench).
        Same lock (BEGIN IMMEDIATE on SQLite), commit at the end, rollback if the block raises.
        """
        with self.engine.begin() as connection:
            yield connection

    @property
    def read_engine(self) -> Engine:
        """The engine for code that only reads and takes an Engine (schema version): its transactions never
        take SQLite's write lock."""
        return self.engine.execution_options(**{_READ_ONLY: True})

    @contextmanager
    def read_connection(self) -> Iterator[Connection]:
        """read() without the ORM session: checks and pragmas that must not wait for a writer's lock."""
        with self.engine.connect().execution_options(**{_READ_ONLY: True}) as connection, connection.begin():
            yield connection

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A consistent snapshot for reading only: on SQLite it takes no write lock.

        Use transaction() for anything that writes, even one audit row: a write
        inside read() would have to upgrade its lock and could fail when busy.
        """
        with self._read_sessions() as session, session.begin():
            yield session

    def close(self) -> None:
        self.engine.dispose()
