"""kiosk/paths.py inside a PyInstaller bundle: resources and migrations come from the bundle, not a checkout."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk import paths


@pytest.fixture
def fresh_lookup() -> Iterator[None]:
    paths._root_for.cache_clear()
    yield
    paths._root_for.cache_clear()


def test_a_frozen_kiosk_reads_the_folders_beside_its_executable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_lookup: None
) -> None:
    for name in ("resources/content", "db"):
        (tmp_path / name).mkdir(parents=True)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert paths.resources_dir() == tmp_path / "resources"
    assert paths.bundled_content_dir() == tmp_path / "resources" / "content"
    assert paths.migrations_dir() == tmp_path / "db"


def test_outside_a_bundle_the_checkout_is_used(fresh_lookup: None) -> None:
    assert not getattr(sys, "frozen", False)
    assert paths.resources_dir() == Path(paths.__file__).resolve().parent.parent / "resources"
