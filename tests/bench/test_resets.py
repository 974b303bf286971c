"""A hundred visits leave nothing behind: widgets, form fields, sessions and connections come back to their start.

Counted, not timed: the memory-growth figure of `kiosk bench` depends on exactly this.
"""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy.orm import Session

import shiboken6
from kiosk.qt import QApplication, QColor, QImage, QRegularExpressionValidator, QVBoxLayout, QWidget

from kiosk.bench import loop
from kiosk.bench.form_fill import visit
from kiosk.bench.loop import Steps
from kiosk.bench.patients import Patients
from kiosk.content.catalog import load_catalog
from kiosk.domain.requests import RequestKind
from kiosk.ops.heap import c_heap, release_free_memory
from kiosk.services.navigation import ATTRACT, Route, Screen
from kiosk.services.startup import KioskContext
from kiosk.ui.app import build_window
from kiosk.ui.forms.fields import FieldWidget
from kiosk.ui.widgets.buttons import TouchButton
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


# Found by `kiosk bench --soak` (its readings name the dead wrappers' types): a button's words ask Qt for their style
# to re-polish when the button's tone changes (checked, unchecked), and PySide keeps the wrapper of that style under
# the words' own wrapper. When the style sheet's style goes (its screen rebuilt) the wrapper stays, dead, for as
# long as the button lives: one per long-lived label whose tone ever changed (keys, the text-size buttons).
TONES = 'QLabel#ButtonText[tone="light"] { color: #ffffff; }\nQLabel#ButtonText[tone="dark"] { color: #000000; }'


def test_a_button_checked_on_screens_built_again_leaves_no_wrapper_of_a_deleted_style(qtbot: QtBot) -> None:
    buttons = [TouchButton() for _ in range(4)]
    for button in buttons:
        qtbot.addWidget(button)
        button.setCheckable(True)
    dead = _dead_wrappers()
    for round_number in range(3):
        # Each button on a screen of its own with its own style sheet, as a rebuilt screen has, then the screens go.
        screens = []
        for button in buttons:
            screen = QWidget()
            screen.setStyleSheet(TONES)
            QVBoxLayout(screen).addWidget(button)
            screen.show()
            screens.append(screen)
        QApplication.processEvents()
        checked = round_number % 2 == 0
        for button in buttons:
            button.setChecked(checked)
        # The words take the tone's colour (light on a checked button): the re-polish did its job.
        expected = QColor("#ffffff" if checked else "#000000")
        assert all(button.label.palette().color(button.label.foregroundRole()) == expected for button in buttons)
        for button, screen in zip(buttons, screens, strict=True):
            button.setParent(None)
            screen.deleteLater()
        del screens, screen
        _settle(qtbot)
    assert _dead_wrappers() <= dead


# The booklet's cards: a page that links to one or two others shows a card with the other's drawing, kept per button;
# a page with no links deletes its card buttons. The pictures' dictionary kept the deleted buttons (and their words
# and drawings) as keys, and the next linking page made new buttons: a few dead wrappers for every such pair of pages.
LINKED = """+++
id = "rfa"
title = "Radiofrequency ablation"
kind = "procedure"
reviewed = 2026-11-02

[[links]]
section = 1
heading = "Who it can help"
pages = ["sacroiliitis"]
+++
## What it is

Heat quiets the small nerves.
"""
WITH_DRAWING = """+++
id = "sacroiliitis"
title = "Sacroiliitis"
kind = "condition"
reviewed = 2026-11-02
image = "images/joints.png"
image_alt = "The two joints, low in the back"
+++
## What it means

The joints are swollen.
"""
UNLINKED = """+++
id = "injection"
title = "Injection"
kind = "procedure"
reviewed = 2026-11-02
+++
## What it is

A shot of medicine.
"""


def test_pages_with_and_without_a_card_in_turn_leave_no_wrapper_of_a_deleted_card(
    qtbot: QtBot, context: KioskContext, tmp_path: Path
) -> None:
    folder = tmp_path / "content"
    for language in ("en", "es", "vi"):
        (folder / language / "images").mkdir(parents=True)
        for name, text in (("rfa", LINKED), ("sacroiliitis", WITH_DRAWING), ("injection", UNLINKED)):
            (folder / language / f"{name}.md").write_text(text, encoding="utf-8")
        drawing = QImage(300, 150, QImage.Format.Format_RGB32)
        drawing.fill(QColor("darkred"))
        assert drawing.save(str(folder / language / "images" / "joints.png"))
    context.catalog = load_catalog(folder, ("en", "es", "vi"), "en")
    window = build_window(context, 1280, 800)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    page = window.info_page

    def linked_then_unlinked() -> None:
        window.go(Route(Screen.PROCEDURE, "rfa", 0))
        _settle(qtbot)
        # The patient sees the card to the linked page, with its drawing.
        assert [button.objectName() for button in page.related_buttons if button.isVisible()] == [
            "related-sacroiliitis"
        ]
        window.go(Route(Screen.PROCEDURE, "injection", 0))
        _settle(qtbot)
        assert not any(button.isVisible() for button in page.related_buttons)

    linked_then_unlinked()
    dead = _dead_wrappers()
    for _ in range(5):
        linked_then_unlinked()
    assert _dead_wrappers() <= dead


# Found by heaptrack on a soak slice (issue 22): the top bar is fitted each time it shows (a tap off the attract loop,
# every new text size or language), trying its plans of rows in turn, and each try emptied the rows with takeAt(),
# which hands the layout's item to the caller; PySide does not delete it, so every widget and stretch of every try
# left its item behind in the C heap: the soak's resident-memory creep (~1.6 KiB a visit with the look unchanged).
FITS = 300
FIT_GROWTH_KIB = 64  # measured: 324 KiB over 300 narrow-and-wide fits before the fix, 0 KiB after


def test_fitting_the_top_bar_again_and_again_leaves_no_layout_items_in_memory(window: KioskWindow) -> None:
    bar = window.top_bar
    window.go(Route(Screen.HOME))
    QApplication.processEvents()
    narrow, wide = 700, window.width()  # a narrow fit tries every plan: the most rows to rebuild
    bar.fit(narrow)
    bar.fit(wide)
    plan = bar.plan
    shown = [control.accessibleName() for control in bar.reading_order() if control.isVisibleTo(bar)]
    if c_heap() is None:
        pytest.skip("glibc's mallinfo2 only")
    release_free_memory()
    before = c_heap()
    for _ in range(FITS):
        bar.fit(narrow)
        bar.fit(wide)
        QApplication.processEvents()  # what each fit posts (a widget shown in its new row) is handled, as in the kiosk
    release_free_memory()
    after = c_heap()
    assert before is not None and after is not None
    # The patient still sees the same controls of the bar, in the rows the wide screen fits.
    assert bar.plan == plan
    assert [control.accessibleName() for control in bar.reading_order() if control.isVisibleTo(bar)] == shown
    assert len(shown) >= 5
    assert after.in_use_kib - before.in_use_kib <= FIT_GROWTH_KIB, f"{after.in_use_kib - before.in_use_kib} KiB"
