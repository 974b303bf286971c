"""Cold start, peak memory and idle CPU of `kiosk run`, each against a bare PySide6 window in its own process."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from dataclasses import dataclass

from kiosk.bench.figures import Figure, at_most, at_most_times, median, ms, skipped
from kiosk.bench.probe import CPU, PAINTED, PEAK
from kiosk.bench.workspace import Workspace

START_TIMES_FLOOR = 2
MEMORY_TIMES_FLOOR = 2.5
IDLE_LIMIT_PERCENT = 1
CHILD_TIMEOUT_S = 120

# The floor: nothing but PySide6 and one empty window, reporting its first paint the way the probe does.
# It is a string run with `python -c` so the floor imports none of the kiosk (and kiosk/qt.py stays the
# only kiosk module that names PySide6).
BARE_WINDOW = """
import sys, time
from pathlib import Path
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

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
app = QApplication(["bare"])

def painted():
    # A bare window is started once it has painted: its peak is read at once.
    print("painted", flush=True)
    print("peak", peak(), flush=True)
    if mode == "start":
        app.quit()
        return
    before = time.process_time()
    def done():
        print("cpu", f"{time.process_time() - before:.6f}", flush=True)
        app.quit()
    QTimer.singleShot(int(seconds * 1000), done)

class Watch(QObject):
    seen = False
    def eventFilter(self, watched, event):
        if not self.seen and event.type() == QEvent.Type.Paint and watched is window:
            self.seen = True
            QTimer.singleShot(0, painted)
        return False

watch = Watch()
app.installEventFilter(watch)
window = QWidget()
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


def _run(argv: list[str], workspace: Workspace, idle_seconds: float) -> ChildRun:
    # stderr goes to a file and stdout is read to its end from the same buffered reader: mixing readline()
    # with communicate() would lose lines the readline had already buffered (communicate reads the raw pipe).
    log_file = workspace.folder / "child-stderr.log"
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
        killer = threading.Timer(CHILD_TIMEOUT_S + idle_seconds, child.kill)  # a hung child cannot hang the bench
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


def bare_window(workspace: Workspace, mode: str = "start", idle_seconds: float = 0) -> ChildRun:
    return _run([sys.executable, "-c", BARE_WINDOW, mode, str(idle_seconds)], workspace, idle_seconds)


def kiosk(workspace: Workspace, mode: str = "start", idle_seconds: float = 0) -> ChildRun:
    settings = workspace.settings_file()
    argv = [sys.executable, "-m", "kiosk.bench.probe", mode, str(idle_seconds), "--"]
    return _run([*argv, "--config", str(settings), "run", "--windowed"], workspace, idle_seconds)


def measure_start(workspace: Workspace, runs: int) -> list[Figure]:
    workspace.settings_file()  # the database exists before the first start, as on an installed kiosk
    kiosk(workspace)  # once untimed: Python's bytecode cache is written, as after installing
    bare: list[ChildRun] = []
    ours: list[ChildRun] = []
    for _ in range(runs):  # taking turns, so a busy moment on the machine hits both alike
        bare.append(bare_window(workspace))
        ours.append(kiosk(workspace))
    figures = [
        at_most_times(
            f"cold start to first painted attract frame (median of {runs})",
            ms(median([run.seconds_to_paint for run in ours])),
            ms(median([run.seconds_to_paint for run in bare])),
            "ms",
            START_TIMES_FLOOR,
        )
    ]
    peaks = [run.peak_kib for run in ours]
    bare_peaks = [run.peak_kib for run in bare]
    name = f"peak memory once started (median of {runs})"
    if None in peaks or None in bare_peaks:
        figures.append(skipped(name, "MiB", f"<= {MEMORY_TIMES_FLOOR}x floor", "peak memory is read on Linux/macOS"))
    else:
        value = median([p / 1024 for p in peaks if p is not None])
        floor = median([p / 1024 for p in bare_peaks if p is not None])
        figures.append(at_most_times(name, value, floor, "MiB", MEMORY_TIMES_FLOOR))
    return figures


def measure_idle(workspace: Workspace, seconds: float) -> list[Figure]:
    bare = bare_window(workspace, "idle", seconds)
    ours = kiosk(workspace, "idle", seconds)
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
