"""sd_notify and the heartbeat file, down to a real `kiosk run` talking to a socket the test binds like systemd does."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from kiosk.ops.watchdog import ServiceWatchdog, notify, watchdog_interval_seconds
from tests.ops.kiosk_process import KIOSK, kiosk_install, notify_socket

pytestmark = pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="sd_notify needs AF_UNIX sockets")


def test_notify_sends_one_datagram_to_the_socket_systemd_names(tmp_path: Path) -> None:
    with notify_socket(tmp_path) as listener:
        assert notify("READY=1", {"NOTIFY_SOCKET": str(listener.path)})
        notice = listener.receive(5)
    assert notice is not None
    assert notice.fields == {"READY": "1"}


def test_notify_reaches_an_abstract_socket(tmp_path: Path) -> None:
    name = f"kiosk-test-{tmp_path.name}"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as listener:
        listener.bind("\0" + name)
        assert notify("WATCHDOG=1", {"NOTIFY_SOCKET": "@" + name})
        listener.settimeout(5)
        assert listener.recv(100) == b"WATCHDOG=1"


def test_without_a_service_manager_nothing_is_sent_and_nothing_fails(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    assert not notify("READY=1", {})
    assert not notify("READY=1", {"NOTIFY_SOCKET": str(tmp_path / "gone.sock")})
    assert "could not notify the service manager (READY)" in caplog.text


def test_watchdog_interval_is_half_of_systemds_and_only_for_this_process() -> None:
    assert watchdog_interval_seconds({"WATCHDOG_USEC": "15000000"}) == 7.5
    assert watchdog_interval_seconds({}) is None
    assert watchdog_interval_seconds({"WATCHDOG_USEC": "0"}) is None
    assert watchdog_interval_seconds({"WATCHDOG_USEC": "15000000", "WATCHDOG_PID": "1"}) is None


def test_heartbeat_file_is_touched_on_ready_and_on_every_ping(tmp_path: Path) -> None:
    heartbeat = tmp_path / "heartbeat"
    watchdog = ServiceWatchdog({"KIOSK_HEARTBEAT_FILE": str(heartbeat)})
    assert watchdog.interval_seconds == 5.0
    watchdog.ready()
    assert heartbeat.exists()
    old = time.time() - 100
    os.utime(heartbeat, (old, old))
    watchdog.ping()
    assert heartbeat.stat().st_mtime > old + 50


def test_nobody_watching_means_no_pings() -> None:
    assert ServiceWatchdog({}).interval_seconds is None


def test_kiosk_run_says_ready_then_pings_then_stopping_and_exits_0_on_sigterm(tmp_path: Path) -> None:
    config, env = kiosk_install(tmp_path)
    with notify_socket(tmp_path) as listener:
        # As systemd sets them for WatchdogSec=2: pings every second.
        env.update(NOTIFY_SOCKET=str(listener.path), WATCHDOG_USEC="2000000")
        kiosk = subprocess.Popen([*KIOSK, "--config", str(config), "run", "--windowed"], env=env)
        try:
            ready = listener.wait_for("READY", timeout=60)
            assert ready.pid == kiosk.pid
            ping = listener.wait_for("WATCHDOG", timeout=10)
            assert ping.pid == kiosk.pid and ping.fields["WATCHDOG"] == "1"
            kiosk.send_signal(signal.SIGTERM)
            assert kiosk.wait(timeout=20) == 0
            assert listener.wait_for("STOPPING", timeout=1).pid == kiosk.pid
        finally:
            if kiosk.poll() is None:
                kiosk.kill()
                kiosk.wait()


@pytest.mark.parametrize("signum", [signal.SIGINT, getattr(signal, "SIGHUP", signal.SIGINT)])
def test_kiosk_run_exits_0_on_sigint_and_sighup_too(tmp_path: Path, signum: int) -> None:
    """SIGHUP is what xinit sends its client when the X session ends."""
    config, env = kiosk_install(tmp_path)
    with notify_socket(tmp_path) as listener:
        env["NOTIFY_SOCKET"] = str(listener.path)
        kiosk = subprocess.Popen([*KIOSK, "--config", str(config), "run", "--windowed"], env=env)
        try:
            listener.wait_for("READY", timeout=60)
            kiosk.send_signal(signum)
            assert kiosk.wait(timeout=20) == 0
        finally:
            if kiosk.poll() is None:
                kiosk.kill()
                kiosk.wait()


CLOSED_ALL_WEEK = "\n[clinic.hours]\n" + "".join(
    f'{day} = "closed"\n' for day in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
)


def test_locked_down_kiosk_on_its_closed_screen_is_ready_and_still_stops_on_sigterm(tmp_path: Path) -> None:
    """Lock-down ignores close requests; SIGTERM from systemd must still end it, with exit code 0."""
    config, env = kiosk_install(tmp_path)
    config.write_text(config.read_text(encoding="utf-8") + CLOSED_ALL_WEEK, encoding="utf-8")
    with notify_socket(tmp_path) as listener:
        env["NOTIFY_SOCKET"] = str(listener.path)
        kiosk = subprocess.Popen([*KIOSK, "--config", str(config), "run"], env=env, stderr=subprocess.PIPE, text=True)
        try:
            assert listener.wait_for("READY", timeout=60).pid == kiosk.pid
            kiosk.send_signal(signal.SIGTERM)
            _out, err = kiosk.communicate(timeout=20)
            assert kiosk.returncode == 0, err
            assert "lock-down on" in err
        finally:
            if kiosk.poll() is None:
                kiosk.kill()
                kiosk.wait()
