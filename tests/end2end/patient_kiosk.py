"""A patient at a real `kiosk run`, in its own process: sends one follow-up that reports a warning sign.

Run as `python -m tests.end2end.patient_kiosk CONFIG`. It starts the kiosk exactly as `kiosk run --windowed`
does (off-screen when there is no display) and, once the kiosk's database is open, taps through the
follow-up form with the bench's made-up answers plus "yes" to the gravest warning sign, through the real
widgets and Qt's own event delivery. It prints `CONFIRMED <code> urgent=<True|False>` when the patient sees
the confirmation, then keeps running like a kiosk (forwarding its outbox) until it is stopped.

Until the screen-reader walk drives the kiosk from outside (over AT-SPI), this is the patient's side of the
two-process urgent-loop test: the process, its database, its outbox and its timers are the real ones.
"""

from __future__ import annotations

import sys
import time

from kiosk.qt import QApplication, QTimer

from kiosk.bench.form_fill import send
from kiosk.bench.loop import Steps, Wait
from kiosk.bench.patients import Patients
from kiosk.domain.red_flags import YES, red_flag_key
from kiosk.domain.requests import RedFlag, RequestKind
from kiosk.ui.window import KioskWindow

POLL_MS = 20
LIMIT_S = 120.0


def urgent_answers() -> dict[str, object]:
    answers = Patients(seed=16).answers(RequestKind.FOLLOW_UP)
    answers[red_flag_key(RedFlag.BLADDER_OR_BOWEL_CHANGES)] = YES
    return answers


def _kiosk_window() -> KioskWindow | None:
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, KioskWindow) and widget.context.database is not None:
            return widget
    return None


def _patient() -> Steps:
    yield lambda: _kiosk_window() is not None
    window = _kiosk_window()
    assert window is not None
    yield from send(window, RequestKind.FOLLOW_UP, urgent_answers())
    receipt = window.confirmation.receipt
    assert receipt is not None
    print(f"CONFIRMED {receipt.reference} urgent={receipt.urgent}", flush=True)


def _drive(steps: Steps) -> None:
    began = time.monotonic()

    def resume(wait: Wait) -> None:
        if time.monotonic() - began > LIMIT_S:
            print("FAILED the patient waited too long", flush=True)
            return
        if wait is not None and not wait():
            QTimer.singleShot(POLL_MS, lambda: resume(wait))
            return
        try:
            following = next(steps)
        except StopIteration:
            return
        except Exception as exc:  # the test reads this line; the kiosk itself keeps running
            print(f"FAILED {type(exc).__name__}: {exc}", flush=True)
            return
        QTimer.singleShot(POLL_MS, lambda: resume(following))

    resume(None)


def main(config: str) -> int:
    import kiosk.ui.app as app_module
    from kiosk.cli.main import main as kiosk_main

    made = app_module.application

    def application() -> QApplication:
        app = made()
        QTimer.singleShot(0, lambda: _drive(_patient()))  # runs once `kiosk run` enters its event loop
        return app

    app_module.application = application
    return kiosk_main(["--config", config, "run", "--windowed"])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
