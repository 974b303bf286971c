"""Run the bench's taps from the application's own event loop, one step per pass, as a person's taps arrive.

A step is a generator that yields what it waits for (a condition, or None for one pass of the loop). Between
steps control goes back to `app.exec()`, so Qt does everything it does for a real kiosk in between:
repaints, queued signals and deleteLater(). (processEvents() from outside the loop never runs deleteLater(),
and a bench driven that way reported a 200 MiB "leak" the kiosk does not have.)
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

from kiosk.qt import QApplication, QTimer

Wait = Callable[[], bool] | None
Steps = Iterator[Wait]
POLL_MS = 1
WAIT_LIMIT_S = 60.0


class StepFailed(Exception):  # noqa: N818 (says what happened)
    """A step raised, or waited longer than WAIT_LIMIT_S; the first error is kept."""


def run(steps: Steps) -> None:
    """Drive the steps from app.exec() and return when they are done (raising what a step raised)."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    failure: list[BaseException] = []

    def resume() -> None:
        try:
            wait = next(steps)
        except StopIteration:
            app.exit(0)
            return
        except Exception as exc:  # a slot must not raise into Qt: keep it, stop the loop, raise it below
            failure.append(exc)
            app.exit(0)
            return
        poll(wait, time.perf_counter())

    def poll(wait: Wait, since: float) -> None:
        if wait is None or wait():
            QTimer.singleShot(0, resume)
        elif time.perf_counter() - since > WAIT_LIMIT_S:
            failure.append(StepFailed(f"waited more than {WAIT_LIMIT_S:.0f} s"))
            app.exit(0)
        else:
            QTimer.singleShot(POLL_MS, lambda: poll(wait, since))

    QTimer.singleShot(0, resume)
    app.exec()  # left with exit(), not quit(): Qt 6's quit() closes every window first
    if failure:
        raise failure[0]
