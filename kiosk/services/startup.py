"""Start-up in order, each step logged with its cost: settings, content, strings, database."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from kiosk.config.loader import load_settings
from kiosk.config.settings import Settings
from kiosk.content.catalog import ContentCatalog, load_catalog
from kiosk.i18n.strings import StringCatalog, available_languages
from kiosk.paths import bundled_content_dir
from kiosk.services.workstations import record_start
from kiosk.storage.database import Database, DatabaseError

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass
class KioskContext:
    """Everything a screen's services need, built once at start-up."""

    settings: Settings
    settings_path: Path | None
    catalog: ContentCatalog
    strings: StringCatalog
    database: Database | None = None

    def close(self) -> None:
        if self.database is not None:
            self.database.close()


def _timed(name: str, work: Callable[[], T]) -> T:
    started = time.perf_counter()
    result = work()
    log.info("start-up: %s done in %.0f ms", name, (time.perf_counter() - started) * 1000)
    return result


def content_folder(settings: Settings) -> Path:
    return settings.content.folder or bundled_content_dir()


def load_context(config: str | None = None, open_database: bool = True) -> KioskContext:
    """Raises SettingsError or DatabaseError with a sentence for the person starting it."""
    settings, path = _timed("settings", lambda: load_settings(config, available_languages()))
    languages = settings.languages
    catalog = _timed("content", lambda: load_catalog(content_folder(settings), languages.enabled, languages.default))
    for problem in catalog.errors:
        log.warning("content problem: %s", problem)
    strings = _timed("strings", lambda: StringCatalog.load(languages.enabled, languages.default))
    context = KioskContext(settings, path, catalog, strings)
    if open_database:
        context.database = _timed("database", lambda: open_database_at_head(settings))
    return context


def open_database_at_head(settings: Settings) -> Database:
    # Alembic is imported here, not at the top: only the kiosk itself migrates.
    from kiosk.storage.keys import open_configured_database
    from kiosk.storage.migrations import upgrade_to_head

    url = settings.database.resolved_url()
    # Encrypted SQLite with its key (made on a fresh machine), or PostgreSQL; raises DatabaseError with a sentence.
    database = open_configured_database(settings, create_if_missing=True)
    try:
        upgrade_to_head(database.engine)
        record_start(database, role="kiosk")
    except SQLAlchemyError as exc:
        database.close()
        shown = make_url(url).render_as_string(hide_password=True)
        log.error("database could not be opened", exc_info=True)
        cause = type(getattr(exc, "orig", None) or exc).__name__
        raise DatabaseError(
            f"The database {shown} could not be opened or updated ({cause}): "
            "check database.url, that the file or server is reachable, and the log for details."
        ) from exc
    return database
