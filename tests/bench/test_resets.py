"""A hundred visits leave nothing behind: widgets, form fields, sessions and connections come back to their start.

Counted, not timed: the memory-growth figure of `kiosk bench` depends on exactly this.
"""

from __future__ import annotations

import gc

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy.orm import Session

import shiboken6
from kiosk.qt import QApplication, QRegularExpressionValidator

from kiosk.bench import loop
from kiosk.bench.form_fill import visit
from kiosk.bench.loop import Steps
from kiosk.bench.patients import Patients
from kiosk.domain.requests import RequestKind
from kiosk.services.navigation import ATTRACT
from kiosk.services.startup import KioskContext
from kiosk.ui.forms.fields import FieldWidget
from kiosk.ui.widgets.markdown_view import MarkdownView
from kiosk.ui.window import KioskWindow

VISITS = 100


def _live(kind: type) -> int:
    gc.collect()
    return sum(1 for thing in gc.get_objects() if isinstance(thing, kind))


def _dead_wrappers() -> int:
    """Python wrappers still held for Qt objects already deleted: each keeps its memory for as long as the kiosk runs.

    Walking Qt's Tab chain left one behind for each of Qt's own inner widgets it passed, visit after visit.
    """
    gc.collect()
    return sum(1 for thing in gc.get_objects() if isinstance(thing, shiboken6.Object) and not shiboken6.isValid(thing))


def _settle(qtbot: QtBot) -> None:
    for _ in range(3):
        qtbot.wait(1)  # deleteLater() runs in the event loop
    QApplication.processEvents()


@pytest.mark.slow  # a hundred whole visits, each sending a request: half a minute on two cores
def test_a_hundred_visits_with_a_request_each_leave_no_widget_field_or_session_behind(
    qtbot: QtBot, window: KioskWindow, context: KioskContext
) -> None:
    assert context.database is not None
    patients = Patients(seed=2)

    def visits(count: int) -> Steps:
        for _ in range(count):
            yield from visit(window, patients.answers(RequestKind.APPOINTMENT))

    loop.run(visits(1))  # every screen built once
    _settle(qtbot)
    widgets, fields, sessions = len(QApplication.allWidgets()), _live(FieldWidget), _live(Session)
    validators = _live(QRegularExpressionValidator)
    dead = _dead_wrappers()

    loop.run(visits(VISITS))  # from the application's event loop, as taps arrive in a running kiosk
    _settle(qtbot)

    assert window.navigator.current == ATTRACT
    # No growth. (Fewer is no leak: in a whole-suite run an earlier test's widget may be deleted meanwhile.)
    assert len(QApplication.allWidgets()) <= widgets
    # The form's fields go with the visit: none left in this window, and none alive on the Python side
    # beyond what was there before (earlier tests in the same process may still hold their own).
    assert window.findChildren(FieldWidget) == []
    assert _live(FieldWidget) == fields
    assert _live(QRegularExpressionValidator) == validators  # the date boxes' digit checks go with their fields
    assert _live(Session) == sessions
    assert _dead_wrappers() <= dead  # the last visit's review may hold as many as the first one's did
    assert context.database.engine.pool.checkedout() == 0  # type: ignore[attr-defined]


# Found by `kiosk bench --soak` (docs/performance.md): the view asked for the document's root frame after each
# setHtml, and PySide kept a wrapper of every replaced frame; the picture's room is now a line's height instead.
def test_a_page_rendered_again_and_again_leaves_no_wrapper_of_a_deleted_frame(qtbot: QtBot) -> None:
    view = MarkdownView()
    qtbot.addWidget(view)
    view.set_markdown("# Heading\n\nWords to read.", "Page", "Scroll")
    dead = _dead_wrappers()
    for _ in range(10):  # what ten changes of language, text size or theme do to a page on show
        view.set_markdown("# Heading\n\nWords to read.", "Page", "Scroll")
    _settle(qtbot)
    assert _dead_wrappers() <= dead
