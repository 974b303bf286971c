"""Keep the kiosk running where no service manager does it fast enough (Windows Task Scheduler waits a minute).

The child is restarted within a second after any exit except a deliberate staff quit (exit code 3) and the
clean exit that follows our own SIGTERM; a child whose heartbeat file stops changing is hung and is killed.
Repeated crashes back off, so a kiosk that cannot start does not spin a CPU core at 100 %.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from kiosk.ops.exit_codes import EXIT_OK, EXIT_STAFF_QUIT
from kiosk.ops.watchdog import HEARTBEAT_ENV

log = logging.getLogger(__name__)

POLL_SECONDS = 0.1
STOP_GRACE_SECONDS = 20.0  # after SIGTERM the kiosk closes its database; then it is killed


@dataclass(frozen=True)
class RestartPolicy:
    hang_seconds: float = 30.0  # no heartbeat for this long: the kiosk is hung
    startup_seconds: float = 120.0  # the first heartbeat may take this long (first start migrates the database)
    first_delay: float = 0.2  # a single crash: back within a second
    crash_window: float = 60.0  # crashes closer together than this count as "repeated"
    calm_crashes: int = 3  # this many in the window restart at once; more back off
    max_delay: float = 60.0

    def delay_after(self, crash_times: Sequence[float], now: float) -> float:
        """Seconds to wait before the next start, given the monotonic times of earlier crashes (newest last)."""
        recent = [moment for moment in crash_times if now - moment <= self.crash_window]
        extra = len(recent) - self.calm_crashes
        if extra <= 0:
            return self.first_delay
        return float(min(self.max_delay, 2 ** (extra - 1)))


def describe_exit(code: int) -> str:
    if code < 0:
        try:
            return f"signal {signal.Signals(-code).name}"
        except ValueError:
            return f"signal {-code}"
    return f"exit code {code}"


class Supervisor:
    def __init__(self, command: Sequence[str], policy: RestartPolicy | None = None) -> None:
        self.command = list(command)
        self.policy = policy or RestartPolicy()
        self._child: subprocess.Popen[bytes] | None = None
        self._stop_signal: int | None = None
        self._child_signalled = False  # a second SIGTERM could reach the kiosk after it restored the default handler
        self._crashes: list[float] = []
        self._folder = Path(tempfile.mkdtemp(prefix="kiosk-supervise-"))
        self.heartbeat_file = self._folder / "heartbeat"

    def run(self) -> int:
        """Run the kiosk until it is stopped on purpose; returns this command's exit code."""
        previous = {signum: signal.signal(signum, self._forward) for signum in _stop_signals()}
        try:
            return self._loop()
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
            shutil.rmtree(self._folder, ignore_errors=True)

    def _loop(self) -> int:
        while True:
            code = self._run_child()
            if self._stop_signal is not None:
                log.info("the kiosk stopped (%s) after %s", describe_exit(code), signal.Signals(self._stop_signal).name)
                return EXIT_OK
            if code == EXIT_STAFF_QUIT:
                log.info("staff closed the kiosk on purpose; not restarting it")
                return EXIT_STAFF_QUIT
            now = time.monotonic()
            delay = self.policy.delay_after(self._crashes, now)
            self._crashes = [*(t for t in self._crashes if now - t <= self.policy.crash_window), now]
            log.warning("the kiosk ended (%s); starting it again in %.1f s", describe_exit(code), delay)
            if self._sleep(delay):
                return EXIT_OK

    def _run_child(self) -> int:
        self.heartbeat_file.unlink(missing_ok=True)
        env = {**os.environ, HEARTBEAT_ENV: str(self.heartbeat_file)}
        started = time.monotonic()
        self._child_signalled = False
        self._child = child = subprocess.Popen(
            self.command, env=env, preexec_fn=_die_with_parent if sys.platform == "linux" else None
        )
        log.info("started the kiosk (process %d)", child.pid)
        while True:
            try:
                return child.wait(timeout=POLL_SECONDS)
            except subprocess.TimeoutExpired:
                pass
            if self._stop_signal is not None:
                return self._wait_after_stop(child)
            if self._hung(started):
                log.warning(
                    "the kiosk stopped responding (no heartbeat for %g s); killing it", self.policy.hang_seconds
                )
                child.kill()
                return child.wait()

    def _hung(self, started: float) -> bool:
        try:
            age = time.time() - self.heartbeat_file.stat().st_mtime
        except FileNotFoundError:
            return time.monotonic() - started > self.policy.startup_seconds
        return age > self.policy.hang_seconds

    def _wait_after_stop(self, child: subprocess.Popen[bytes]) -> int:
        if self._stop_signal is not None and not self._child_signalled:
            _signal_child(child, self._stop_signal)  # the signal came before this child existed
        try:
            return child.wait(timeout=STOP_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            log.warning("the kiosk did not stop within %g s; killing it", STOP_GRACE_SECONDS)
            child.kill()
            return child.wait()

    def _sleep(self, seconds: float) -> bool:
        """Wait before a restart; True if a stop signal came meanwhile."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and self._stop_signal is None:
            time.sleep(min(POLL_SECONDS, max(0.0, deadline - time.monotonic())))
        return self._stop_signal is not None

    def _forward(self, signum: int, _frame: FrameType | None) -> None:
        self._stop_signal = signum
        if self._child is not None:
            self._child_signalled = _signal_child(self._child, signum)


def _signal_child(child: subprocess.Popen[bytes], signum: int) -> bool:
    if child.poll() is not None:
        return False
    if os.name == "nt":
        child.terminate()  # Windows has no SIGTERM for another process
    else:
        child.send_signal(signum)
    return True


def _stop_signals() -> list[int]:
    return [signal.SIGTERM, signal.SIGINT] + ([signal.SIGBREAK] if hasattr(signal, "SIGBREAK") else [])


def _die_with_parent() -> None:
    """Linux: the kiosk gets SIGTERM if the supervisor is killed, so a restarted supervisor never finds two kiosks."""
    import ctypes

    pr_set_pdeathsig = 1
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)
