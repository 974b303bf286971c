"""`kiosk install-service` as IT runs it: the installed `kiosk` program writes a file naming itself."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.cli.main import main

KIOSK_PROGRAM = Path(sys.executable).parent / ("kiosk.exe" if os.name == "nt" else "kiosk")


def kiosk(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    if not KIOSK_PROGRAM.is_file():
        pytest.skip(f"the `kiosk` program is not installed beside {sys.executable} (pip install -e .)")
    home = tmp_path / "home"
    env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config")}
    return subprocess.run([str(KIOSK_PROGRAM), *args], env=env, capture_output=True, text=True, timeout=60)


def settings_file(tmp_path: Path) -> Path:
    config = tmp_path / "clinic settings" / "kiosk.toml"
    config.parent.mkdir()
    config.write_text("[clinic]\nname = 'Test clinic'\n", encoding="utf-8")
    return config


def test_systemd_unit_names_this_kiosk_program_and_the_settings_file(tmp_path: Path) -> None:
    config = settings_file(tmp_path)
    result = kiosk(tmp_path, "install-service", "--platform", "linux-systemd", "--config", str(config))
    assert result.returncode == 0, result.stderr
    unit = tmp_path / "home" / ".config" / "systemd" / "user" / "clinic-kiosk.service"
    exec_start = next(line for line in unit.read_text(encoding="utf-8").splitlines() if line.startswith("ExecStart="))
    assert exec_start == f'ExecStart={KIOSK_PROGRAM.resolve()} --config "{config}" run'
    assert f"Wrote {unit}" in result.stdout
    assert "systemctl --user enable --now clinic-kiosk" in result.stdout
    assert "loginctl enable-linger" in result.stdout

    again = kiosk(tmp_path, "install-service", "--platform", "linux-systemd", "--config", str(config))
    assert again.returncode == 0 and f"Already up to date: {unit}" in again.stdout


def test_a_different_existing_file_is_kept_unless_forced(tmp_path: Path) -> None:
    autostart = tmp_path / "home" / ".config" / "autostart" / "clinic-kiosk.desktop"
    autostart.parent.mkdir(parents=True)
    autostart.write_text("[Desktop Entry]\nExec=/usr/bin/something-else\n", encoding="utf-8")
    refused = kiosk(tmp_path, "install-service", "--platform", "linux-xdg")
    assert refused.returncode == 2
    assert refused.stderr.strip() == (
        f"kiosk: {autostart} already exists with other contents; check it, then add --force to replace it."
    )
    assert "something-else" in autostart.read_text(encoding="utf-8")
    forced = kiosk(tmp_path, "install-service", "--platform", "linux-xdg", "--force")
    assert forced.returncode == 0, forced.stderr
    assert f"Exec={KIOSK_PROGRAM.resolve()} supervise run" in autostart.read_text(encoding="utf-8")
    assert "uses the default settings file" in forced.stdout


def test_print_shows_the_file_and_writes_nothing(private_folders: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["install-service", "--platform", "windows", "--print"]) == 0
    out = capsys.readouterr().out
    assert "<RestartOnFailure>" in out and "supervise run</Arguments>" in out
    assert not [path for path in private_folders.rglob("*") if path.is_file()]


def test_a_missing_settings_file_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nowhere.toml"
    assert main(["install-service", "--print", "--config", str(missing)]) == 2
    assert capsys.readouterr().err.strip() == (
        f"kiosk: the settings file {missing} does not exist; run `kiosk init` or give its right path."
    )


def test_the_global_config_flag_is_used_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = settings_file(tmp_path)
    assert main(["--config", str(config), "install-service", "--platform", "linux-systemd", "--print"]) == 0
    assert f'--config "{config}" run' in capsys.readouterr().out
