"""`kiosk run --watch-content`: a coordinator saves a page and the running kiosk reads it again (from its log)."""

from __future__ import annotations

import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from kiosk.paths import bundled_content_dir
from tests.ops.kiosk_process import KIOSK, kiosk_install, notify_socket


@pytest.mark.slow  # a real `kiosk run` to READY, then a save it must notice
def test_a_saved_page_is_read_again_by_the_running_kiosk(tmp_path: Path) -> None:
    config, env = kiosk_install(tmp_path)
    folder = tmp_path / "content"
    shutil.copytree(bundled_content_dir(), folder)
    config.write_text(config.read_text() + f'\n[content]\nfolder = "{folder.as_posix()}"\n', encoding="utf-8")
    log = tmp_path / "logs" / "kiosk-run.log"  # [logging] folder = "logs", beside the settings
    with notify_socket(tmp_path) as listener:
        env["NOTIFY_SOCKET"] = str(listener.path)
        kiosk = subprocess.Popen(
            [*KIOSK, "--config", str(config), "run", "--windowed", "--watch-content"],
            env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            listener.wait_for("READY", timeout=90)
            assert "reloading pages from" in log.read_text(encoding="utf-8")
            page = folder / "en" / "si-joint-injection.md"
            page.write_text(page.read_text(encoding="utf-8").replace("## ", "##", 1), encoding="utf-8")
            deadline = time.monotonic() + 60
            while "content: reloaded" not in log.read_text(encoding="utf-8"):
                assert time.monotonic() < deadline and kiosk.poll() is None, log.read_text(encoding="utf-8")[-2000:]
                time.sleep(0.3)
            said = log.read_text(encoding="utf-8")
            assert f"{page}:" in said.split("content: reloaded", 1)[0].rsplit("reloading pages from", 1)[1]
        finally:
            kiosk.send_signal(signal.SIGTERM)
            kiosk.wait(timeout=30)
