"""The console lists the translations patients see that no clinician has checked yet, where both roles look."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from kiosk.qt import QLabel

from kiosk.config.settings import StaffSettings
from kiosk.domain.staff import Role
from kiosk.i18n.review import UnreviewedTranslation
from kiosk.paths import bundled_content_dir
from kiosk.services.accounts import AccountRules, create_account
from kiosk.services.startup import KioskContext, load_context
from kiosk.storage.database import Database
from kiosk.ui.console.context import ConsoleContext
from kiosk.ui.console.kiosks_view import ALL_REVIEWED, KiosksView
from kiosk.ui.console.window import ConsoleWindow
from tests.ui.console.conftest import ADMIN, ADMIN_PASSWORD, DESK, DESK_PASSWORD, SETUP, WORKSTATION, signed_in
from tests.ui.helpers import really_visible


@pytest.fixture
def kiosk_with_vietnamese(tmp_path: Path, write_settings: Any) -> Iterator[KioskContext]:
    """Vietnamese enabled, its pages machine-translated and flagged (here: copies of the English pages)."""
    content = tmp_path / "content"
    shutil.copytree(bundled_content_dir(), content)
    (content / "vi").mkdir(exist_ok=True)
    for page in (content / "en").glob("*.md"):
        text = page.read_text(encoding="utf-8")
        (content / "vi" / page.name).write_text(
            text.replace("+++\n", "+++\nneeds_clinical_review = true\n", 1), encoding="utf-8"
        )
    settings = write_settings(
        f'[languages]\nenabled = ["en", "es", "vi"]\n[content]\nfolder = "{content.as_posix()}"\n'
        f'[database]\nurl = "sqlite:///{(tmp_path / "kiosk.sqlite3").as_posix()}"\n'
    )
    context = load_context(str(settings), open_database=True, kiosk=True)
    assert context.database is not None
    rules = AccountRules.from_settings(StaffSettings())
    for username, role, password in ((ADMIN, Role.ADMIN, ADMIN_PASSWORD), (DESK, Role.RECEPTION, DESK_PASSWORD)):
        create_account(
            context.database,
            username=username,
            display_name=username.title(),
            role=role,
            password=password,
            rules=rules,
            by=SETUP,
        )
    yield context
    context.close()


@pytest.mark.parametrize(("username", "password"), [(DESK, DESK_PASSWORD), (ADMIN, ADMIN_PASSWORD)])
def test_reception_and_admin_see_which_translations_need_clinical_review(
    qtbot: QtBot, kiosk_with_vietnamese: KioskContext, username: str, password: str
) -> None:
    window = ConsoleWindow(ConsoleContext.from_kiosk(kiosk_with_vietnamese, WORKSTATION))
    qtbot.add_widget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.wait_exposed(window)
    workspace = signed_in(qtbot, window, username, password)

    workspace.show_tab("Kiosks")

    listing = workspace.kiosks.translations
    assert really_visible(listing)
    assert listing.text().splitlines() == [
        "⚠ Spanish: UI text needs clinical review before patients rely on it.",
        "⚠ Vietnamese: UI text and 12 pages need clinical review before patients rely on them.",
    ]
    shown = [label.text() for label in workspace.kiosks.findChildren(QLabel) if really_visible(label)]
    assert "Translations on the patient screens" in shown
    assert not any(text.startswith("⚠ English") for text in shown)
    workspace.close_down()
    window.idle_lock.close()


def test_with_nothing_flagged_the_tab_says_so_in_words(qtbot: QtBot, database: Database) -> None:
    view = KiosksView(database)
    qtbot.add_widget(view)
    view.show()

    assert view.translations.text() == f"✓ {ALL_REVIEWED}"
    assert view.translations.property("role") == "banner-ok"


def test_a_flagged_translation_is_shown_as_a_caution(qtbot: QtBot, database: Database) -> None:
    view = KiosksView(database, translations=(UnreviewedTranslation("es", False, ("nerve-block",)),))
    qtbot.add_widget(view)
    view.show()

    assert view.translations.text() == "⚠ Spanish: 1 page needs clinical review before patients rely on it."
    assert view.translations.property("role") == "banner-error"
