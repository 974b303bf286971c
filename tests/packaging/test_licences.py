"""Every runtime dependency's licence lets a GPL-3.0-or-later program ship it; the checker catches one that does not."""

from __future__ import annotations

import importlib.metadata
import tomllib
from pathlib import Path

import pytest
from dependencies import OUR_LICENCE, Dependency, incompatible, licence_of, runtime_dependencies
from record_windows_wheels import LOCK

ROOT = Path(__file__).resolve().parents[2]


def test_the_project_is_gpl3_or_later() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == OUR_LICENCE == "GPL-3.0-or-later"
    assert project["license-files"] == ["LICENSE"]
    licence = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "GNU GENERAL PUBLIC LICENSE" in licence and "Version 3, 29 June 2007" in licence
    assert "END OF TERMS AND CONDITIONS" in licence  # the whole text, not a summary


def test_every_installed_runtime_dependency_has_a_gpl3_compatible_licence() -> None:
    dependencies = runtime_dependencies()
    assert {"PySide6_Essentials", "SQLAlchemy", "sqlcipher3"} <= {d.name for d in dependencies}
    assert incompatible(dependencies) == []


def test_every_windows_only_dependency_has_a_gpl3_compatible_licence() -> None:
    """The lock records each Windows wheel's licence, so dependencies that only Windows installs are checked too."""
    recorded = [line.split(" ", 4) for line in LOCK.read_text(encoding="utf-8").splitlines() if line[:1] != "#"]
    dependencies = {Dependency(name, version, licence) for _python, name, version, _wheel, licence in recorded}
    assert "pywin32-ctypes" in {d.name for d in dependencies}  # keyring's, on Windows only
    assert incompatible(dependencies) == []


@pytest.mark.parametrize(
    "licence",
    [
        "LGPL-3.0-only OR GPL-2.0-only OR GPL-3.0-only",  # PySide6: one of the choices is enough
        "Apache-2.0 OR BSD-3-Clause",
        "Zlib AND BSD-3-Clause",
        "(MIT OR GPL-2.0-only) AND PSF-2.0",
        "Apache-2.0 WITH LLVM-exception",
    ],
)
def test_the_checker_accepts_compatible_expressions(licence: str) -> None:
    assert incompatible([Dependency("example", "1.0", licence)]) == []


def test_the_checker_names_each_incompatible_dependency_in_a_sentence() -> None:
    made_up = [
        Dependency("old-gpl-tool", "2.0", "GPL-2.0-only"),
        Dependency("vendor-sdk", "1.3", "Proprietary"),
        Dependency("mystery", "0.1", "unknown"),
        Dependency("mixed", "1.0", "MIT AND GPL-2.0-only"),
        Dependency("fine", "1.0", "MIT"),
    ]
    problems = incompatible(made_up)
    assert [p.split(" is under ")[0] for p in problems] == [
        "old-gpl-tool 2.0",
        "vendor-sdk 1.3",
        "mystery 0.1",
        "mixed 1.0",
    ]
    assert problems[0] == (
        "old-gpl-tool 2.0 is under 'GPL-2.0-only', which is not on the list of licences GPL-3.0-or-later can include: "
        "replace it, or if its licence is in fact compatible, add it to GPL3_COMPATIBLE or KNOWN_LICENCES in "
        "resources/deploy/pyinstaller/dependencies.py with the reason."
    )


def _distribution(folder: Path, metadata: str) -> importlib.metadata.Distribution:
    info = folder / "made_up-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: made-up\nVersion: 1.0\n" + metadata, encoding="utf-8")
    return importlib.metadata.PathDistribution(info)


def test_a_gpl2_only_classifier_in_real_metadata_fails_the_check(tmp_path: Path) -> None:
    made_up = _distribution(tmp_path, "Classifier: License :: OSI Approved :: GNU General Public License v2 (GPLv2)\n")
    assert licence_of(made_up) == "GPL-2.0-only"
    assert incompatible([Dependency("made-up", "1.0", licence_of(made_up))]) != []


def test_metadata_naming_no_licence_is_unknown_and_fails_the_check(tmp_path: Path) -> None:
    made_up = _distribution(tmp_path, "Summary: no licence stated\n")
    assert licence_of(made_up) == "unknown"
    assert incompatible([Dependency("made-up", "1.0", "unknown")]) != []
