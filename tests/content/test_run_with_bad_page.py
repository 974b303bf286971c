"""`kiosk run`, the real process, starts with one page nested thousands of levels deep among the clinic's pages:
the page is left out and logged, the others are shown, and the kiosk tells its service manager it is READY
(before, it stopped at start and the supervisor restarted it into the same crash, again and again)."""

from __future__ import annotations

import shutil
import signal
import subprocess
import time
from pathlib import Path

from kiosk.paths import bundled_content_dir
from tests.ops.kiosk_process import KIOSK, kiosk_install, notify_socket
from tests.toml_strategies import nested

DEEP_PAGE = (
    '+++\nid = "deep"\ntitle = "Deep"\nkind = "condition"\nrelated = ' + nested(5000, "[") + "\n+++\n## A\n\nText.\n"
)


def test_kiosk_run_leaves_out_a_header_line_nested_thousands_deep_and_starts(tmp_path: Path) -> None:
    config, env = kiosk_install(tmp_path)
    content = tmp_path / "content"
    shutil.copytree(bundled_content_dir(), content)
    page = content / "en" / "deep.md"
    page.write_text(DEEP_PAGE, encoding="utf-8")
    config.write_text(config.read_text(encoding="utf-8") + '\n[content]\nfolder = "content"\n', encoding="utf-8")

    with notify_socket(tmp_path) as listener:
        env["NOTIFY_SOCKET"] = str(listener.path)
        kiosk = subprocess.Popen([*KIOSK, "--config", str(config), "run", "--windowed"], env=env)
        try:
            deadline = time.monotonic() + 90
            while (notice := listener.receive(1.0)) is None or "READY" not in notice.fields:
                assert kiosk.poll() is None, f"kiosk run stopped at start with exit code {kiosk.returncode}"
                assert time.monotonic() < deadline, "kiosk run was not READY within 90 s"
            assert notice.pid == kiosk.pid
            kiosk.send_signal(signal.SIGTERM)
            assert kiosk.wait(timeout=30) == 0
        finally:
            if kiosk.poll() is None:
                kiosk.kill()
                kiosk.wait()

    log = (tmp_path / "logs" / "kiosk-run.log").read_text(encoding="utf-8")
    assert f"content problem: {page}:5: the metadata header is not valid TOML" in log
    assert "Traceback" not in log and "RecursionError" not in log
    # One mistake is one problem: the bad line is left out and the page is still shown.
    pages = sum(1 for _ in bundled_content_dir().rglob("*.md")) + 1
    assert f"kiosk running: {pages} content pages" in log
