"""Keep the kiosk running where no service manager does it fast enough (Windows Task Scheduler waits a minute).

The child is started again 0.2 s after any exit except a deliberate staff quit (exit code 3) and the clean exit
that follows our own stop signal; a child whose heartbeat file is older than hang_seconds (30 s) is hung and killed.
Repeated crashes back off, so a kiosk that cannot start does not spin a CPU core at 100 %; the kiosk's planned
nightly restart (exit code 75) is no crash and never counts towards that.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import IO

from kiosk.ops.exit_codes import EXIT_OK, EXIT_RESTART_PLANNED, EXIT_STAFF_QUIT
from kiosk.ops.watchdog import HEARTBEAT_ENV

log = logging.getLogger(__name__)

POLL_SECONDS = 0.1
STOP_GRACE_SECONDS = 20.0  # after SIGTERM the kiosk closes its database; then it is killed
RELAY_JOIN_SECONDS = 2.0
QUOTE_CHARS = 400
FOLDER_PREFIX = "kiosk-supervise-"  # then the supervisor's process id and a dash: see remove_leftover_folders
SENTENCE_PREFIX = "kiosk: "  # how the kiosk starts each one-sentence answer on stderr (kiosk.cli.errors)
# A log line of the kiosk at ERROR or above on stderr (kiosk.ops.logs.FORMAT): "<date> <time> ERROR <name>: <message>".
_ERROR_LINE = re.compile(r"^\S+ \S+ (?:ERROR|CRITICAL) [\w.]+: (.+)$")


@dataclass(frozen=True)
class RestartPolicy:
    hang_seconds: float = 30.0  # no heartbeat for this long: the kiosk is hung
    startup_seconds: float = 120.0  # the first heartbeat may take this long (first start migrates the database)
    first_delay: float = 0.2  # a single crash: started again at once (then its own start-up, a few seconds)
    calm_crashes: int = 3  # this many short runs in a row restart at once; more back off
    first_step: float = 1.0  # the first back-off wait; each further short run doubles it
    max_delay: float = 60.0
    # A kiosk that ran this long before it ended was working: the next crash starts the count afresh. Counting
    # short runs in a row, not crashes within a time window, is what lets the wait reach max_delay: a window as
    # long as the wait itself would forget the earlier crashes (the old 60 s window fell back to 0.2 s after 32 s).
    stable_seconds: float = 60.0

    def delay_after(self, short_runs: int) -> float:
        """Seconds to wait before the next start, after `short_runs` runs in a row that ended before stable_seconds."""
        extra = short_runs - self.calm_crashes
        if extra <= 0:
            return self.first_delay
        return float(min(self.max_delay, self.first_step * 2 ** min(extra - 1, 32)))


def describe_exit(code: int) -> str:
    if code < 0:
        try:
            return f"signal {signal.Signals(-code).name}"
        except ValueError:
            return f"signal {-code}"
    return f"exit code {code}"


class Supervisor:
    def __init__(
        self,
        command: Sequence[str],
        policy: RestartPolicy | None = None,
        *,
        out_of_service_command: Sequence[str] | None = None,
    ) -> None:
        self.command = list(command)
        self.policy = policy or RestartPolicy()
        # Shown while the restarts back off (see kiosk.ui.crash_loop_screen); None shows nothing.
        self.out_of_service_command = list(out_of_service_command) if out_of_service_command else None
        self._screen: subprocess.Popen[bytes] | None = None
        self._screen_failed = False
        self._child: subprocess.Popen[bytes] | None = None
        self._stop_signal: int | None = None
        self._child_signalled = False  # a second SIGTERM could reach the kiosk after it restored the default handler
        self._short_runs = 0  # runs in a row that ended before policy.stable_seconds
        remove_leftover_folders()
        # The process id in the name tells a later supervisor whether this folder's owner still runs.
        self._folder = Path(tempfile.mkdtemp(prefix=f"{FOLDER_PREFIX}{os.getpid()}-"))
        self.heartbeat_file = self._folder / "heartbeat"

    def run(self) -> int:
        """Run the kiosk until it is stopped on purpose; returns this command's exit code."""
        previous = {signum: signal.signal(signum, self._forward) for signum in _stop_signals()}
        try:
            return self._loop()
        finally:
            self._hide_screen()
            for signum, handler in previous.items():
                signal.signal(signum, handler)
            shutil.rmtree(self._folder, ignore_errors=True)

    def _loop(self) -> int:
        while True:
            started = time.monotonic()
            code, last_error = self._run_child()
            if self._stop_signal is not None:
                log.info("the kiosk stopped (%s) after %s", describe_exit(code), signal.Signals(self._stop_signal).name)
                return EXIT_OK
            if code == EXIT_STAFF_QUIT:
                log.info("staff closed the kiosk on purpose; not restarting it")
                return EXIT_STAFF_QUIT
            ran = time.monotonic() - started
            if code == EXIT_RESTART_PLANNED:
                # Its nightly restart: no crash, so the back-off starts afresh and the kiosk is back at once.
                self._short_runs = 0
                log.info("the kiosk restarts as planned (daily restart) after %.0f s; starting it again", ran)
                if self._sleep(self.policy.first_delay):
                    return EXIT_OK
                continue
            self._short_runs = self._short_runs + 1 if ran < self.policy.stable_seconds else 1
            delay = self.policy.delay_after(self._short_runs)
            # IT reads why here: the kiosk's own sentence, which otherwise went only to a stderr nobody keeps.
            said = f" Its last error: {last_error}" if last_error and code != EXIT_OK else ""
            log.warning(
                "the kiosk ended (%s) after %.1f s; starting it again in %.1f s.%s",
                describe_exit(code),
                ran,
                delay,
                said,
            )
            if delay >= self.policy.first_step:
                self._show_screen()  # backing off: the kiosk cannot start, so patients get calm words meanwhile
            if self._sleep(delay):
                return EXIT_OK

    def _run_child(self) -> tuple[int, str | None]:
        """Run one kiosk to its end: its exit code (negative for a signal) and the last error it wrote on stderr."""
        self.heartbeat_file.unlink(missing_ok=True)
        env = {**os.environ, HEARTBEAT_ENV: str(self.heartbeat_file)}
        started = time.monotonic()
        self._child_signalled = False
        self._child = child = subprocess.Popen(
            self.command,
            env=env,
            stderr=subprocess.PIPE,
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,
        )
        assert child.stderr is not None  # stderr=PIPE
        relay = StderrRelay(child.stderr)
        log.info("started the kiosk (process %d)", child.pid)
        code = self._wait(child, started)
        # A process the kiosk started (a speech engine) may hold the pipe open after the kiosk ended: wait briefly.
        relay.join(timeout=RELAY_JOIN_SECONDS)
        return code, relay.last_error

    def _wait(self, child: subprocess.Popen[bytes], started: float) -> int:
        while True:
            try:
                return child.wait(timeout=POLL_SECONDS)
            except subprocess.TimeoutExpired:
                pass
            if self._stop_signal is not None:
                return self._wait_after_stop(child)
            if self._screen is not None and self.heartbeat_file.exists():
                log.info("the kiosk is ready again; the out-of-service screen is closed")
                self._hide_screen()
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

    def _show_screen(self) -> None:
        if self.out_of_service_command is None or self._screen_failed:
            return
        if self._screen is not None:
            code = self._screen.poll()
            if code is None:
                return  # still showing
            # Tried once per crash loop at most: a screen that cannot open (no display) is not retried every wait.
            log.warning("the out-of-service screen ended by itself (%s); not showing it again", describe_exit(code))
            self._screen, self._screen_failed = None, True
            return
        self._screen = subprocess.Popen(
            self.out_of_service_command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,
        )
        log.warning("the kiosk cannot start: showing patients the out-of-service screen (process %d)", self._screen.pid)

    def _hide_screen(self) -> None:
        screen, self._screen = self._screen, None
        self._screen_failed = False  # a later crash loop may try the screen again
        if screen is None or screen.poll() is not None:
            return
        screen.terminate()
        try:
            screen.wait(timeout=STOP_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            screen.kill()
            screen.wait()

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


def remove_leftover_folders(parent: Path | None = None) -> list[Path]:
    """Remove the temporary folders of supervisors that no longer run (killed with -9); returns what was removed.

    Only this account's folders, and never one whose supervisor is alive: its kiosk touches the heartbeat there.
    """
    removed = []
    for folder in Path(parent or tempfile.gettempdir()).glob(f"{FOLDER_PREFIX}*-*"):
        pid_text = folder.name[len(FOLDER_PREFIX) :].split("-", 1)[0]
        try:
            mine = folder.is_dir() and not folder.is_symlink() and _owned_by_me(folder)
        except OSError:
            continue
        if not mine or not pid_text.isdigit() or _process_alive(int(pid_text)):
            continue  # a folder of an older version (no process id in its name) is left as it was
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    if removed:
        log.info("removed %d temporary folder(s) of supervisors that no longer run", len(removed))
    return removed


def _owned_by_me(folder: Path) -> bool:
    getuid = getattr(os, "getuid", None)
    return getuid is None or folder.stat().st_uid == getuid()  # Windows: the temp folder is the account's own


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name == "nt":
        return _windows_process_alive(pid)
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, under another account
    return True


def _windows_process_alive(pid: int) -> bool:
    # os.kill(pid, 0) would send CTRL_C_EVENT on Windows; ask the kernel instead (no psutil for a few lines).
    import ctypes

    process_query_limited_information, still_active = 0x1000, 259
    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined,unused-ignore]
    handle = kernel32.OpenProcess(process_query_limited_information, False, pid)
    if not handle:
        return False
    try:
        code = ctypes.c_ulong()
        return bool(kernel32.GetExitCodeProcess(handle, ctypes.byref(code))) and code.value == still_active
    finally:
        kernel32.CloseHandle(handle)


class StderrRelay:
    """Passes the kiosk's stderr on to the supervisor's own, line by line, and keeps its last error.

    The last error is the kiosk's last one-sentence answer ("kiosk: ...") or its last ERROR or CRITICAL log
    line, whichever came later; the kiosk writes no patient data to stderr, as to its log (see kiosk.ops.logs).
    A thread, because a pipe nobody reads would block the kiosk once its buffer is full.
    """

    def __init__(self, stream: IO[bytes]) -> None:
        self.last_error: str | None = None
        self._stream = stream
        self._thread = threading.Thread(target=self._relay, name="kiosk-stderr", daemon=True)
        self._thread.start()

    def join(self, timeout: float) -> None:
        self._thread.join(timeout)

    def _relay(self) -> None:
        with self._stream:
            for raw in iter(self._stream.readline, b""):
                _write_stderr(raw)
                said = error_sentence(raw.decode("utf-8", "backslashreplace").rstrip("\r\n"))
                if said is not None:
                    self.last_error = said


def error_sentence(line: str) -> str | None:
    """The error a stderr line of the kiosk reports, or None for any other line."""
    if line.startswith(SENTENCE_PREFIX):
        said = line[len(SENTENCE_PREFIX) :]
    else:
        logged = _ERROR_LINE.match(line)
        if logged is None:
            return None
        said = logged.group(1)
    # One line of bounded length in the supervisor's log, whatever the kiosk printed.
    said = "".join(ch if ch.isprintable() else " " for ch in said).strip()
    return (said[: QUOTE_CHARS - 1] + "…" if len(said) > QUOTE_CHARS else said) or None


def _write_stderr(raw: bytes) -> None:
    stream = sys.stderr
    with contextlib.suppress(OSError, ValueError):  # a closed or broken stderr must not stop the relay
        buffer = getattr(stream, "buffer", None)
        if buffer is not None:
            buffer.write(raw)
            buffer.flush()
        else:
            stream.write(raw.decode("utf-8", "backslashreplace"))
            stream.flush()


def _signal_child(child: subprocess.Popen[bytes], signum: int) -> bool:
    if child.poll() is not None:
        return False
    if os.name == "nt":
        child.terminate()  # Windows has no SIGTERM for another process
    else:
        child.send_signal(signum)
    return True


def _stop_signals() -> list[int]:
    # SIGHUP: xinit sends it to its client's process group (this supervisor and its kiosk) as the session ends.
    extra = [getattr(signal, name) for name in ("SIGBREAK", "SIGHUP") if hasattr(signal, name)]
    return [signal.SIGTERM, signal.SIGINT, *extra]


def _die_with_parent() -> None:
    """Linux: the kiosk gets SIGTERM if the supervisor is killed, so a restarted supervisor never finds two kiosks."""
    import ctypes

    pr_set_pdeathsig = 1
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)
