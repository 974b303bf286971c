"""The About box: which kiosk, Qt, PySide6 and Python this console runs, for a support call, and its licence."""

from __future__ import annotations

import html
import importlib.metadata
import platform

from kiosk.qt import QMessageBox, QWidget, qVersion

from kiosk import __version__

PRODUCT_NAME = "Clinic kiosk: reception console"
# The GPL asks that a program showing such a notice says where the licence is: LICENSE and THIRD-PARTY-NOTICES.txt
# lie beside the program in the bundle (resources/deploy/pyinstaller/kiosk.spec puts them there).
LICENCE_LINE = (
    "Free software under the GNU GPL v3 or later, with no warranty; "
    "see LICENSE and THIRD-PARTY-NOTICES.txt in the kiosk's folder."
)


def _pyside_version() -> str:
    # The wheels are split (Essentials, Addons); Essentials carries the version both share.
    for distribution in ("PySide6-Essentials", "PySide6"):
        try:
            return importlib.metadata.version(distribution)
        except importlib.metadata.PackageNotFoundError:
            continue
    return "unknown"


def about_lines(database_backend: str | None = None) -> list[str]:
    """The facts the box shows, one per line (plain text, so tests and support can read them)."""
    lines = [
        f"Version {__version__}",
        f"Qt {qVersion()}, PySide6 {_pyside_version()}",
        f"Python {platform.python_version()}",
    ]
    if database_backend:
        lines.append(f"Database: {database_backend}")
    lines.append(LICENCE_LINE)
    return lines


def show_about(parent: QWidget, database_backend: str | None = None) -> None:
    """`database_backend` is a name like "SQLite" or "PostgreSQL", when the caller knows it."""
    body = "<br>".join(html.escape(line) for line in about_lines(database_backend))
    QMessageBox.about(parent, f"About {PRODUCT_NAME}", f"<h3>{html.escape(PRODUCT_NAME)}</h3><p>{body}</p>")
