"""Where the kiosk's log lines go: stderr always, plus rotating files for the verbs that keep running."""

from __future__ import annotations

import datetime as dt
import logging
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.config.locations import log_dir

if TYPE_CHECKING:
    from kiosk.config.settings import Settings

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Verbs that run for hours write files IT can read afterwards; one-shot verbs answer on the terminal.
FILE_VERBS = frozenset({"run", "staff", "supervise"})
# The kiosk and the console report their start-up steps on stderr; one-shot verbs stay quiet.
_CHATTY_VERBS = frozenset({"run", "staff", "supervise"})
# Pass as `extra=` for a line already said as the verb's one sentence on stderr: the file gets it, stderr not twice.
FILE_ONLY = {"file_only": True}
_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING, "error": logging.ERROR}


class _LocalIsoFormatter(logging.Formatter):
    """Local time with its UTC offset, so lines from a PC in another time zone still line up."""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802 (logging's name)
        return dt.datetime.fromtimestamp(record.created).astimezone().isoformat(sep=" ", timespec="milliseconds")


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever sys.stderr is when a line is logged, so a replaced stderr (a test's capture, a
    redirected service) never leaves the handler writing to a closed stream."""

    @property
    def stream(self) -> object:
        return sys.stderr

    @stream.setter
    def stream(self, _value: object) -> None:
        pass  # always the current sys.stderr

    def filter(self, record: logging.LogRecord) -> bool:
        return not getattr(record, "file_only", False) and bool(super().filter(record))


class _HeldForFile(logging.Handler):
    """Keeps FILE_ONLY lines logged before the log file opens (its folder comes from the settings being read), so
    attach_log_file can write them: a line meant for the file (like "no settings file") is otherwise lost."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if getattr(record, "file_only", False) and not has_log_file() and len(self.records) < 100:
            self.records.append(record)


_held = _HeldForFile()


class _KioskFileHandler(RotatingFileHandler):
    """Marks the handler this module added, so attaching again replaces it instead of doubling every line."""


def configure_logging(verb: str | None, verbose: bool) -> None:
    """Set up stderr logging for one CLI invocation; files come later, once the verb has its settings."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler, _StderrHandler | _KioskFileHandler):  # a second call replaces, never doubles
            root.removeHandler(handler)
            handler.close()
    console = _StderrHandler()
    console.setFormatter(_LocalIsoFormatter(FORMAT))
    console.setLevel(logging.DEBUG if verbose else (logging.INFO if verb in _CHATTY_VERBS else logging.WARNING))
    root.addHandler(console)
    if _held not in root.handlers:
        root.addHandler(_held)
    root.setLevel(console.level)
    # Alembic announces each plugin at INFO; that is noise for clinic IT.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    # markdown-it writes a DEBUG line per block rule it tries: thousands per page drawn, which under --verbose
    # rotated the kiosk's own lines out of its log within one visit.
    logging.getLogger("markdown_it").setLevel(logging.INFO)


def log_file_path(settings: Settings | None, verb: str) -> Path:
    """One file per verb: the supervisor and its kiosk never rotate the same file under each other."""
    folder = settings.logging.folder if settings is not None and settings.logging.folder else log_dir()
    return folder.expanduser() / f"kiosk-{verb}.log"


def has_log_file() -> bool:
    """True once attach_log_file has added a file this process writes to."""
    return any(isinstance(handler, _KioskFileHandler) for handler in logging.getLogger().handlers)


def attach_log_file(settings: Settings | None, verb: str = "run", verbose: bool = False) -> Path | None:
    """Add the rotating log file that [logging] describes and return its path.

    If the folder cannot be written, says so once on stderr and returns None: a kiosk without a log file
    still serves patients.
    """
    path = log_file_path(settings, verb)
    chosen = settings.logging if settings is not None else None
    level = logging.DEBUG if verbose else _LEVELS[chosen.level if chosen else "info"]
    max_bytes = (chosen.max_kb if chosen else 1024) * 1024
    kept = chosen.files_kept if chosen else 5
    try:
        # 0700: log lines name workstations and staff accounts, which other users of the PC need not read.
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handler = _KioskFileHandler(path, maxBytes=max_bytes, backupCount=kept, encoding="utf-8")
    except OSError as exc:
        print(
            f"kiosk: cannot write log files in {path.parent} ({exc.strerror}); logging to the screen only. "
            "Set [logging] folder to a folder this account can write.",
            file=sys.stderr,
        )
        return None
    handler.setFormatter(_LocalIsoFormatter(FORMAT))
    handler.setLevel(level)
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _KioskFileHandler)]:
        root.removeHandler(old)
        old.close()
    root.addHandler(handler)
    root.setLevel(min(root.level or logging.WARNING, level))
    for record in _held.records:
        if record.levelno >= level:
            handler.handle(record)
    _held.records.clear()
    return path
