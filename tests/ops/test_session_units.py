"""The session units for PCs with no desktop (cage, bare X): systemd accepts them, and they restart what they run."""

from __future__ import annotations

import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from kiosk.ops.service_files import CAGE, DESKTOP, SYSTEMD, XINIT, render
from kiosk.paths import resources_dir
from tests.ops.test_service_files import unit_values

KIOSK = "/opt/kiosk/bin/kiosk"
CONFIG = Path("/etc/clinic-kiosk/kiosk.toml")


def exec_words(text: str) -> list[str]:
    # Plain paths here, so the shell's splitting is systemd's.
    return shlex.split(unit_values(text)["ExecStart"])


def test_cage_unit_is_a_locked_session_on_tty1_for_the_kiosk_account() -> None:
    service = render(SYSTEMD, [KIOSK], CONFIG, session=CAGE, account="kiosk")
    values = unit_values(service.text)
    assert service.path == Path("/etc/systemd/system/clinic-kiosk.service")
    assert values["User"] == "kiosk" and values["PAMName"] == "login" and values["TTYPath"] == "/dev/tty1"
    assert values["Restart"] == "always" and values["StartLimitIntervalSec"] == "0"
    assert values["Conflicts"] == "getty@tty1.service"
    assert values["WantedBy"] == "graphical.target"
    assert not any("graphical-session" in value for value in values.values())  # never starts without a desktop
    # No -s: cage then lets no key switch to a text console.
    assert exec_words(service.text) == ["cage", "--", KIOSK, "--config", str(CONFIG), "supervise", "run"]
    assert service.next_steps[:2] == ["systemctl daemon-reload", "systemctl enable --now clinic-kiosk"]


def test_xinit_unit_runs_the_supervisor_on_display_0_of_tty1_and_locks_the_server() -> None:
    service = render(SYSTEMD, [KIOSK], None, session=XINIT, account="kiosk")
    assert exec_words(service.text) == [
        "xinit", KIOSK, "supervise", "run", "--", ":0", "vt1", "-keeptty", "-nolisten", "tcp", "-noreset",
    ]  # fmt: skip
    lockdown = resources_dir() / "deploy" / "50-clinic-kiosk-lockdown.conf"
    assert service.next_steps[0] == f'install -m 644 "{lockdown}" /etc/X11/xorg.conf.d/'
    conf = lockdown.read_text(encoding="utf-8")
    assert 'Option "DontVTSwitch" "true"' in conf and 'Option "DontZap" "true"' in conf


def test_the_desktop_kind_is_still_the_user_unit_by_default() -> None:
    assert render(SYSTEMD, [KIOSK], None).text == render(SYSTEMD, [KIOSK], None, session=DESKTOP).text
    assert "WantedBy=graphical-session.target" in render(SYSTEMD, [KIOSK], None).text


@pytest.mark.parametrize("session", [CAGE, XINIT])
def test_systemd_analyze_verify_accepts_the_session_unit(tmp_path: Path, session: str) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed (package systemd): the unit was not verified")
    if shutil.which(session) is None:
        # verify also checks that ExecStart's program exists.
        pytest.skip(f"{session} is not installed (apt install {session}): the unit was not verified")
    unit = tmp_path / "clinic-kiosk.service"
    unit.write_text(render(SYSTEMD, [KIOSK], CONFIG, session=session, account="root-free").text, encoding="utf-8")
    result = subprocess.run([analyze, "verify", str(unit)], capture_output=True, text=True, timeout=60)
    problems = [line for line in result.stderr.splitlines() if "clinic-kiosk" in line]
    assert result.returncode == 0 and not problems, result.stderr
