"""Where the bundled resources and migrations live, installed or in a checkout."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def _root_for(name: str) -> Path:
    # A wheel carries the folders under kiosk/_bundled; an editable install or a
    # checkout has them beside the package.
    for candidate in (_PACKAGE / "_bundled" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"The kiosk's {name} folder is missing; reinstall the kiosk.")


def resources_dir() -> Path:
    return _root_for("resources")


def migrations_dir() -> Path:
    return _root_for("db")


def bundled_content_dir() -> Path:
    return resources_dir() / "content"
