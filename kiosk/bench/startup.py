"""Cold start, peak memory and idle CPU of `kiosk run`, each against a bare PySide6 window in its own process."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from kiosk.bench.figures import Figure, at_most, at_most_times, median, ms, reported, skipped
from kiosk.bench.probe import CPU, PAINTED, PEAK, SETTLE_S
from kiosk.bench.workspace import Workspace

START_TIMES_FLOOR = 2
MEMORY_TIMES_FLOOR = 2.5
IDLE_LIMIT_PERCENT = 1
CHILD_TIMEOUT_S = 120

# The third-party libraries `kiosk run` has loaded by its first frame, and by READY (tests/cli/test_run_startup.py
# holds both lists to what it really loads). Informative floors load them too: what the kiosk's own code costs
# is the gap between such a floor and the kiosk.
# `import pydantic` alone is lazy; markdown_it reads the content pages (the attract loop's slides are pages).
LIBRARIES_AT_FIRST_FRAME = ("pydantic.main", "pydantic.fields", "platformdirs", "markdown_it")
LIBRARIES_AT_READY = (*LIBRARIES_AT_FIRST_FRAME, "sqlalchemy.orm", "sqlcipher3", "phonenumbers", "email_validator")

# The floor: nothing but PySide6 and one empty window, reporting its first paint the way the probe does.
# It is a string run with `python -c` so the floor imports none of the kiosk (and kiosk/qt.py stays the
# only kiosk module that names PySide6). Given libraries (a comma-separated third argument), it imports
# them first and its window shows one line of text. They come before PySide6, so they escape its import hook;
# the kiosk imports the first-frame ones before Qt too, but SQLAlchemy and the rest after it, so part of the
# kiosk's own share at READY is that hook's cost on those imports.
BARE_WINDOW = """
import importlib, sys, time
from pathlib import Path
for name in filter(None, (sys.argv[3] if len(sys.argv) > 3 else "").split(",")):
    importlib.import_module(name)
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QWidget

def peak():
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return line.split()[1]
    except OSError:
        pass
    try:
        import resource
    except ImportError:
        return "-"
    largest = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return str(largest // 1024 if sys.platform == "darwin" else largest)

mode, seconds = sys.argv[1], float(sys.argv[2])
SETTLE_S = __SETTLE_S__
app = QApplication(["bare"])

def painted():
    # A bare window is started once it has painted: its peak is read at once.
    print("painted", flush=True)
    print("peak", peak(), flush=True)
    if mode == "start":
        app.quit()
        return
    def measure():
        before = time.process_time()
        def done():
            print("cpu", f"{time.process_time() - before:.6f}", flush=True)
            app.quit()
        QTimer.singleShot(int(seconds * 1000), done)
    QTimer.singleShot(int(SETTLE_S * 1000), measure)  # as the kiosk is measured: see kiosk.bench.probe

class Watch(QObject):
    seen = False
    def eventFilter(self, watched, event):
        if not self.seen and event.type() == QEvent.Type.Paint and watched is window:
            self.seen = True
            QTimer.singleShot(0, painted)
        return False

watch = Watch()
app.installEventFilter(watch)
window = QLabel("Touch the screen to begin") if len(sys.argv) > 3 else QWidget()
window.resize(1280, 800)
window.show()
sys.exit(app.exec())
"""


@dataclass(frozen=True)
class ChildRun:
    seconds_to_paint: float
    peak_kib: int | None
    idle_cpu_seconds: float | None


class ProbeError(Exception):
    """A child process did not report its first paint; the message has the end of its output."""


def _run(argv: list[str], workspace: Workspace, idle_seconds: float, log_name: str = "child-stderr.log") -> ChildRun:
    # stderr goes to a file and stdout is read to its end from the same buffered reader: mixing readline()
    # with communicate() would lose lines the readline had already buffered (communicate reads the raw pipe).
    log_file = workspace.folder / log_name
    with log_file.open("w+", encoding="utf-8") as errors_file:
        started = time.perf_counter()
        child = subprocess.Popen(
            argv,
            stdout=subprocess.PIPE,
            stderr=errors_file,
            text=True,
            env=workspace.child_environment(),
            cwd=workspace.folder,
        )
        assert child.stdout is not None
        # A hung child cannot hang the bench.
        killer = threading.Timer(CHILD_TIMEOUT_S + SETTLE_S + idle_seconds, child.kill)
        killer.start()
        try:
            first = child.stdout.readline()
            seconds = time.perf_counter() - started
            rest = child.stdout.read()
            child.wait()
        finally:
            killer.cancel()
        errors_file.seek(0)
        errors = errors_file.read()
    words = first.split()
    if child.returncode != 0 or words[:1] != [PAINTED]:
        tail = "\n".join((first + rest + errors).strip().splitlines()[-8:])
        raise ProbeError(f"{argv[1:3]} exited {child.returncode} without painting:\n{tail}")
    cpu = next((float(line.split()[1]) for line in rest.splitlines() if line.startswith(CPU + " ")), None)
    peak = next((line.split()[1] for line in rest.splitlines() if line.startswith(PEAK + " ")), "-")
    return ChildRun(seconds, None if peak == "-" else int(peak), cpu)


def bare_window(
    workspace: Workspace, mode: str = "start", idle_seconds: float = 0, libraries: tuple[str, ...] = ()
) -> ChildRun:
    extra = [",".join(libraries)] if libraries else []
    program = BARE_WINDOW.replace("__SETTLE_S__", repr(SETTLE_S))
    return _run(
        [sys.executable, "-c", program, mode, str(idle_seconds), *extra], workspace, idle_seconds, f"bare-{mode}.log"
    )


def kiosk(workspace: Workspace, mode: str = "start", idle_seconds: float = 0) -> ChildRun:
    settings = workspace.settings_file()
    argv = [sys.executable, "-m", "kiosk.bench.probe", mode, str(idle_seconds), "--"]
    return _run([*argv, "--config", str(settings), "run", "--windowed"], workspace, idle_seconds, f"kiosk-{mode}.log")


def measure_start(workspace: Workspace, runs: int) -> list[Figure]:
    workspace.settings_file()  # the database exists before the first start, as on an installed kiosk
    kiosk(workspace)  # once untimed: Python's bytecode cache is written, as after installing
    bare: list[ChildRun] = []
    ours: list[ChildRun] = []
    first_frame_floor: list[ChildRun] = []
    ready_floor: list[ChildRun] = []
    for _ in range(runs):  # taking turns, so a busy moment on the machine hits all alike
        bare.append(bare_window(workspace))
        ours.append(kiosk(workspace))
        first_frame_floor.append(bare_window(workspace, libraries=LIBRARIES_AT_FIRST_FRAME))
        ready_floor.append(bare_window(workspace, libraries=LIBRARIES_AT_READY))
    start = f"cold start to first painted attract frame (median of {runs})"
    kiosk_ms, bare_ms, libraries_ms = (
        ms(median([run.seconds_to_paint for run in r])) for r in (ours, bare, first_frame_floor)
    )
    figures = [
        at_most_times(start, kiosk_ms, bare_ms, "ms", START_TIMES_FLOOR),
        reported(
            f"{start}: its floor with the kiosk's libraries",
            libraries_ms,
            bare_ms,
            "ms",
            note=_libraries_note(LIBRARIES_AT_FIRST_FRAME, kiosk_ms - libraries_ms, "ms"),
        ),
    ]
    name = f"peak memory once started (median of {runs})"
    peaks = [[run.peak_kib for run in r] for r in (ours, bare, ready_floor)]
    if any(None in p for p in peaks):
        figures.append(skipped(name, "MiB", f"<= {MEMORY_TIMES_FLOOR}x floor", "peak memory is read on Linux/macOS"))
        return figures
    value, floor, libraries = (median([p / 1024 for p in r if p is not None]) for r in peaks)
    note = _libraries_note(LIBRARIES_AT_READY, value - libraries, "MiB")
    return [
        *figures,
        at_most_times(name, value, floor, "MiB", MEMORY_TIMES_FLOOR),
        reported(f"{name}: its floor with the kiosk's libraries", libraries, floor, "MiB", note),
    ]


def _libraries_note(libraries: tuple[str, ...], own: float, unit: str) -> str:
    return (
        f"a bare window that first imports {', '.join(libraries)} and shows one line of text; "
        f"the kiosk's own code, content and screens are the other {own:,.0f} {unit}"
    )


def measure_idle(workspace: Workspace, seconds: float) -> list[Figure]:
    # Side by side: each child reads only its own CPU time and both sit idle, so one SETTLE_S + `seconds`
    # instead of two (the kiosk's start-up work, such as its voices, is over before its reading starts).
    with ThreadPoolExecutor(2) as pool:
        bare_run = pool.submit(bare_window, workspace, "idle", seconds)
        ours_run = pool.submit(kiosk, workspace, "idle", seconds)
        bare, ours = bare_run.result(), ours_run.result()
    assert bare.idle_cpu_seconds is not None and ours.idle_cpu_seconds is not None
    return [
        at_most(
            f"idle CPU on the attract loop ({seconds:g} s)",
            100 * ours.idle_cpu_seconds / seconds,
            100 * bare.idle_cpu_seconds / seconds,
            "% of a core",
            IDLE_LIMIT_PERCENT,
        )
    ]
