"""A real kiosk install in a temp folder, and a notify socket the test binds itself, for process-level tests."""

from __future__ import annotations

import os
import socket
import struct
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

KIOSK = [sys.executable, "-m", "kiosk"]
SETTINGS = """\
[database]
url = "sqlite:///kiosk.sqlite3"
key_file = "kiosk.key"

[logging]
folder = "logs"
"""


def kiosk_install(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A settings file with its own SQLite database and key file, and an environment with HOME inside tmp_path."""
    config = tmp_path / "kiosk.toml"
    config.write_text(SETTINGS, encoding="utf-8")
    home = tmp_path / "home"
    env = {
        **os.environ,
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_STATE_HOME": str(home / ".local" / "state"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "QT_QPA_PLATFORM": "offscreen",
    }
    for variable in ("NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "KIOSK_HEARTBEAT_FILE"):
        env.pop(variable, None)
    return config, env


@dataclass(frozen=True)
class Notice:
    pid: int  # the sender, from the kernel's SCM_CREDENTIALS, not from the message
    fields: dict[str, str]


class NotifySocket:
    """What systemd does for Type=notify: a datagram socket whose path goes to the service in $NOTIFY_SOCKET."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(str(path))
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)

    def receive(self, timeout: float) -> Notice | None:
        self.sock.settimeout(max(0.01, timeout))
        try:
            data, ancillary, _flags, _address = self.sock.recvmsg(4096, socket.CMSG_SPACE(struct.calcsize("3i")))
        except TimeoutError:
            return None
        pid = -1
        for level, kind, payload in ancillary:
            if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
                pid = struct.unpack("3i", payload[: struct.calcsize("3i")])[0]
        fields = dict(line.split("=", 1) for line in data.decode().splitlines() if "=" in line)
        return Notice(pid, fields)

    def wait_for(self, key: str, timeout: float) -> Notice:
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            notice = self.receive(left)
            if notice is not None and key in notice.fields:
                return notice
        pytest.fail(f"no {key} on the notify socket within {timeout:g} s")


@contextmanager
def notify_socket(tmp_path: Path) -> Iterator[NotifySocket]:
    if not hasattr(socket, "SO_PASSCRED"):
        pytest.skip("needs Linux AF_UNIX credentials passing (SO_PASSCRED)")
    notify = NotifySocket(tmp_path / "notify.sock")
    try:
        yield notify
    finally:
        notify.sock.close()
