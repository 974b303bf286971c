"""The recorded lock gives every runtime dependency a Windows wheel for each supported Python, within its range.

Network-free: the lock was recorded by resources/deploy/pyinstaller/record_windows_wheels.py (run it again when a
dependency changes; this test says so).
"""

from __future__ import annotations

import importlib.metadata

import pytest
from dependencies import needed, walk
from packaging.requirements import Requirement
from packaging.tags import compatible_tags, cpython_tags
from packaging.utils import canonicalize_name, parse_wheel_filename
from packaging.version import Version
from record_windows_wheels import LOCK, PYTHONS, pyproject_requirements, windows_environment

RERECORD = "run `.venv/bin/python resources/deploy/pyinstaller/record_windows_wheels.py` and commit the lock"


def _lock(python: str) -> dict[str, tuple[str, str]]:
    tag = "cp" + python.replace(".", "")
    rows = [line.split(" ", 4) for line in LOCK.read_text(encoding="utf-8").splitlines() if line[:1] != "#"]
    return {name: (version, wheel) for recorded, name, version, wheel, _licence in rows if recorded == tag}


def _installed_requirements(requirement: Requirement) -> list[Requirement]:
    try:
        return [Requirement(line) for line in importlib.metadata.distribution(requirement.name).requires or []]
    except importlib.metadata.PackageNotFoundError:
        return []  # Windows only (pywin32-ctypes): the recorder read its requirements from the index


@pytest.mark.parametrize("python", PYTHONS)
def test_every_pyproject_dependency_has_a_windows_wheel_in_range(python: str) -> None:
    locked = _lock(python)
    for requirement in pyproject_requirements():
        if not needed(requirement, windows_environment(python), ()):
            continue
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{name} has no Windows wheel recorded for Python {python}: {RERECORD}."
        version = locked[name][0]
        assert requirement.specifier.contains(version, prereleases=True), (
            f"{name} {version} recorded for Python {python} is outside pyproject's {requirement.specifier}: {RERECORD}."
        )


@pytest.mark.parametrize("python", PYTHONS)
def test_every_recorded_wheel_installs_on_64_bit_windows_with_that_python(python: str) -> None:
    major, minor = (int(part) for part in python.split("."))
    abi = f"cp{major}{minor}"
    supported = {
        *cpython_tags((major, minor), abis=[abi, "abi3", "none"], platforms=["win_amd64"]),
        *compatible_tags((major, minor), interpreter=abi, platforms=["win_amd64"]),
    }
    for name, (version, wheel) in _lock(python).items():
        wheel_name, wheel_version, _build, tags = parse_wheel_filename(wheel)
        assert (wheel_name, wheel_version) == (name, Version(version)), wheel
        assert tags & supported, f"{wheel} does not install on 64-bit Windows with Python {python}."


@pytest.mark.parametrize("python", PYTHONS)
def test_the_lock_covers_every_dependency_of_a_dependency(python: str) -> None:
    """The walk over what is installed here, with Windows markers, finds nothing the lock lacks."""
    names = walk(pyproject_requirements(), _installed_requirements, windows_environment(python))
    missing = sorted(set(names) - set(_lock(python)))
    assert missing == [], f"no Windows wheel recorded for {', '.join(missing)} on Python {python}: {RERECORD}."
