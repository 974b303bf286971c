"""Record which Windows (win_amd64) wheel every runtime dependency has, for each supported Python, in a lock file.

    .venv/bin/python resources/deploy/pyinstaller/record_windows_wheels.py

asks the package index (network needed, nothing is downloaded but metadata) and rewrites windows-wheels.txt beside
this file; tests/packaging/test_windows_wheels.py then checks the lock against pyproject.toml without a network.
Run it again whenever a dependency or its range in pyproject.toml changes.

Why not `pip download --platform win_amd64` alone: pip evaluates the requirements' markers for the machine it runs
on, not for Windows, so it would record Linux-only dependencies (SecretStorage, jeepney) and miss Windows-only ones
(pywin32-ctypes for keyring). Here pip resolves one distribution at a time (`--no-deps`, the same index, wheel and
platform choices as `pip download --only-binary=:all: --platform win_amd64`), and dependencies.walk follows each
wheel's requirements with Windows markers.
"""

from __future__ import annotations

import importlib.metadata
import json
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path
from typing import Any

from dependencies import here, licence_from, licence_of, walk
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
LOCK = HERE / "windows-wheels.txt"
PYTHONS = ("3.11", "3.12")


def windows_environment(python: str) -> dict[str, str]:
    """Marker values of CPython `python` on 64-bit Windows."""
    return {
        **here(),
        "os_name": "nt",
        "sys_platform": "win32",
        "platform_system": "Windows",
        "platform_machine": "AMD64",
        "platform_release": "10",
        "platform_version": "",
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
        "python_version": python,
        "python_full_version": f"{python}.0",
    }


def pyproject_requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [Requirement(line) for line in project["dependencies"]]


def _pinned(requirement: Requirement) -> str:
    """The requirement without its marker, held to the version installed here when that one fits (the tested one)."""
    extras = f"[{','.join(sorted(requirement.extras))}]" if requirement.extras else ""
    try:
        installed = importlib.metadata.version(requirement.name)
    except importlib.metadata.PackageNotFoundError:
        return f"{requirement.name}{extras}{requirement.specifier}"
    if requirement.specifier.contains(installed, prereleases=True):
        return f"{requirement.name}{extras}=={installed}"
    return f"{requirement.name}{extras}{requirement.specifier}"


def _licence(metadata: dict[str, Any]) -> str:
    """The licence of the wheel pip reported, from the same version installed here when there is one.

    pip's report (pip 23) leaves out metadata fields newer than Metadata-Version 2.3, License-Expression among them,
    so a wheel that states only that would read "unknown"; the installed copy's metadata is complete.
    """
    try:
        installed = importlib.metadata.distribution(metadata["name"])
    except importlib.metadata.PackageNotFoundError:
        installed = None
    if installed is not None and installed.version == metadata["version"]:
        return licence_of(installed)
    return licence_from(
        metadata["name"], metadata.get("license_expression"), metadata.get("license"), metadata.get("classifier", [])
    )


class WheelIndex:
    """pip's choice of Windows wheel for one requirement at a time, remembered by name."""

    def __init__(self, python: str) -> None:
        self.python = python
        self.chosen: dict[str, tuple[str, str, str]] = {}  # name -> (version, wheel file name, licence)

    def requirements_of(self, requirement: Requirement) -> list[Requirement]:
        with tempfile.TemporaryDirectory() as scratch:
            report = Path(scratch) / "report.json"
            subprocess.run(
                [
                    sys.executable, "-m", "pip", "install", "--dry-run", "--quiet", "--ignore-installed",
                    "--no-deps", "--only-binary=:all:", "--platform", "win_amd64",
                    "--python-version", self.python, "--implementation", "cp",
                    "--target", str(Path(scratch) / "target"), "--report", str(report),
                    _pinned(requirement),
                ],
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )  # fmt: skip
            (installed,) = json.loads(report.read_text(encoding="utf-8"))["install"]
        metadata = installed["metadata"]
        wheel = installed["download_info"]["url"].rsplit("/", 1)[-1]
        licence = _licence(metadata)
        self.chosen[canonicalize_name(metadata["name"])] = (metadata["version"], wheel, licence)
        return [Requirement(line) for line in metadata.get("requires_dist") or []]


def record() -> str:
    lines = [
        "# Windows (win_amd64) wheels for every runtime dependency of the kiosk, per supported CPython.",
        "# Recorded by resources/deploy/pyinstaller/record_windows_wheels.py from the package index (metadata only);",
        "# checked network-free by tests/packaging/test_windows_wheels.py and test_licences.py.",
        "# Columns: python, name, version, wheel file, licence (SPDX expression, to the end of the line).",
    ]
    for python in PYTHONS:
        index = WheelIndex(python)
        names = walk(pyproject_requirements(), index.requirements_of, windows_environment(python))
        tag = "cp" + python.replace(".", "")
        lines += [f"{tag} {name} {' '.join(index.chosen[name])}" for name in names]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    LOCK.write_text(record(), encoding="utf-8")
    print(f"wrote {LOCK}")
