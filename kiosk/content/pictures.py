"""Where a page's picture is on disk, and its high-contrast twin: the one rule every screen that shows one uses.

The paths are kept once worked out. Python interns each part of every path it builds (pathlib), and every time a
path built for one render is dropped, its file name leaves the interned-strings table and the next render puts
it back, taking a fresh slot. The attract slides and the pages did that about once a tap; after some 35,000 taps
the table ran out of slots and was rebuilt at twice its size (3.8 MB, once), the step in the month-long soak's
Python heap (docs/performance.md). Kept, the few paths of a clinic's content keep their names in the table, and a
slide no longer asks the file system to resolve the same name again at every showing.
"""

from __future__ import annotations

import functools
from pathlib import Path

# Far more pictures than a clinic's content has (the bundled pages have six, with their twins); bounded all the
# same, as content can be edited while the kiosk runs.
PATHS_KEPT = 512
CONTRAST_SUFFIX = "-hc"  # "drawing.svg" -> "drawing-hc.svg": light lines on black, for the high-contrast look


@functools.lru_cache(maxsize=PATHS_KEPT)
def resolve_image(page_path: Path, target: str) -> Path:
    """Images are named relative to the page's own file (`../images/x.png` for one all languages share),
    never to the folder the kiosk was started in."""
    return (page_path.parent / target).resolve()


@functools.lru_cache(maxsize=PATHS_KEPT)
def _contrast_twin(path: Path) -> Path:
    return path.with_name(f"{path.stem}{CONTRAST_SUFFIX}{path.suffix}")


def for_the_look(path: Path, *, dark: bool) -> Path:
    """On a dark (high-contrast) page, the picture's "-hc" twin when the author made one; else the picture."""
    if not dark:
        return path
    twin = _contrast_twin(path)
    return twin if twin.is_file() else path  # asked each time: an author may add a twin while the kiosk runs


def forget_resolved() -> None:
    """After the content is reloaded: a folder may have been moved or linked elsewhere since."""
    resolve_image.cache_clear()
    _contrast_twin.cache_clear()
