"""The child side of the start-up and idle figures: `python -m kiosk.bench.probe start|idle SECONDS -- KIOSK ARGS`.

It runs the real `kiosk run` (kiosk.cli.main, so every import and start-up step counts) and watches for
the first paint of the attract screen from outside, through the application's event filter, so nothing
in the kiosk changes for the bench. It prints `painted` once that frame is on screen. The kiosk opens its
database and builds its other screens after that frame, so peak memory is read once start-up is over: when
the kiosk tells its service manager it is ready (`peak <KiB or ->`). Then it either quits (`start`) or, once
start-up's one-time work is over (SETTLE_S), stays on the attract loop for SECONDS and prints `cpu <seconds>`
(`idle`).

The probe itself never imports Qt: the kiosk loads it when it chooses, and what is imported before or after
PySide6 changes what start-up costs (PySide6's import hook runs for every later import). The probe joins in
only when the kiosk imports kiosk.ui.app, which brings Qt with it.
"""

from __future__ import annotations

import importlib.util
import sys
import time
from collections.abc import Callable, Sequence
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import TYPE_CHECKING, Any

from kiosk.bench.memory import peak_kib
from kiosk.qt_filters import teardown_safe

if TYPE_CHECKING:
    from kiosk.qt import QApplication

PAINTED = "painted"
PEAK = "peak"
CPU = "cpu"
# Idle CPU is measured from SETTLE_S after READY: start-up's one-time work is over by then (read-aloud's speech
# engine is made two seconds after READY and takes 1.6-2.7 s to list its voices), and the attract loop is what
# remains for the months the kiosk runs. The bare window waits as long before it is measured.
SETTLE_S = 10.0
READY_TIMEOUT_MS = 60_000  # a kiosk that never says ready reports its peak then, rather than hanging the bench
WATCHED_MODULE = "kiosk.ui.app"  # `kiosk run` creates its QApplication through its application()


def say(*words: object) -> None:
    print(*words, flush=True)


def _app() -> QApplication:
    from kiosk.qt import QApplication

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    return app


def _first_attract_paint(then: Callable[[], None]) -> Any:
    """An event filter that calls `then` once, after the first paint of the attract screen has been handled."""
    from kiosk.qt import QEvent, QObject, QTimer

    class FirstAttractPaint(QObject):
        seen = False

        @teardown_safe
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
            if not self.seen and event.type() == QEvent.Type.Paint and type(watched).__name__ == "AttractScreen":
                self.seen = True
                QTimer.singleShot(0, then)  # runs once this paint and its flush are done
            return False

    return FirstAttractPaint()


class _WhenImported:
    """Calls `then(module)` right after `name` is first imported, before anything uses it.

    A finder on sys.meta_path (importlib.abc.MetaPathFinder's protocol, without importing importlib.abc, which
    would load importlib.resources earlier than the kiosk itself does).
    """

    def __init__(self, name: str, then: Callable[[ModuleType], None]) -> None:
        self._name = name
        self._then = then

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if fullname != self._name:
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(fullname)
        assert spec is not None and spec.loader is not None
        loader = spec.loader
        execute = loader.exec_module

        def exec_module(module: ModuleType) -> None:
            execute(module)
            self._then(module)

        loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


watcher: Any = None
mode = "start"
seconds = 0.0
_started = False


def painted() -> None:
    from kiosk.qt import QTimer

    app = _app()
    app.removeEventFilter(watcher)
    say(PAINTED)
    QTimer.singleShot(READY_TIMEOUT_MS, app, started)


def started() -> None:
    """Start-up is over (READY, or the time-out): the peak so far is the start-up's; then quit or idle."""
    global _started
    if _started:
        return
    _started = True
    from kiosk.qt import QTimer

    app = _app()
    peak = peak_kib()
    say(PEAK, "-" if peak is None else peak)
    if mode == "start":
        app.quit()
        return

    def measure() -> None:
        cpu_before = time.process_time()  # every thread of this process

        def done() -> None:
            say(CPU, f"{time.process_time() - cpu_before:.6f}")
            app.quit()

        QTimer.singleShot(int(seconds * 1000), done)

    QTimer.singleShot(int(SETTLE_S * 1000), measure)


def _watch_application(ui_app: ModuleType) -> None:
    make_application: Callable[[], QApplication] = ui_app.application

    def application() -> QApplication:
        # `kiosk run` creates the application through this function; the watcher joins as soon as it exists.
        global watcher
        created = make_application()
        watcher = _first_attract_paint(painted)
        created.installEventFilter(watcher)
        return created

    ui_app.application = application  # type: ignore[attr-defined]  # the one hook the bench needs


def main(argv: list[str]) -> int:
    global mode, seconds
    mode, seconds, kiosk_args = argv[0], float(argv[1]), argv[argv.index("--") + 1 :]
    from kiosk.ops.watchdog import ServiceWatchdog

    say_ready = ServiceWatchdog.ready

    def ready(self: ServiceWatchdog) -> None:
        from kiosk.qt import QTimer

        say_ready(self)
        QTimer.singleShot(0, started)  # READY goes out once the database is open and every screen is built

    ServiceWatchdog.ready = ready  # type: ignore[method-assign]
    sys.meta_path.insert(0, _WhenImported(WATCHED_MODULE, _watch_application))
    from kiosk.cli.main import main as kiosk_main

    return kiosk_main(kiosk_args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
