"""Tell the service manager the kiosk is alive: systemd's notify socket and a heartbeat file for `kiosk supervise`.

The sd_notify protocol is one datagram of "KEY=value" lines to the AF_UNIX socket named in $NOTIFY_SOCKET.
It is written out here (a dozen lines) instead of using the `systemd` Python binding, which needs libsystemd's
headers and a compiler on every clinic PC and does not exist on Windows.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Mapping
from pathlib import Path

log = logging.getLogger(__name__)

HEARTBEAT_ENV = "KIOSK_HEARTBEAT_FILE"
HEARTBEAT_SECONDS = 5.0  # how often the heartbeat file is touched; the supervisor's hang limit is several times this


def notify(message: str, environ: Mapping[str, str] | None = None) -> bool:
    """Send one sd_notify message; False (and no error) when no service manager listens."""
    address = (environ if environ is not None else os.environ).get("NOTIFY_SOCKET", "")
    if not address or not hasattr(socket, "AF_UNIX"):
        return False
    if address.startswith("@"):
        address = "\0" + address[1:]  # a Linux abstract socket
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
            sock.sendto(message.encode(), address)
    except OSError as exc:
        # systemd restarts a kiosk that stops pinging, so a lost ping is worth one line, never a crash.
        log.warning("could not notify the service manager (%s): %s", message.split("=")[0], exc.strerror or exc)
        return False
    return True


def watchdog_interval_seconds(environ: Mapping[str, str] | None = None) -> float | None:
    """Half of systemd's WatchdogSec for this process, or None when no watchdog is armed for it."""
    env = environ if environ is not None else os.environ
    usec = env.get("WATCHDOG_USEC", "")
    pid = env.get("WATCHDOG_PID", "")
    if not usec.isdigit() or int(usec) == 0:
        return None
    if pid and pid != str(os.getpid()):
        return None  # the variable was inherited from a parent the watchdog is meant for
    return int(usec) / 1_000_000 / 2


class ServiceWatchdog:
    """READY once the kiosk shows its first screen, then a ping per interval, STOPPING on the way out."""

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self._environ = environ if environ is not None else os.environ
        heartbeat = self._environ.get(HEARTBEAT_ENV, "")
        self.heartbeat_file = Path(heartbeat) if heartbeat else None
        self.systemd_interval = watchdog_interval_seconds(self._environ)

    @property
    def interval_seconds(self) -> float | None:
        """How often ping() must run, or None when nobody watches this kiosk."""
        intervals = [self.systemd_interval] if self.systemd_interval is not None else []
        if self.heartbeat_file is not None:
            intervals.append(HEARTBEAT_SECONDS)
        return min(intervals) if intervals else None

    def ready(self) -> None:
        self._touch()
        notify("READY=1\nSTATUS=showing the kiosk", self._environ)

    def ping(self) -> None:
        self._touch()
        if self.systemd_interval is not None:
            notify("WATCHDOG=1", self._environ)

    def stopping(self) -> None:
        notify("STOPPING=1", self._environ)

    def _touch(self) -> None:
        if self.heartbeat_file is None:
            return
        try:
            self.heartbeat_file.touch()  # the supervisor reads its modification time
        except OSError as exc:
            log.warning("could not touch the heartbeat file %s: %s", self.heartbeat_file, exc.strerror or exc)
