"""The child side of the tap and memory-growth figures: `python -m kiosk.bench.session taps|growth N [M] --config F`.

Builds the kiosk window as `kiosk run` does (same settings, content and encrypted database), off-screen,
and prints one JSON object on its last line of output.
"""

from __future__ import annotations

import gc
import json
import sys

from kiosk.bench.form_fill import visit
from kiosk.bench.memory import current_kib
from kiosk.bench.patients import Patients
from kiosk.bench.walk import BareStack, PatientWalk, settle
from kiosk.domain.requests import RequestKind
from kiosk.services.startup import load_context
from kiosk.ui.app import application, build_window
from kiosk.ui.window import KioskWindow

WIDTH, HEIGHT = 1280, 800


def _settled_kib() -> int:
    gc.collect()
    for _ in range(3):
        settle()  # deleteLater() happens here
    kib = current_kib()
    return -1 if kib is None else kib


def taps(window: KioskWindow, count: int) -> dict[str, list[float]]:
    bare = BareStack()
    bare.resize(WIDTH, HEIGHT)
    bare.show()
    settle()
    floor = [bare.tap() for _ in range(count)]
    bare.close()
    walk = PatientWalk(window, seed=3)
    return {"kiosk": [walk.tap() for _ in range(count)], "bare": floor}


def growth(window: KioskWindow, navigations: int, submissions: int) -> dict[str, int]:
    """RSS before and after, first for the bare stack flipping pages (the floor), then for the kiosk."""
    bare = BareStack()
    bare.resize(WIDTH, HEIGHT)
    bare.show()
    bare.tap()
    bare_before = _settled_kib()
    for _ in range(navigations):
        bare.tap()
    bare_after = _settled_kib()
    bare.close()
    walk = PatientWalk(window, seed=5)
    patients = Patients(seed=5)
    walk.tap()
    visit(window, patients.answers(RequestKind.APPOINTMENT))  # every screen met once before the first reading
    before = _settled_kib()
    for _ in range(navigations):
        walk.tap()
    for _ in range(submissions):
        visit(window, patients.answers(RequestKind.APPOINTMENT))
    after = _settled_kib()
    return {"before_kib": before, "after_kib": after, "bare_before_kib": bare_before, "bare_after_kib": bare_after}


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
