"""What IT reads in the kiosk's log after editing pages: every content error, and the warnings too."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

from kiosk.paths import bundled_content_dir
from kiosk.services.startup import load_context


def test_content_warnings_reach_the_log_with_their_file(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    folder = tmp_path / "content"
    shutil.copytree(bundled_content_dir(), folder)
    page = folder / "es" / "si-joint-injection.md"
    text = page.read_text(encoding="utf-8")
    last = text.rindex("\n## ")
    page.write_text(text[:last] + "\n", encoding="utf-8")  # one section fewer than the English page
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[content]\nfolder = "{folder.as_posix()}"\n', encoding="utf-8")

    with caplog.at_level(logging.INFO, logger="kiosk.services.startup"):
        context = load_context(str(config), open_database=False)

    warnings = [p for p in context.catalog.problems if p.warning]
    assert warnings, "the shortened translation is a warning"
    logged = [r.getMessage() for r in caplog.records if r.getMessage().startswith("content warning")]
    assert any(str(page) in line for line in logged), logged
    assert len(logged) <= 21  # at most 20 named, then a count
