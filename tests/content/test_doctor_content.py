"""`kiosk doctor`'s content line: IT sees the first content problem and that edits need a restart."""

from __future__ import annotations

from pathlib import Path

from kiosk.config.loader import load_settings
from kiosk.config.settings import Settings
from kiosk.i18n.strings import available_languages
from kiosk.ops.doctor import Status
from kiosk.ops.doctor_content import content_check

from .conftest import ContentTree


def settings_for(folder: Path, tmp_path: Path) -> Settings:
    path = tmp_path / "kiosk.toml"
    path.write_text(f'[languages]\nenabled = ["en", "es"]\n[content]\nfolder = "{folder.as_posix()}"\n', "utf-8")
    settings, _ = load_settings(str(path), available_languages())
    return settings


def test_a_content_problem_fails_with_its_file_and_line(valid_content: ContentTree, tmp_path: Path) -> None:
    body = "Intro.\n\n## A\n\nOne.<br>Two.\n\n## B\n\nText.\n"
    path = valid_content.page("en", "back-pain", order=2, related=["nerve-block"], body=body)

    check = content_check(settings_for(valid_content.folder, tmp_path))

    assert check.status == Status.FAIL
    assert f"first: {path}:13: the kiosk does not show HTML such as '<br>'" in check.message
    assert "restart the kiosk" in check.fix


def test_clean_content_is_ok_and_says_edits_need_a_restart(valid_content: ContentTree, tmp_path: Path) -> None:
    check = content_check(settings_for(valid_content.folder, tmp_path))

    assert check.status == Status.OK
    assert check.message.endswith("restart the kiosk to show edits")
