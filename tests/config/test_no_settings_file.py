"""On a PC with no settings file, the kiosk says once where the file goes and how to make one, then carries on."""

from __future__ import annotations

import signal
import socket
import subprocess
from pathlib import Path

import pytest

from tests.ops.kiosk_process import KIOSK, kiosk_install, notify_socket


def expected_sentence(home: Path) -> str:
    where = home / ".config" / "clinic-kiosk" / "kiosk.toml"  # XDG_CONFIG_HOME of kiosk_install's environment
    return (
        f"no settings file at {where}, so the demo settings are used: "
        "run `kiosk init` to write one there to edit (or name another with --config FILE)."
    )


def test_a_one_shot_command_says_it_once_on_stderr_and_does_its_work(tmp_path: Path) -> None:
    _config, env = kiosk_install(tmp_path)  # its environment only: no --config, and nothing in the settings folder

    done = subprocess.run([*KIOSK, "config", "show"], env=env, capture_output=True, text=True, timeout=120)

    assert done.returncode == 0, done.stderr
    assert done.stderr == f"kiosk: {expected_sentence(tmp_path / 'home')}\n"
    assert done.stdout.startswith("# No settings file: these are the demo defaults.")


def test_a_check_without_a_file_says_the_defaults_are_used(tmp_path: Path) -> None:
    _config, env = kiosk_install(tmp_path)

    done = subprocess.run([*KIOSK, "config", "check"], env=env, capture_output=True, text=True, timeout=120)

    assert (done.returncode, done.stdout) == (0, "")
    assert done.stderr == f"kiosk: {expected_sentence(tmp_path / 'home')}\n"


@pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="sd_notify needs AF_UNIX sockets")
def test_the_kiosk_says_it_once_on_stderr_and_in_its_log_then_runs_on_the_defaults(tmp_path: Path) -> None:
    _config, env = kiosk_install(tmp_path)
    home = tmp_path / "home"
    with notify_socket(tmp_path) as listener:
        env["NOTIFY_SOCKET"] = str(listener.path)
        kiosk = subprocess.Popen([*KIOSK, "run", "--windowed"], env=env, stderr=subprocess.PIPE, text=True)
        try:
            listener.wait_for("READY", timeout=300)  # it carried on: the attract screen is up
            kiosk.send_signal(signal.SIGTERM)
            _out, err = kiosk.communicate(timeout=60)
        finally:
            if kiosk.poll() is None:
                kiosk.kill()
                kiosk.wait()

    assert kiosk.returncode == 0, err[-2000:]
    sentence = expected_sentence(home)
    assert err.count("no settings file") == 1, err[-2000:]
    assert f"kiosk: {sentence}\n" in err
    [log] = home.glob(".local/state/clinic-kiosk/log/kiosk-run.log")
    logged = [line for line in log.read_text(encoding="utf-8").splitlines() if "no settings file" in line]
    assert len(logged) == 1 and logged[0].endswith(f" INFO kiosk.config.loader: {sentence}"), logged


def test_a_kiosk_started_by_one_that_said_it_does_not_say_it_again(tmp_path: Path) -> None:
    """As `kiosk supervise` starts `kiosk run` (again after each crash): one sentence on the stderr they share."""
    _config, env = kiosk_install(tmp_path)
    parent = (
        "import subprocess, sys\n"
        "from kiosk.cli.main import main\n"
        "assert main(['config', 'check']) == 0\n"
        "sys.exit(subprocess.run([sys.executable, '-m', 'kiosk', 'config', 'check']).returncode)\n"
    )

    done = subprocess.run([KIOSK[0], "-c", parent], env=env, capture_output=True, text=True, timeout=120)

    assert done.returncode == 0, done.stderr
    assert done.stderr == f"kiosk: {expected_sentence(tmp_path / 'home')}\n"
