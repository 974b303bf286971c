"""The child side of the tap and memory-growth figures: `python -m kiosk.bench.session taps|growth N [M] --config F`.

Builds the kiosk window as `kiosk run` does (same settings, content and encrypted database), off-screen,
and prints one JSON object on its last line of output.
"""

from __future__ import annotations

import gc
import json
import sys

from kiosk.bench import loop
from kiosk.bench.form_fill import visit
from kiosk.bench.interaction import WARM_UP_SHARE
from kiosk.bench.loop import Steps
from kiosk.bench.memory import current_kib
from kiosk.bench.patients import Patients
from kiosk.bench.walk import BareStack, PatientWalk
from kiosk.domain.requests import RequestKind
from kiosk.services.startup import load_context
from kiosk.ui.app import application, build_window
from kiosk.ui.window import KioskWindow

WIDTH, HEIGHT = 1280, 800


def _resident_kib(into: list[int]) -> Steps:
    """A reading after a few passes of the loop, so what a reset let go is really gone."""
    for _ in range(3):
        yield None
    gc.collect()
    into.append(current_kib() or -1)


def _bare() -> BareStack:
    bare = BareStack()
    bare.resize(WIDTH, HEIGHT)
    bare.show()
    return bare


def taps(window: KioskWindow, count: int) -> dict[str, object]:
    bare = _bare()
    floor: list[float] = []
    loop.run(bare.taps(count, floor))
    bare.close()
    times: list[float] = []
    walk = PatientWalk(window, seed=3)
    loop.run(walk.taps(count, times))
    return {"kiosk": times, "bare": floor, "unchanged": walk.watch.unchanged}


def growth(window: KioskWindow, navigations: int, submissions: int) -> dict[str, int]:
    """RSS at the start, after a first-use warm-up and after the run: the bare stack flipping pages (the floor),
    then the kiosk."""
    readings: list[int] = []
    bare = _bare()

    def floor() -> Steps:
        yield from bare.taps(1, [])
        yield from _resident_kib(readings)
        yield from bare.taps(navigations // WARM_UP_SHARE, [])
        yield from _resident_kib(readings)
        yield from bare.taps(navigations, [])
        yield from _resident_kib(readings)

    loop.run(floor())
    bare.close()
    walk = PatientWalk(window, seed=5)
    patients = Patients(seed=5)

    def kiosk() -> Steps:
        yield from walk.taps(1, [])
        yield from visit(window, patients.answers(RequestKind.APPOINTMENT))  # every screen met before reading
        yield from _resident_kib(readings)
        yield from walk.taps(navigations // WARM_UP_SHARE, [])
        for _ in range(submissions // WARM_UP_SHARE):
            yield from visit(window, patients.answers(RequestKind.APPOINTMENT))
        yield from _resident_kib(readings)
        yield from walk.taps(navigations, [])
        for _ in range(submissions):
            yield from visit(window, patients.answers(RequestKind.APPOINTMENT))
        yield from _resident_kib(readings)

    loop.run(kiosk())
    bare_started, bare_before, bare_after, started, before, after = readings
    return {
        "started_kib": started,
        "before_kib": before,
        "after_kib": after,
        "bare_started_kib": bare_started,
        "bare_before_kib": bare_before,
        "bare_after_kib": bare_after,
    }


def main(argv: list[str]) -> int:
    mode, config = argv[0], argv[argv.index("--config") + 1]
    numbers = [int(word) for word in argv[1 : argv.index("--config")]]
    app = application()
    context = load_context(config, kiosk=True)
    window = build_window(context, WIDTH, HEIGHT)
    window.show()
    app.processEvents()
    try:
        result: object = taps(window, *numbers) if mode == "taps" else growth(window, *numbers)
    finally:
        window.close()
        context.close()
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
