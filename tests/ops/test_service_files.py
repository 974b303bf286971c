"""The autostart files as clinic IT installs them: systemd checks the unit, the quoting survives odd paths."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from kiosk.ops.service_files import (
    SYSTEMD,
    WINDOWS,
    XDG,
    ServiceFileExistsError,
    install,
    render,
)

ODD = Path("/srv/Clinic Kiosk/100% sure/$HOME/kiosk.toml")  # spaces, a percent sign and a dollar
TASK = "{http://schemas.microsoft.com/windows/2004/02/mit/task}"


def unit_values(text: str) -> dict[str, str]:
    return dict(line.split("=", 1) for line in text.splitlines() if "=" in line and not line.startswith("#"))


def test_systemd_unit_is_a_notify_service_with_watchdog_and_restart(private_folders: Path) -> None:
    service = render(SYSTEMD, ["/opt/kiosk/bin/kiosk"], Path("/etc/kiosk/kiosk.toml"))
    values = unit_values(service.text)
    assert values["ExecStart"] == "/opt/kiosk/bin/kiosk --config /etc/kiosk/kiosk.toml run"
    assert values["Type"] == "notify" and values["NotifyAccess"] == "main"
    assert values["WatchdogSec"] == "15"
    assert values["Restart"] == "always" and values["RestartSec"] == "1"
    assert values["RestartPreventExitStatus"] == "3"
    assert service.path == private_folders / "config" / "systemd" / "user" / "clinic-kiosk.service"
    assert "systemctl --user enable --now clinic-kiosk" in service.next_steps
    assert any(step.startswith("loginctl enable-linger ") for step in service.next_steps)


def test_systemd_quoting_keeps_spaces_percent_and_dollar_literal() -> None:
    values = unit_values(render(SYSTEMD, ["/opt/kiosk/bin/kiosk"], ODD).text)
    assert values["ExecStart"] == '/opt/kiosk/bin/kiosk --config "/srv/Clinic Kiosk/100%% sure/$$HOME/kiosk.toml" run'


@pytest.mark.parametrize("config", [Path("/etc/kiosk/kiosk.toml"), ODD])
def test_systemd_analyze_verify_accepts_the_unit(tmp_path: Path, config: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed (package systemd): the unit was not verified")
    unit = tmp_path / "clinic-kiosk.service"
    unit.write_text(render(SYSTEMD, [sys.executable, "-m", "kiosk"], config).text, encoding="utf-8")
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    # --user needs a runtime folder even when no user manager runs (as in a container or CI).
    result = subprocess.run(
        [analyze, "verify", "--user", str(unit)],
        env={**os.environ, "XDG_RUNTIME_DIR": str(runtime)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    problems = [line for line in result.stderr.splitlines() if "clinic-kiosk" in line]
    assert result.returncode == 0 and not problems, result.stderr


def test_xdg_autostart_runs_the_supervisor_with_desktop_quoting() -> None:
    service = render(XDG, ["/opt/kiosk/bin/kiosk"], ODD)
    values = unit_values(service.text)
    assert values["Type"] == "Application" and values["Terminal"] == "false"
    assert service.path.name == "clinic-kiosk.desktop" and service.path.parent.name == "autostart"
    # Undo the file-level escapes (\\ and %%); what is left follows the shell's double-quote rules,
    # so a real shell splits it the way the desktop's launcher will.
    exec_line = values["Exec"].replace("\\\\", "\\").replace("%%", "%")
    words = subprocess.run(["sh", "-c", f"printf '%s\\n' {exec_line}"], capture_output=True, text=True, check=True)
    assert words.stdout.splitlines() == ["/opt/kiosk/bin/kiosk", "--config", str(ODD), "supervise", "run"]


def test_windows_task_restarts_on_failure_and_runs_the_supervisor() -> None:
    service = render(WINDOWS, [r"C:\Program Files\Clinic Kiosk\kiosk.exe"], Path(r"C:\Kiosk & Co\kiosk.toml"))
    assert service.encoding == "utf-16"
    task = ET.fromstring(service.text.encode("utf-16"))
    action = task.find(f"{TASK}Actions/{TASK}Exec")
    assert action is not None
    assert action.findtext(f"{TASK}Command") == r"C:\Program Files\Clinic Kiosk\kiosk.exe"
    assert action.findtext(f"{TASK}Arguments") == r'--config "C:\Kiosk & Co\kiosk.toml" supervise run'
    # Task Scheduler restarts the supervisor (it cannot sooner than a minute, nor more than 999 times); the
    # supervisor restarts the kiosk within seconds. One supervisor at a time: a second start is ignored.
    assert task.findtext(f"{TASK}Settings/{TASK}RestartOnFailure/{TASK}Interval") == "PT1M"
    assert task.findtext(f"{TASK}Settings/{TASK}RestartOnFailure/{TASK}Count") == "999"
    assert task.findtext(f"{TASK}Settings/{TASK}MultipleInstancesPolicy") == "IgnoreNew"
    assert task.findtext(f"{TASK}Settings/{TASK}DisallowStartIfOnBatteries") == "false"
    assert task.findtext(f"{TASK}Settings/{TASK}ExecutionTimeLimit") == "PT0S"
    assert task.find(f"{TASK}Triggers/{TASK}LogonTrigger") is not None
    assert service.next_steps[0] == f'schtasks /Create /XML "{service.path}" /TN ClinicKiosk'


def test_install_writes_once_and_never_overwrites_a_different_file_without_force(tmp_path: Path) -> None:
    service = render(SYSTEMD, ["/opt/kiosk/bin/kiosk"], None)
    assert install(service) is True
    assert service.path.read_text(encoding="utf-8") == service.text
    assert install(service) is False  # the same file again: nothing to do
    service.path.write_text("[Service]\nExecStart=/usr/bin/other\n", encoding="utf-8")
    with pytest.raises(ServiceFileExistsError, match="add --force to replace it"):
        install(service)
    assert "other" in service.path.read_text(encoding="utf-8")
    assert install(service, force=True) is True
    assert service.path.read_text(encoding="utf-8") == service.text


def test_windows_task_file_is_utf16_as_task_scheduler_reads_it() -> None:
    service = render(WINDOWS, [r"C:\kiosk\kiosk.exe"], None)
    install(service)
    data = service.path.read_bytes()
    assert data[:2] in (b"\xff\xfe", b"\xfe\xff")  # the byte-order mark schtasks needs
    assert data.decode("utf-16").startswith('<?xml version="1.0" encoding="UTF-16"?>')
