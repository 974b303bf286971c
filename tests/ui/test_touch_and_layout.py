"""Every screen, both orientations: finger-sized controls with names, readable text, no clipping."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from kiosk.qt import QLabel, QPoint, QRect, QScrollArea, QScrollBar, QWidget

from kiosk.services.navigation import Route
from kiosk.services.startup import KioskContext, load_context
from kiosk.ui.presentation import Look, TextSize, ThemeName
from kiosk.ui.previews import IDLE_WARNING, open_screen, screen_names
from kiosk.ui.widgets.markdown_view import MarkdownView
from tests.ui.conftest import MakeWindow
from tests.ui.helpers import clipped_labels, interactive_widgets, really_visible

SIZES = {"landscape": (1920, 1080), "portrait": (1080, 1920), "tablet": (1280, 800)}
MIN_TARGET_PX = 64
MIN_BODY_PX = 28  # at 1080p


def _all_screen_names() -> list[str]:
    context = load_context(None, open_database=False)
    return screen_names(context)


def _scroll_area_of(widget: QWidget) -> QScrollArea | None:
    node = widget.parentWidget()
    while node is not None:
        if isinstance(node, QScrollArea):
            return node
        node = node.parentWidget()
    return None


def _rect_in_window(widget: QWidget, window: QWidget) -> QRect:
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


# Every text size in both orientations; the larger sizes with the languages whose words run longest; and the
# controls low (portrait screens only) with large text, the tightest fit there is.
LOOKS = [
    Look(TextSize.NORMAL),
    Look(TextSize.LARGE),
    Look(TextSize.EXTRA_LARGE),
    Look(TextSize.LARGE, low_position=True),
    Look(TextSize.EXTRA_LARGE, ThemeName.HIGH_CONTRAST, low_position=True),
]
LANGUAGES_FOR = {TextSize.NORMAL: ["en", "es", "vi"], TextSize.LARGE: ["es"], TextSize.EXTRA_LARGE: ["en", "es", "vi"]}


def _case_id(case: object) -> str:
    if isinstance(case, Look):
        return f"{case.text_size}{'-low' if case.low_position else ''}{'-hc' if case.theme != ThemeName.NORMAL else ''}"
    return str(case)


def _quick(language: str, look: Look) -> bool:
    """The quick lane (pytest -m "not slow") keeps English at normal size and the tightest fits: the largest text
    in the longer languages, also with the controls low; the full run checks every case."""
    return (language, look.text_size) == ("en", TextSize.NORMAL) or (
        language != "en" and look.text_size == TextSize.EXTRA_LARGE
    )


CASES = [
    pytest.param(
        language, look, id=f"{language}-{_case_id(look)}", marks=() if _quick(language, look) else pytest.mark.slow
    )
    for look in LOOKS
    for language in (LANGUAGES_FOR[look.text_size] if not look.low_position else ["es", "vi"])
]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(("language", "look"), CASES)
def test_every_screen_fits_and_every_control_is_a_named_finger_target(
    qtbot: QtBot, make_window: MakeWindow, context: KioskContext, size: str, language: str, look: Look
) -> None:
    if look.low_position and size != "portrait":
        pytest.skip("the controls go low on portrait screens only")
    window = make_window(SIZES[size], language=language)
    window.presentation.apply(look)
    problems: list[str] = []
    for name in screen_names(context):
        open_screen(window, name)
        qtbot.wait(20)  # let layouts settle, as the next frame (16 ms) would
        if (window.width(), window.height()) != SIZES[size]:
            problems.append(f"{name}: needs {window.width()}x{window.height()}, more than the screen")
        controls = interactive_widgets(window)
        assert controls, f"{name}: nothing to touch"
        for widget in controls:
            label = f"{name}: {type(widget).__name__} {widget.accessibleName()!r}"
            if widget.width() < MIN_TARGET_PX or widget.height() < MIN_TARGET_PX:
                problems.append(f"{label} is {widget.width()}x{widget.height()} px")
            if not widget.accessibleName().strip():
                problems.append(f"{label} has no accessible name")
            # Inside a scroll area a control may sit below the fold (it scrolls into view),
            # but never beside it: nothing scrolls sideways.
            area = _scroll_area_of(widget)
            rect = _rect_in_window(widget, window)
            if area is None and not window.rect().contains(rect):
                problems.append(f"{label} reaches outside the window")
            if area is not None and not isinstance(widget, QScrollBar):
                view = _rect_in_window(area.viewport(), window)
                if rect.left() < view.left() or rect.right() > view.right():
                    problems.append(f"{label} is cut off at the side")
        problems += [f"{name}: {clip}" for clip in clipped_labels(window)]
        window.idle_warning.hide()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("size", ["landscape", "portrait"])
def test_body_text_is_at_least_28_px_at_1080p(make_window: MakeWindow, size: str) -> None:
    window = make_window(SIZES[size])
    window.navigator.home()
    window.go(Route.parse("procedure/si-joint-injection"))
    text = window.findChild(MarkdownView)
    assert text is not None and really_visible(text)
    assert text.fontInfo().pixelSize() >= MIN_BODY_PX
    smallest = min(
        label.fontInfo().pixelSize()
        for label in window.findChildren(QLabel)
        if really_visible(label) and label.text() and label.property("role") != "note"
    )
    assert smallest >= MIN_BODY_PX


def test_screen_list_covers_every_page() -> None:
    names = _all_screen_names()
    assert {"attract", "home", "procedures", "appointment", "follow-up", IDLE_WARNING} <= set(names)
    assert "procedure/si-joint-injection" in names
    assert sum(name.startswith("condition/") and name.count("/") == 1 for name in names) == 6
