"""`kiosk run` paints its first frame before the slow steps: the database, its migrations, the request form.

Process-level and untimed: what is loaded when the attract screen is first painted, and in what order the
database, READY and the log lines come.
"""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.bench.startup import LIBRARIES_AT_FIRST_FRAME, LIBRARIES_AT_READY
from tests.ops.kiosk_process import KIOSK, kiosk_install, notify_socket

# The bench's own probe (kiosk.bench.probe) watches for the first paint of the attract screen from outside,
# then waits for READY; this child also prints what was imported at each of the two.
FIRST_PAINT = """
import json, sys
import kiosk.bench.probe as probe
said = probe.say
def say(*words):
    if words[:1] in ((probe.PAINTED,), (probe.PEAK,)):
        print("loaded", json.dumps(sorted(sys.modules)), flush=True)
    said(*words)
probe.say = say
sys.exit(probe.main(sys.argv[1:]))
"""
# Only needed once the database is open or a patient goes past the attract loop.
NOT_BEFORE_FIRST_FRAME = (
    "alembic",
    "sqlalchemy",
    "sqlcipher3",
    "kiosk.storage.migrations",
    "kiosk.storage.keys",
    "kiosk.ui.forms.form_screen",
    "kiosk.ui.screens.home",
    "PySide6.QtCharts",
    "PySide6.QtPrintSupport",
    "PySide6.QtTextToSpeech",  # read-aloud's engine is made two seconds after READY
    "PySide6.QtMultimedia",
)


# Only needed to upgrade a database: a kiosk whose database is already at the newest schema never loads them.
ONLY_TO_UPGRADE = ("alembic", "mako", "pygments", "kiosk.storage.migrations")


def start_once(config: Path, env: dict[str, str], folder: Path) -> tuple[list[set[str]], str]:
    """Start `kiosk run` until READY: the modules loaded at its first frame and at READY, and its log."""
    argv = [sys.executable, "-c", FIRST_PAINT, "start", "0", "--", "--config", str(config), "run", "--windowed"]
    done = subprocess.run(argv, env=env, cwd=folder, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    prefix = "loaded "
    loaded = [set(json.loads(line[len(prefix) :])) for line in done.stdout.splitlines() if line.startswith(prefix)]
    assert len(loaded) == 2, done.stdout[-2000:]
    return loaded, done.stderr


def test_the_first_frame_is_painted_before_the_database_and_the_later_screens_are_loaded(tmp_path: Path) -> None:
    config, env = kiosk_install(tmp_path)
    (loaded, _at_ready), log = start_once(config, env, tmp_path)
    assert "kiosk.ui.screens.attract" in loaded
    assert {name for name in loaded if name.split(".")[0] in NOT_BEFORE_FIRST_FRAME} == set()
    assert loaded & set(NOT_BEFORE_FIRST_FRAME) == set()
    # The database was still opened (and created) right after that frame, before the kiosk stopped.
    assert "start-up: database done" in log
    assert (tmp_path / "kiosk.sqlite3").is_file()


def test_a_database_at_the_newest_schema_starts_without_loading_the_migration_tools(tmp_path: Path) -> None:
    config, env = kiosk_install(tmp_path)
    (_first, created), _log = start_once(config, env, tmp_path)
    assert "alembic" in created  # the first start made the database, with Alembic

    (_first, started), log = start_once(config, env, tmp_path)

    assert "start-up: database done" in log and "sqlalchemy" in started
    assert {name for name in started if name.split(".")[0] in ONLY_TO_UPGRADE or name in ONLY_TO_UPGRADE} == set()


def third_party(modules: set[str]) -> set[str]:
    return {name.split(".")[0] for name in modules} - set(sys.stdlib_module_names) - {"kiosk", "__main__"}


def loaded_by(libraries: tuple[str, ...]) -> set[str]:
    """The top-level packages a bare Python has loaded after importing `libraries`, then Qt's widgets."""
    imports = f"import {', '.join(libraries)}; import PySide6.QtWidgets"
    program = f"import json, sys; {imports}; print(json.dumps(list(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=120, check=True)
    return third_party(set(json.loads(done.stdout)))


def test_the_bench_floors_load_the_libraries_the_kiosk_has_loaded(tmp_path: Path) -> None:
    """The informative floors of `kiosk bench` stand for the libraries the kiosk really loads, no more, no less."""
    config, env = kiosk_install(tmp_path)
    start_once(config, env, tmp_path)  # makes the database: a kiosk's every later start is like the next one
    at_first_frame, at_ready = start_once(config, env, tmp_path)[0]
    for loaded, libraries in ((at_first_frame, LIBRARIES_AT_FIRST_FRAME), (at_ready, LIBRARIES_AT_READY)):
        assert set(libraries) <= loaded
        assert third_party(loaded) <= loaded_by(libraries)


@pytest.mark.slow  # a real `kiosk run` building every screen before it says ready
@pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="sd_notify needs AF_UNIX sockets")
def test_ready_comes_after_the_database_is_open_and_every_screen_is_built(tmp_path: Path) -> None:
    config, env = kiosk_install(tmp_path)
    with notify_socket(tmp_path) as listener:
        env["NOTIFY_SOCKET"] = str(listener.path)
        kiosk = subprocess.Popen(
            [*KIOSK, "--config", str(config), "run", "--windowed"], env=env, stderr=subprocess.PIPE, text=True
        )
        try:
            listener.wait_for("READY", timeout=60)
            kiosk.send_signal(signal.SIGTERM)
            _out, err = kiosk.communicate(timeout=20)
        finally:
            if kiosk.poll() is None:
                kiosk.kill()
                kiosk.wait()
    assert kiosk.returncode == 0, err[-2000:]
    order = [err.index(words) for words in ("start-up: database done", "kiosk running", "kiosk ready")]
    assert order == sorted(order), err[-2000:]
