"""Which programs have a file open, so a busy database can name who may hold it (Linux; elsewhere nobody)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from pathlib import Path

_NAMED = 3  # a sentence names a few programs, not a process table


def programs_using(paths: Iterable[Path]) -> list[str]:
    """Each other process with one of `paths` open, as "name pid PID", as far as this account can see.

    psutil would answer on every OS, but it is a compiled dependency for half a sentence; on Linux the same
    answer is a walk over /proc/<pid>/fd, and elsewhere the caller says "another kiosk program".
    Only the program's name is read (never its command line, which could carry a password).
    """
    if not sys.platform.startswith("linux"):
        return []
    targets = {os.path.realpath(path) for path in paths}
    me = os.getpid()
    found: list[str] = []
    try:
        entries = list(os.scandir("/proc"))
    except OSError:
        return []
    for entry in entries:
        if not entry.name.isdigit() or int(entry.name) == me:
            continue
        if _has_open(entry.path, targets):
            found.append(f"{_name(entry.path)} pid {entry.name}")
            if len(found) == _NAMED:
                break
    return found


def _has_open(process: str, targets: set[str]) -> bool:
    try:
        descriptors = os.listdir(f"{process}/fd")
    except OSError:
        return False  # gone, or another account's (not ours to read)
    for descriptor in descriptors:
        try:
            if os.readlink(f"{process}/fd/{descriptor}") in targets:
                return True
        except OSError:
            continue
    return False


def _name(process: str) -> str:
    try:
        return Path(f"{process}/comm").read_text(encoding="utf-8", errors="replace").strip() or "a program"
    except OSError:
        return "a program"
