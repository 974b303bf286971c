"""The `kiosk` command as clinic IT and content authors type it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kiosk.qt import QImage

from kiosk.cli.main import main
from kiosk.paths import bundled_content_dir

VERBS = [["run"], ["content"], ["content", "check"], ["screenshot"]]


@pytest.mark.parametrize("verb", VERBS, ids=" ".join)
def test_every_verb_has_help(verb: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([*verb, "--help"])
    assert exit_info.value.code == 0
    assert "usage: kiosk" in capsys.readouterr().out


def test_content_check_passes_on_the_bundled_content(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["content", "check"]) == 0
    out = capsys.readouterr().out
    assert "36 pages in 3 languages" in out
    assert "0 problems" in out


def test_content_check_notes_translations_that_need_clinical_review_without_failing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "content"
    shutil.copytree(bundled_content_dir(), folder)
    for page_id in ("sacroiliitis", "si-joint-injection"):
        page = folder / "es" / f"{page_id}.md"
        text = page.read_text(encoding="utf-8")
        page.write_text(text.replace("+++\n", "+++\nneeds_clinical_review = true\n", 1), encoding="utf-8")
    settings = tmp_path / "kiosk.toml"
    settings.write_text('[languages]\nenabled = ["en", "es"]\n', encoding="utf-8")

    assert main(["--config", str(settings), "content", "check", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "note: Spanish: UI text and 2 pages need clinical review before patients rely on them" in out.splitlines()
    assert "English:" not in out  # en.toml says it needs none
    assert "0 problems" in out


def test_content_check_names_file_and_line_and_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "content"
    shutil.copytree(bundled_content_dir(), folder)
    page = folder / "es" / "sacroiliitis.md"
    page.write_text(
        page.read_text(encoding="utf-8").replace('related = ["si-joint-injection"]', 'related = ["nowhere"]'),
        encoding="utf-8",
    )
    (folder / "en" / "slide-relief.md").unlink()

    assert main(["content", "check", str(folder)]) == 1
    lines = capsys.readouterr().out.splitlines()
    related_line = next(
        n for n, text in enumerate(page.read_text(encoding="utf-8").splitlines(), 1) if text.startswith("related")
    )
    assert (
        f"{page}:{related_line}: related page 'nowhere' does not exist in this language; "
        "fix the id or add the page" in lines
    )
    assert any(
        line.startswith(f"{folder / 'en' / 'slide-relief.md'}:1: missing the 'en' translation") for line in lines
    )
    assert "2 problems" in lines[-1]


def test_bad_setting_stops_with_one_sentence(write_settings: object, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_settings("[idle]\nwarning_seconds = 5\n")  # type: ignore[operator]
    assert main(["--config", str(path), "content", "check"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == (
        f"kiosk: {path}, line 2: setting idle.warning_seconds = 5 is not allowed: "
        "use a whole number of seconds from 20 to 300."
    )


def test_size_needs_windowed(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--size", "1080x1920"]) == 2
    assert "--size needs --windowed" in capsys.readouterr().err


def test_bad_size_is_explained(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["screenshot", "--size", "big", "--out", "x.png"])
    assert "write width x height in pixels, like 1920x1080" in capsys.readouterr().err


def test_screenshot_lists_and_renders_a_screen(
    qapp: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["screenshot", "--list"]) == 0
    names = capsys.readouterr().out.split()
    assert "condition/sacroiliitis" in names

    out = tmp_path / "shots" / "page.png"
    code = main(
        [
            "screenshot",
            "--screen",
            "condition/sacroiliitis",
            "--size",
            "1080x1920",
            "--lang",
            "es",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1080, 1920)
    assert "saved condition/sacroiliitis (es, 1080x1920, normal text, normal colours)" in capsys.readouterr().out

    # The same page as a patient with low vision may set it: black background, bigger words.
    dark = tmp_path / "shots" / "dark.png"
    code = main(
        ["screenshot", "--screen", "home", "--theme", "high-contrast", "--text-size", "extra-large", "--out", str(dark)]
    )
    assert code == 0
    assert "(en, 1920x1080, extra-large text, high-contrast colours)" in capsys.readouterr().out
    assert QImage(str(dark)).pixelColor(1890, 230).name() == "#000000"  # the page itself, right of its title


def test_screenshot_refuses_unknown_screen_and_language(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["screenshot", "--screen", "nowhere", "--out", str(tmp_path / "x.png")]) == 2
    assert "`kiosk screenshot --list` names them all" in capsys.readouterr().err
    assert main(["screenshot", "--lang", "fr", "--out", str(tmp_path / "x.png")]) == 2
    assert "language 'fr' is not enabled; use one of en, es, vi." in capsys.readouterr().err


@pytest.mark.slow  # a real `kiosk run` process, started and stopped
def test_kiosk_run_starts_on_the_embedded_default(tmp_path: Path, private_folders: Path) -> None:
    """The README's first command: a real process, a real SQLite file, the attract loop up."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    process = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "run", "--windowed"],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        seen = []
        assert process.stderr is not None
        while time.monotonic() < deadline:
            line = process.stderr.readline()
            if not line:
                break
            seen.append(line)
            if "kiosk running" in line:
                break
        assert any("kiosk running: 36 content pages, languages en, es, vi" in line for line in seen), "".join(seen)
        database = private_folders / "data" / "clinic-kiosk" / "kiosk.sqlite3"
        assert database.is_file()
    finally:
        process.terminate()
        process.wait(timeout=10)
