"""THIRD-PARTY-NOTICES.txt for the one-folder bundle: every bundled runtime dependency, its licence and its texts.

kiosk.spec writes it at build time from the distributions installed in the build's Python, so the notices name
exactly what PyInstaller copied; `python notices.py OUT` writes it by hand.
"""

from __future__ import annotations

import platform
import sys
from pathlib import Path

from dependencies import OUR_LICENCE, Dependency, runtime_dependencies

NOTICES_NAME = "THIRD-PARTY-NOTICES.txt"
ROOT = Path(__file__).resolve().parents[3]
LGPL3_TEXT = ROOT / "resources" / "licences" / "LGPL-3.0.txt"
RULE = "=" * 78


def _python_licence_text() -> str:
    # The Windows installer puts LICENSE.txt beside python.exe; POSIX builds keep it in the standard library.
    base = Path(sys.base_prefix)
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    for candidate in (base / "LICENSE.txt", base / "lib" / version / "LICENSE.txt", base / "lib" / "LICENSE.txt"):
        if candidate.is_file():
            return candidate.read_text(encoding="utf-8", errors="replace")
    return "See https://docs.python.org/3/license.html (the build's Python did not ship LICENSE.txt).\n"


def _qt_section(dependencies: list[Dependency]) -> list[str]:
    pyside = next((d.version for d in dependencies if d.name.lower().startswith("pyside6")), "unknown")
    return [
        RULE,
        f"Qt {pyside} and Qt for Python (PySide6, shiboken6) {pyside}",
        "Licence: LGPL-3.0-only (Qt's libraries, PySide6, shiboken6); GPL-3.0-only for Qt Charts,",
        "which the reception console uses and which open-source Qt offers under the GPL v3 only.",
        "Source code: https://code.qt.io and https://download.qt.io/official_releases/QtForPython/",
        "The GNU GPL v3 text is in LICENSE beside this file; the GNU LGPL v3 text follows.",
        RULE,
        LGPL3_TEXT.read_text(encoding="utf-8"),
    ]


def _dependency_section(dependency: Dependency) -> list[str]:
    lines = [RULE, f"{dependency.name} {dependency.version}", f"Licence: {dependency.licence}"]
    if not dependency.licence_files:
        lines.append("(This distribution ships no licence file; its licence is named above.)")
    lines.append(RULE)
    for file in dependency.licence_files:
        lines += [f"--- {file.name} ---", file.read_text(encoding="utf-8", errors="replace").rstrip(), ""]
    return lines


def notices_text(dependencies: list[Dependency] | None = None) -> str:
    dependencies = runtime_dependencies() if dependencies is None else dependencies
    header = [
        "Third-party software in the clinic kiosk",
        "",
        "The clinic kiosk is free software under the GNU General Public License, version 3 or later",
        f"({OUR_LICENCE}); its text is in LICENSE beside this file. It is built on the software below,",
        "each under its own licence, whose texts follow.",
        "",
        f"Python {platform.python_version()}: PSF-2.0",
        *(f"{d.name} {d.version}: {d.licence}" for d in dependencies),
        "",
        RULE,
        f"Python {platform.python_version()}",
        "Licence: PSF-2.0",
        RULE,
        _python_licence_text().rstrip(),
        "",
    ]
    body = _qt_section(dependencies)
    for dependency in dependencies:
        body += _dependency_section(dependency)
    return "\n".join(header + body) + "\n"


def write_notices(folder: Path) -> Path:
    """Write the notices into `folder` and return the file's path."""
    path = folder / NOTICES_NAME
    path.write_text(notices_text(), encoding="utf-8")
    return path


if __name__ == "__main__":
    print(write_notices(Path(sys.argv[1]) if len(sys.argv) > 1 else Path.cwd()))
