"""A coordinator's test kiosk shows a saved page without a restart."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.content.catalog import load_catalog
from kiosk.services.navigation import Route, Screen
from kiosk.services.startup import KioskContext
from kiosk.ui.app import build_window
from kiosk.ui.widgets.content_reload import ContentReloader

from .test_content_page import INJECTION, SACROILIITIS


def test_a_saved_page_shows_and_a_broken_one_is_logged_not_fatal(
    qtbot: QtBot, context: KioskContext, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "content"
    for language in ("en", "es", "vi"):
        (folder / language).mkdir(parents=True)
        (folder / language / "sacroiliitis.md").write_text(SACROILIITIS, encoding="utf-8")
        (folder / language / "si-joint-injection.md").write_text(INJECTION, encoding="utf-8")
    context.catalog = load_catalog(folder, ("en", "es", "vi"), "en")
    window = build_window(context, 1280, 800)
    qtbot.add_widget(window)
    window.show()
    window.go(Route(Screen.CONDITION, "sacroiliitis"))
    reloader = ContentReloader(context.catalog, window.texts)
    assert reloader.check() is False  # nothing saved yet

    page = folder / "en" / "sacroiliitis.md"
    page.write_text(SACROILIITIS.replace('title = "Sacroiliitis"', 'title = "Sacroiliitis (SI joint swelling)"'))
    assert reloader.check() is True

    assert window.info_page.title.text() == "Sacroiliitis (SI joint swelling)"

    page.write_text(SACROILIITIS.replace("## What it means", "##What it means <br>"), encoding="utf-8")
    reloader.reload()

    assert f"content problem: {page}:7: a heading needs a space after ##" in caplog.text
    assert f"content problem: {page}:7: the kiosk does not show HTML such as '<br>'" in caplog.text
    assert window.info_page.section_title.text() == "What it means"
