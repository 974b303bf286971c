"""Where the bundled resources and migrations live: installed, in a checkout, or in the PyInstaller bundle."""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _frozen_root() -> Path | None:
    # The PyInstaller bundle unpacks its data files (resources/, db/) into sys._MEIPASS, the bundle's _internal folder.
    if getattr(sys, "frozen", False) and hasattr(sys, "_MEIPASS"):
        return Path(sys._MEIPASS)
    return None


@cache
def _root_for(name: str) -> Path:
    # A wheel carries the folders under kiosk/_bundled; an editable install or a
    # checkout has them beside the package.
    candidates = [_PACKAGE / "_bundled" / name, _PACKAGE.parent / name]
    frozen = _frozen_root()
    if frozen is not None:
        candidates.insert(0, frozen / name)
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"The kiosk's {name} folder is missing; reinstall the kiosk.")


def resources_dir() -> Path:
    return _root_for("resources")


def migrations_dir() -> Path:
    return _root_for("db")


def bundled_content_dir() -> Path:
    return resources_dir() / "content"
