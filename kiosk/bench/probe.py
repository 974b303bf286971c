"""The child side of the start-up and idle figures: `python -m kiosk.bench.probe start|idle SECONDS -- KIOSK ARGS`.

It runs the real `kiosk run` (kiosk.cli.main, so every import and start-up step counts) and watches for
the first paint of the attract screen from outside, through the application's event filter, so nothing
in the kiosk changes for the bench. It prints `painted` once that frame is on screen. The kiosk opens its
database and builds its other screens after that frame, so peak memory is read once start-up is over: when
the kiosk tells its service manager it is ready (`peak <KiB or ->`). Then it either quits (`start`) or stays
on the attract loop for SECONDS and prints `cpu <seconds>` (`idle`).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

from kiosk.qt import QApplication, QEvent, QObject, QTimer

from kiosk.bench.memory import peak_kib

PAINTED = "painted"
PEAK = "peak"
CPU = "cpu"
READY_TIMEOUT_MS = 60_000  # a kiosk that never says ready reports its peak then, rather than hanging the bench


def say(*words: object) -> None:
    print(*words, flush=True)


class FirstAttractPaint(QObject):
    """Calls `then` once, after the first paint of the attract screen has been handled."""

    def __init__(self, then: Callable[[], None]) -> None:
        super().__init__()
        self._then = then
        self._seen = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if not self._seen and event.type() == QEvent.Type.Paint and type(watched).__name__ == "AttractScreen":
            self._seen = True
            QTimer.singleShot(0, self._then)  # runs once this paint and its flush are done
        return False


def painted() -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    app.removeEventFilter(watcher)
    say(PAINTED)
    QTimer.singleShot(READY_TIMEOUT_MS, app, started)


_started = False


def started() -> None:
    """Start-up is over (READY, or the time-out): the peak so far is the start-up's; then quit or idle."""
    global _started
    if _started:
        return
    _started = True
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    peak = peak_kib()
    say(PEAK, "-" if peak is None else peak)
    if mode == "start":
        app.quit()
        return
    cpu_before = time.process_time()  # every thread of this process

    def done() -> None:
        say(CPU, f"{time.process_time() - cpu_before:.6f}")
        app.quit()

    QTimer.singleShot(int(seconds * 1000), done)


watcher: FirstAttractPaint
mode = "start"
seconds = 0.0


def main(argv: list[str]) -> int:
    global watcher, mode, seconds
    mode, seconds, kiosk_args = argv[0], float(argv[1]), argv[argv.index("--") + 1 :]
    from kiosk.cli.main import main as kiosk_main
    from kiosk.ops.watchdog import ServiceWatchdog
    from kiosk.ui import app as ui_app

    make_application = ui_app.application
    watcher = FirstAttractPaint(painted)
    say_ready = ServiceWatchdog.ready

    def ready(self: ServiceWatchdog) -> None:
        say_ready(self)
        QTimer.singleShot(0, started)  # READY goes out once the database is open and every screen is built

    ServiceWatchdog.ready = ready  # type: ignore[method-assign]

    def application() -> QApplication:
        # `kiosk run` creates the application through this function; the watcher joins as soon as it exists.
        created = make_application()
        created.installEventFilter(watcher)
        return created

    ui_app.application = application  # the one hook the bench needs
    return kiosk_main(kiosk_args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
