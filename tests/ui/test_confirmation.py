"""A routine request's confirmation: a success mark, thanks, when the clinic will be in touch, and the code."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from kiosk.services.navigation import Route, Screen
from kiosk.services.requests import Receipt
from kiosk.services.startup import load_context
from kiosk.ui.app import build_window
from kiosk.ui.presentation import TextSize, ThemeName
from kiosk.ui.window import KioskWindow
from tests.ui.conftest import ORIENTATIONS, MakeWindow
from tests.ui.helpers import clipped_labels, really_visible, visible_texts

WITHIN_ONE_DAY = {
    "en": "We will contact you within one business day.",
    "es": "Nos comunicaremos con usted en un plazo de un día hábil.",
    "vi": "Chúng tôi sẽ liên lạc với quý vị trong vòng một ngày làm việc.",
}


def sent(qtbot: QtBot, window: KioskWindow) -> None:
    window.go(Route(Screen.HOME))
    window.show_receipt(Receipt("K7M2QX", urgent=False, created_at=dt.datetime.now(dt.UTC)))
    qtbot.wait(1)  # let layouts settle, as a real paint would


@pytest.mark.parametrize("language", sorted(WITHIN_ONE_DAY))
@pytest.mark.parametrize("orientation", sorted(ORIENTATIONS))
def test_it_shows_a_named_success_mark_and_says_when_the_clinic_will_call(
    qtbot: QtBot, make_window: MakeWindow, language: str, orientation: str
) -> None:
    window = make_window(ORIENTATIONS[orientation], language)
    window.presentation.set_text_size(TextSize.EXTRA_LARGE)
    window.presentation.set_theme(ThemeName.HIGH_CONTRAST)
    sent(qtbot, window)
    screen = window.confirmation

    assert really_visible(screen.sent_mark) and not screen.sent_mark.pixmap().isNull()
    assert screen.sent_mark.accessibleName() == window.texts.t("confirm.success")
    shown = list(visible_texts(screen).values())
    assert WITHIN_ONE_DAY[language] in shown
    assert "K7M 2QX" in shown
    assert WITHIN_ONE_DAY[language] in screen.spoken_text()
    assert clipped_labels(screen) == []


def test_the_wait_follows_the_clinic_setting(qtbot: QtBot, write_settings: Any, migrated_copy: Any) -> None:
    from kiosk.config.locations import default_database_path

    migrated_copy(default_database_path())
    path: Path = write_settings("[clinic]\ncall_back_business_days = 2\n")
    context = load_context(str(path), open_database=True, kiosk=True)
    window = build_window(context, *ORIENTATIONS["landscape"])
    qtbot.add_widget(window)
    window.show()
    window.texts.set_language("es")
    sent(qtbot, window)
    assert "Nos comunicaremos con usted en un plazo de 2 días hábiles." in visible_texts(window.confirmation).values()
    window.close()
    context.close()
