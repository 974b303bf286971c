"""Log files: where they go, how a line looks, how they roll over, and what happens when they cannot be written."""

from __future__ import annotations

import logging
import os
import re
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.config.settings import LoggingSettings, Settings
from kiosk.ops.logs import attach_log_file, configure_logging

LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d (DEBUG|INFO|WARNING|ERROR) [\w.]+: .+$")


@pytest.fixture(autouse=True)
def restore_root_logger() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in root.handlers:
        if handler not in handlers:
            handler.close()
    root.handlers[:] = handlers
    root.setLevel(level)


def settings_with(folder: Path, **values: object) -> Settings:
    return Settings(logging=LoggingSettings.model_validate({"folder": folder, **values}))


def test_the_kiosk_writes_timestamped_lines_into_a_private_folder(tmp_path: Path) -> None:
    folder = tmp_path / "logs"
    configure_logging("run", verbose=False)
    path = attach_log_file(settings_with(folder), "run")

    logging.getLogger("kiosk.test").info("kiosk running: %d pages", 12)
    logging.getLogger("kiosk.test").debug("not at info level")

    assert path == folder / "kiosk-run.log"
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1, lines
    assert LINE.match(lines[0]), lines[0]
    assert lines[0].endswith(" INFO kiosk.test: kiosk running: 12 pages")
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_without_a_folder_setting_the_platform_log_folder_is_used(private_folders: Path) -> None:
    configure_logging("staff", verbose=False)
    path = attach_log_file(Settings(), "staff")
    logging.getLogger("kiosk.test").warning("console started")
    # The tests point XDG_STATE_HOME into a private folder; platformdirs puts logs under it.
    assert path is not None and path.is_relative_to(private_folders)
    assert path.name == "kiosk-staff.log"
    assert "console started" in path.read_text(encoding="utf-8")


def test_files_roll_over_at_the_size_and_only_the_set_number_is_kept(tmp_path: Path) -> None:
    folder = tmp_path / "logs"
    configure_logging("run", verbose=False)
    attach_log_file(settings_with(folder, max_kb=64, files_kept=2), "run")
    chatter = logging.getLogger("kiosk.test")
    for number in range(3000):  # about 300 KiB: several roll-overs
        chatter.info("event %05d %s", number, "x" * 40)

    names = sorted(p.name for p in folder.iterdir())
    assert names == ["kiosk-run.log", "kiosk-run.log.1", "kiosk-run.log.2"]
    for path in folder.iterdir():
        assert path.stat().st_size <= 64 * 1024
    assert "event 02999" in (folder / "kiosk-run.log").read_text(encoding="utf-8")


def test_the_level_setting_and_verbose_decide_what_reaches_the_file(tmp_path: Path) -> None:
    configure_logging("run", verbose=False)
    quiet = attach_log_file(settings_with(tmp_path / "quiet", level="warning"), "run")
    logging.getLogger("kiosk.test").info("routine")
    logging.getLogger("kiosk.test").warning("worth a look")
    assert quiet is not None
    assert quiet.read_text(encoding="utf-8").count("\n") == 1

    configure_logging("run", verbose=True)
    loud = attach_log_file(settings_with(tmp_path / "loud", level="warning"), "run", verbose=True)
    logging.getLogger("kiosk.test").debug("detail")
    assert loud is not None and "DEBUG kiosk.test: detail" in loud.read_text(encoding="utf-8")
    # Attaching again replaced the first file: nothing more went there.
    assert "detail" not in quiet.read_text(encoding="utf-8")


def test_an_unwritable_folder_is_said_once_and_the_kiosk_keeps_logging_to_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be", encoding="utf-8")
    configure_logging("run", verbose=False)

    assert attach_log_file(settings_with(blocker / "logs"), "run") is None
    logging.getLogger("kiosk.test").warning("still heard")

    err = capsys.readouterr().err
    assert err.count("cannot write log files") == 1
    assert "Set [logging] folder to a folder this account can write." in err
    assert "still heard" in err


def test_one_shot_verbs_only_warn_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("export", verbose=False)
    logging.getLogger("kiosk.test").info("routine")
    logging.getLogger("kiosk.test").warning("problem")
    err = capsys.readouterr().err
    assert "routine" not in err and "WARNING kiosk.test: problem" in err


def test_kiosk_run_writes_its_file_where_the_settings_say(tmp_path: Path) -> None:
    """The real `kiosk -v run` process: its log file appears in [logging] folder, beside the settings file."""
    config = tmp_path / "kiosk.toml"
    config.write_text(
        '[database]\nurl = "sqlite:///kiosk.sqlite3"\nkey_file = "kiosk.key"\n\n[logging]\nfolder = "logs"\n',
        encoding="utf-8",
    )
    home = tmp_path / "home"
    env = {
        **os.environ,
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_STATE_HOME": str(home / "state"),
        "QT_QPA_PLATFORM": "offscreen",
    }
    log_file = tmp_path / "logs" / "kiosk-run.log"
    with (tmp_path / "stderr.txt").open("w", encoding="utf-8") as stderr:
        kiosk = subprocess.Popen(
            [sys.executable, "-m", "kiosk", "-v", "--config", str(config), "run", "--windowed"], env=env, stderr=stderr
        )
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and "kiosk running:" not in _text(log_file):
                assert kiosk.poll() is None, (tmp_path / "stderr.txt").read_text(encoding="utf-8")
                time.sleep(0.1)
        finally:
            kiosk.send_signal(signal.SIGTERM)
            kiosk.wait(timeout=30)

    lines = _text(log_file).splitlines()
    assert any("INFO kiosk.cli.run_cmd: kiosk running:" in line for line in lines), lines
    assert all(LINE.match(line) for line in lines if not line.startswith(" ")), lines
    assert stat.S_IMODE(log_file.parent.stat().st_mode) == 0o700
    assert not (home / "state").exists()  # nothing went to the platform folder the settings replaced


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.exists() else ""
