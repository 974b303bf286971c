"""`kiosk staff`: its options, and screenshots drawn from a throw-away demo database."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.qt import QImage

from kiosk.cli import staff_cmd
from kiosk.cli.main import main
from kiosk.ui.console import previews


def test_size_without_windowed_is_refused_with_a_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["staff", "--size", "1366x768"]) == 2

    assert "--size needs --windowed" in capsys.readouterr().err


def test_a_screenshot_needs_somewhere_to_go(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["staff", "--screenshot", "queue"]) == 2

    assert "--out FILE.png" in capsys.readouterr().err


def test_the_cli_offers_every_view_the_previews_draw() -> None:
    assert staff_cmd.VIEWS == previews.VIEWS


@pytest.mark.usefixtures("qapp")
def test_a_screenshot_of_the_queue_is_saved_at_the_asked_size(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "queue.png"

    assert main(["staff", "--screenshot", "queue", "--size", "1366x768", "--out", str(out)]) == 0

    image = QImage(str(out))
    assert (image.width(), image.height()) == (1366, 768)
    assert "demo data" in capsys.readouterr().out
