"""kiosk-run.log and kiosk-supervise.log tell IT what ran, where, why it stopped and why it could not start.

Real processes and real files: `kiosk run` and `kiosk supervise run` started as a clinic's autostart would,
with stderr thrown away as autostart and Task Scheduler do, and only the log files read afterwards.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kiosk import __version__
from kiosk.ops.run_report import database_location
from kiosk.ops.supervisor import error_sentence
from tests.ops.kiosk_process import KIOSK, kiosk_install

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="stops the processes with SIGTERM")


def text(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.exists() else ""


def wait_for(path: Path, words: str, process: subprocess.Popen[bytes], timeout: float = 90) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if words in (found := text(path)):
            return found
        assert process.poll() is None, f"ended with {process.returncode} before {words!r}:\n{text(path)}"
        time.sleep(0.1)
    pytest.fail(f"{words!r} not in {path} within {timeout:g} s:\n{text(path)}")


def stop(process: subprocess.Popen[bytes]) -> int:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        return process.wait()


def test_a_start_and_a_stop_say_what_ran_where_in_the_log(tmp_path: Path) -> None:
    config, env = kiosk_install(tmp_path)
    log_file = tmp_path / "logs" / "kiosk-run.log"
    kiosk = subprocess.Popen([*KIOSK, "--config", str(config), "run", "--windowed"], env=env, stderr=subprocess.DEVNULL)
    try:
        wait_for(log_file, "kiosk ready", kiosk)
    finally:
        code = stop(kiosk)
    assert code == 0
    logged = text(log_file)
    assert (
        f"kiosk {__version__} starting (process {kiosk.pid}): settings {config}; "
        f"database {tmp_path / 'kiosk.sqlite3'}; key: key file {tmp_path / 'kiosk.key'}; languages "
    ) in logged
    assert re.search(r"layout: screen \S+ \d+x\d+ (landscape|portrait) \(scale [\d.]+\); window 1280x800 at", logged)
    assert ", windowed" in logged
    assert f"database open: {tmp_path / 'kiosk.sqlite3'}, key from the key file {tmp_path / 'kiosk.key'}" in logged
    assert logged.rstrip().endswith("stopped: SIGTERM, exit code 0"), logged[-500:]
    assert (tmp_path / "kiosk.key").read_text().strip() not in logged


def test_a_broken_setting_under_the_supervisor_is_explained_in_both_logs(tmp_path: Path) -> None:
    """The issue's case: stderr is thrown away, and both logs still name the bad setting."""
    config, env = kiosk_install(tmp_path)
    config.write_text(text(config) + '\n[lockdown]\nexit_hold_seconds = "soon"\n', encoding="utf-8")
    # A settings file that cannot be read says nothing of [logging] folder: the platform's log folder is used.
    logs = Path(env["XDG_STATE_HOME"]) / "clinic-kiosk" / "log"
    supervisor = subprocess.Popen(
        [*KIOSK, "--config", str(config), "supervise", "run", "--windowed"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(logs / "kiosk-supervise.log", "Its last error", supervisor)
    finally:
        assert stop(supervisor) == 0
    run_log, supervise_log = text(logs / "kiosk-run.log"), text(logs / "kiosk-supervise.log")
    failure = re.search(r" ERROR kiosk\.cli\.run_cmd: start-up failed: (.*exit_hold_seconds.*)", run_log)
    assert failure is not None, run_log
    assert "stopped: start-up failed, exit code 2" in run_log
    assert "the kiosk ended (exit code 2) after" in supervise_log
    assert f"Its last error: {failure.group(1)}" in supervise_log, supervise_log
    assert f"the settings cannot be read, so this log and the kiosk's are in {logs}" in supervise_log
    assert not (tmp_path / "logs").exists()
    assert stat_mode(logs) == 0o700


def stat_mode(path: Path) -> int:
    return os.stat(path).st_mode & 0o777


def test_a_database_url_is_logged_without_its_password() -> None:
    url = "postgresql+psycopg://kiosk:s3cret@db.clinic.lan:5432/kiosk?sslmode=require&password=other"
    shown = database_location(url)
    assert "s3cret" not in shown and "other" not in shown
    assert shown == "postgresql+psycopg://kiosk:***@db.clinic.lan:5432/kiosk?sslmode=require&password=***"
    assert database_location("sqlite:////var/lib/kiosk/kiosk.sqlite3") == "/var/lib/kiosk/kiosk.sqlite3"


def test_the_supervisor_quotes_the_kiosks_sentence_or_its_last_error_line() -> None:
    assert error_sentence("kiosk: The setting x is wrong.") == "The setting x is wrong."
    line = "2026-11-24 08:00:03.412+01:00 CRITICAL kiosk.ui.app: 3 uncaught errors within 60 s"
    assert error_sentence(line) == "3 uncaught errors within 60 s"
    assert error_sentence("2026-11-24 08:00:03.412+01:00 INFO kiosk.cli.run_cmd: kiosk ready") is None
    assert error_sentence("kiosk: a\x1b[2Jb") == "a [2Jb"
    assert len(error_sentence("kiosk: " + "x" * 5000) or "") == 400


def test_an_unforeseen_fault_at_start_is_logged_by_its_kind_and_place_only(
    private_folders: Path, monkeypatch: pytest.MonkeyPatch, qapp: object
) -> None:
    """In-process `kiosk run`: Python still prints the traceback, and the log says what kind of fault and where."""
    import logging

    import kiosk.services.startup
    from kiosk.cli.main import main

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("words that could be anything")

    monkeypatch.setattr(kiosk.services.startup, "load_context", broken)
    root = logging.getLogger()
    handlers = list(root.handlers)
    try:
        with pytest.raises(RuntimeError):
            main(["run", "--windowed"])
    finally:
        for handler in root.handlers[:]:
            if handler not in handlers:
                root.removeHandler(handler)
                handler.close()
    logged = text(private_folders / "state" / "clinic-kiosk" / "log" / "kiosk-run.log")
    assert re.search(r"ERROR kiosk\.cli\.run_cmd: start-up failed: an unexpected RuntimeError \(\S+\.py:\d+\)", logged)
    assert "stopped: start-up failed, exit code 1" in logged
    assert "words that could be anything" not in logged
