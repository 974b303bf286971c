"""Reload the pages into a running kiosk when a content file is saved: for a coordinator's test kiosk.

A kiosk in the waiting room reads its pages once, at start (IT restarts it after an edit). A kiosk started for
editing can instead look at the content folder every few seconds and, when a file changed, read the folder
again and redraw: the coordinator saves a page and sees it on the screen beside them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from kiosk.qt import QObject, QTimer, Signal

from kiosk.content.catalog import ContentCatalog, load_catalog
from kiosk.content.pictures import forget_resolved
from kiosk.ui.texts import UiTexts
from kiosk.ui.widgets.drawing import forget_drawings

log = logging.getLogger(__name__)

# Looking at some forty files' times costs next to nothing; a saved page shows within this many milliseconds.
POLL_MS = 2000


def folder_stamp(folder: Path) -> dict[Path, float]:
    """When each file under the folder last changed; a different stamp means a file was saved or removed."""
    stamps: dict[Path, float] = {}
    try:
        for path in folder.rglob("*"):
            try:
                stamps[path] = path.stat().st_mtime
            except OSError:  # removed while looking
                continue
    except OSError:
        return {}
    return stamps


class ContentReloader(QObject):
    """Polls the content folder; on a change, reads it into the catalog the screens share and redraws them."""

    reloaded = Signal(int)  # the number of content errors now

    def __init__(
        self,
        catalog: ContentCatalog,
        texts: UiTexts,
        stamp: Callable[[Path], dict[Path, float]] = folder_stamp,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._catalog = catalog
        self._texts = texts
        self._stamp = stamp
        self._last = stamp(catalog.folder)
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self.check)

    def start(self) -> None:
        log.info("content: reloading pages from %s whenever a file there is saved", self._catalog.folder)
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def check(self) -> bool:
        """Reload if a file changed since the last look; True when it did."""
        now = self._stamp(self._catalog.folder)
        if now == self._last:
            return False
        self._last = now
        self.reload()
        return True

    def reload(self) -> None:
        catalog = self._catalog
        forget_resolved()  # the pictures' paths are worked out afresh, as the pages are
        forget_drawings()  # and drawn afresh: a picture may have been replaced under the same name
        fresh = load_catalog(catalog.folder, catalog.languages, catalog.default_language)
        # In place: every screen holds this same catalog object.
        catalog.pages = fresh.pages
        catalog.problems = fresh.problems
        catalog.unreadable = fresh.unreadable
        for problem in fresh.errors:
            log.warning("content problem: %s", problem)
        log.info("content: reloaded %d pages, %d problems", sum(map(len, fresh.pages.values())), len(fresh.errors))
        # The screens fill themselves again on this signal, as after a language change (the one shown at once).
        self._texts.language_changed.emit(self._texts.language)
        self.reloaded.emit(len(fresh.errors))
