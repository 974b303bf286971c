"""`kiosk supervise`: real child processes that crash, hang, quit on purpose, or are killed while showing the kiosk."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kiosk.cli.main import main
from kiosk.ops.supervisor import RestartPolicy, Supervisor
from tests.ops.kiosk_process import KIOSK, kiosk_install, notify_socket

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="these children use POSIX signals")

# A stand-in kiosk: counts its starts in a file, touches the heartbeat, then does what the test asks of start N.
CHILD = """
import os, signal, sys, time
from pathlib import Path
starts = Path(sys.argv[1])
count = len(starts.read_text().splitlines()) + 1 if starts.exists() else 1
with starts.open("a") as f:
    f.write(f"{os.getpid()}\\n")
plan = sys.argv[2].split(",")
action = plan[min(count, len(plan)) - 1]
beat = os.environ.get("KIOSK_HEARTBEAT_FILE")
if beat:
    Path(beat).touch()
def on_term(signum, frame):
    with starts.open("a") as f:
        f.write(f"term {signum}\\n")
    sys.exit(0)
signal.signal(signal.SIGTERM, on_term)
if action == "wait":
    while True:
        time.sleep(0.2)
        if beat:
            Path(beat).touch()
if action == "hang":
    while True:
        time.sleep(1)  # alive, but no more heartbeats: a hung event loop
sys.exit(int(action))
"""


def child(tmp_path: Path, plan: str) -> list[str]:
    script = tmp_path / "child.py"
    script.write_text(CHILD, encoding="utf-8")
    return [sys.executable, str(script), str(tmp_path / "starts"), plan]


def starts(tmp_path: Path) -> list[str]:
    path = tmp_path / "starts"
    return path.read_text().splitlines() if path.exists() else []


def test_a_crash_is_restarted_and_a_staff_quit_is_not(tmp_path: Path) -> None:
    began = time.monotonic()
    assert Supervisor(child(tmp_path, "1,-6,0,3")).run() == 3
    # crash (1), abort-like code, a plain 0 nobody asked for: all restarted; 3 ends it.
    assert len(starts(tmp_path)) == 4
    assert time.monotonic() - began < 15


def test_a_hung_kiosk_is_killed_and_started_again(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    policy = RestartPolicy(hang_seconds=1.0)
    assert Supervisor(child(tmp_path, "hang,3"), policy).run() == 3
    assert len(starts(tmp_path)) == 2
    assert "the kiosk stopped responding" in caplog.text
    assert "signal SIGKILL" in caplog.text


def test_a_kiosk_that_never_reports_is_killed_after_the_startup_allowance(tmp_path: Path) -> None:
    policy = RestartPolicy(hang_seconds=1.0, startup_seconds=1.0)
    script = tmp_path / "silent.py"
    script.write_text(
        "import sys, time\nfrom pathlib import Path\n"
        "p = Path(sys.argv[1]); n = len(p.read_text().splitlines()) if p.exists() else 0\n"
        "p.open('a').write('x\\n')\n"
        "time.sleep(60) if n == 0 else sys.exit(3)\n",
        encoding="utf-8",
    )
    assert Supervisor([sys.executable, str(script), str(tmp_path / "starts")], policy).run() == 3
    assert len(starts(tmp_path)) == 2


def test_repeated_crashes_back_off_up_to_a_minute() -> None:
    policy = RestartPolicy()
    waits = [policy.delay_after(short_runs) for short_runs in range(1, 13)]
    # Three short runs restart at once; then 1 s doubling to the documented minute, and it stays there
    # (the old window of crash times fell back to 0.2 s after the 32 s wait).
    assert waits == [0.2, 0.2, 0.2, 1, 2, 4, 8, 16, 32, 60, 60, 60]
    assert policy.delay_after(10_000) == 60


def test_the_wait_grows_to_its_cap_and_resets_only_after_a_kiosk_ran_well(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Real children on a fast scale: the waits keep doubling up to the cap; a run past stable_seconds resets them."""
    policy = RestartPolicy(first_delay=0.01, first_step=0.05, max_delay=0.4, stable_seconds=1.5)
    script = tmp_path / "kiosk.py"
    # Starts 1-7 fail at once, start 8 runs well (2 s), start 9 fails, start 10 quits on purpose.
    script.write_text(
        "import sys, time\nfrom pathlib import Path\n"
        "p = Path(sys.argv[1]); n = len(p.read_text().splitlines()) + 1 if p.exists() else 1\n"
        "p.open('a').write('x\\n')\n"
        "time.sleep(2) if n == 8 else None\n"
        "sys.exit(3 if n == 10 else 1)\n",
        encoding="utf-8",
    )
    caplog.set_level("INFO")
    assert Supervisor([sys.executable, str(script), str(tmp_path / "starts")], policy).run() == 3
    waits = [float(line.split("again in ")[1].split()[0]) for line in caplog.messages if "starting it again" in line]
    assert waits == [0.0, 0.0, 0.0, 0.1, 0.1, 0.2, 0.4, 0.0, 0.0], caplog.messages


def test_sigterm_is_passed_to_the_kiosk_and_nothing_restarts(tmp_path: Path) -> None:
    code = (
        "import sys; from kiosk.ops.supervisor import Supervisor; "
        f"raise SystemExit(Supervisor({child(tmp_path, 'wait')!r}).run())"
    )
    supervisor = subprocess.Popen([sys.executable, "-c", code])
    try:
        wait_for_first_start(tmp_path)
        supervisor.send_signal(signal.SIGTERM)
        assert supervisor.wait(timeout=30) == 0
    finally:
        stop(supervisor)
    lines = starts(tmp_path)
    assert lines[1:] == [f"term {int(signal.SIGTERM)}"], lines


@pytest.mark.skipif(sys.platform != "linux", reason="the parent-death signal is Linux's prctl")
def test_a_killed_supervisor_takes_its_kiosk_with_it(tmp_path: Path) -> None:
    """Otherwise the task that restarts the supervisor would find two kiosks on the screen."""
    code = (
        "import sys; from kiosk.ops.supervisor import Supervisor; "
        f"raise SystemExit(Supervisor({child(tmp_path, 'wait')!r}).run())"
    )
    supervisor = subprocess.Popen([sys.executable, "-c", code])
    try:
        wait_for_first_start(tmp_path)
        supervisor.kill()
        supervisor.wait(timeout=10)
        deadline = time.monotonic() + 10
        while len(starts(tmp_path)) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop(supervisor)
    assert starts(tmp_path)[1:] == [f"term {int(signal.SIGTERM)}"]


def wait_for_first_start(tmp_path: Path) -> None:
    deadline = time.monotonic() + 30
    while not starts(tmp_path) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)  # let the child install its SIGTERM handler


def stop(supervisor: subprocess.Popen[bytes]) -> None:
    """After a failed assertion too: SIGTERM first, so the supervisor stops its kiosk instead of orphaning it."""
    if supervisor.poll() is None:
        supervisor.terminate()
        try:
            supervisor.wait(timeout=30)
        except subprocess.TimeoutExpired:
            supervisor.kill()
            supervisor.wait()


def test_supervise_without_a_verb_explains_itself(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["supervise"]) == 2
    assert "like `kiosk supervise run`" in capsys.readouterr().err
    assert main(["supervise", "--", "content"]) == 2


def test_a_killed_kiosk_is_back_on_the_attract_screen(tmp_path: Path) -> None:
    """`kiosk supervise run` brings a kiosk killed mid-day back by itself. How fast (the 5 s promise) is printed
    here and measured by the docs' figures, not asserted: a loaded CI machine is no clock."""
    config, env = kiosk_install(tmp_path)
    with notify_socket(tmp_path) as listener:
        env["NOTIFY_SOCKET"] = str(listener.path)  # each kiosk the supervisor starts says READY=1 here
        supervisor = subprocess.Popen([*KIOSK, "--config", str(config), "supervise", "run", "--windowed"], env=env)
        try:
            first = listener.wait_for("READY", timeout=90)  # the first start creates the database
            assert first.pid != supervisor.pid
            killed = time.monotonic()
            subprocess.run(["kill", "-KILL", str(first.pid)], check=True)
            again = listener.wait_for("READY", timeout=30)
            seconds = time.monotonic() - killed
            print(f"\nkiosk killed with SIGKILL; a new kiosk (process {again.pid}) was ready after {seconds:.2f} s")
            assert again.pid not in (first.pid, supervisor.pid)
            supervisor.send_signal(signal.SIGTERM)
            assert supervisor.wait(timeout=30) == 0
        finally:
            stop(supervisor)


# Stands in for the out-of-service screen: notes its start and its SIGTERM in a file.
SCREEN = """
import os, signal, sys, time
from pathlib import Path
notes = Path(sys.argv[1])
notes.open("a").write(f"shown {os.getpid()}\\n")
def on_term(signum, frame):
    notes.open("a").write("closed\\n")
    sys.exit(0)
signal.signal(signal.SIGTERM, on_term)
while True:
    time.sleep(0.1)
"""


def test_a_crash_loop_shows_the_out_of_service_screen_until_a_kiosk_is_ready(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    screen = tmp_path / "screen.py"
    screen.write_text(SCREEN, encoding="utf-8")
    notes = tmp_path / "screen-notes"
    script = tmp_path / "kiosk.py"
    # Starts 1-4 fail at once (the 4th is followed by the first back-off); start 5 gets ready, then quits.
    script.write_text(
        "import os, sys, time\nfrom pathlib import Path\n"
        "p = Path(sys.argv[1]); n = len(p.read_text().splitlines()) + 1 if p.exists() else 1\n"
        "p.open('a').write('x\\n')\n"
        "if n < 5: sys.exit(1)\n"
        "time.sleep(0.5); Path(os.environ['KIOSK_HEARTBEAT_FILE']).touch(); time.sleep(1); sys.exit(3)\n",
        encoding="utf-8",
    )
    caplog.set_level("INFO")
    policy = RestartPolicy(first_delay=0.01, first_step=0.3)
    supervisor = Supervisor(
        [sys.executable, str(script), str(tmp_path / "starts")],
        policy,
        out_of_service_command=[sys.executable, str(screen), str(notes)],
    )
    assert supervisor.run() == 3
    assert notes.read_text().splitlines()[1:] == ["closed"]  # shown once, closed once
    messages = caplog.messages
    shown = next(i for i, m in enumerate(messages) if "showing patients the out-of-service screen" in m)
    closed = next(i for i, m in enumerate(messages) if "the out-of-service screen is closed" in m)
    assert sum("the kiosk ended" in m for m in messages[:shown]) == 4
    assert shown < closed < next(i for i, m in enumerate(messages) if "not restarting it" in m)
