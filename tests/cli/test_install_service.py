"""`kiosk install-service` as IT runs it: the installed `kiosk` program writes a file naming itself."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.cli.main import main

KIOSK_PROGRAM = Path(sys.executable).parent / ("kiosk.exe" if os.name == "nt" else "kiosk")
ORDINARY = 65534  # nobody: the account the desktop kind runs as when the tests run as root
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def kiosk(tmp_path: Path, *args: str, as_root: bool = False) -> subprocess.CompletedProcess[str]:
    """Run the installed `kiosk` program as IT would: as an ordinary account unless `as_root`."""
    if not KIOSK_PROGRAM.is_file():
        pytest.skip(f"the `kiosk` program is not installed beside {sys.executable} (pip install -e .)")
    home = tmp_path / "home"
    env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config")}
    argv = [str(KIOSK_PROGRAM), *args]
    if IS_ROOT and not as_root:
        # The desktop kind refuses root, as it should: run it as an ordinary account that owns tmp_path.
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv to drop to an ordinary account")
        home.mkdir(exist_ok=True)
        for path in (tmp_path, *tmp_path.rglob("*")):
            os.chown(path, ORDINARY, ORDINARY)
        for anchor in (tmp_path, KIOSK_PROGRAM, Path(sys.executable).resolve()):
            for parent in anchor.parents:
                parent.chmod(parent.stat().st_mode | 0o001)  # the way in, as to any installed program
        argv = ["setpriv", f"--reuid={ORDINARY}", f"--regid={ORDINARY}", "--clear-groups", *argv]
    elif as_root and not IS_ROOT:
        pytest.skip("needs to run as root")
    return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60)


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


# -- who may install which kind (issue 26: root got a user unit and `loginctl enable-linger root`) ----------------
@pytest.mark.skipif(not IS_ROOT, reason="runs the command as root, as a hurried IT person would")
@pytest.mark.parametrize("platform", ["linux-systemd", "linux-xdg"])
def test_the_desktop_kind_refuses_root_with_one_sentence(tmp_path: Path, platform: str) -> None:
    result = kiosk(tmp_path, "install-service", "--platform", platform, as_root=True)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "kiosk: the desktop autostart belongs to the kiosk's own account: run `kiosk install-service` as that "
        "account, not as root (or use --session cage or xinit with --user ACCOUNT)."
    )
    assert "enable-linger" not in result.stdout
    assert not (tmp_path / "home").exists() or not [p for p in (tmp_path / "home").rglob("*") if p.is_file()]


@pytest.mark.skipif(not IS_ROOT, reason="the session kinds are installed as root")
@pytest.mark.parametrize(
    ("args", "sentence"),
    [
        ([], "--session cage needs the kiosk's account: add --user ACCOUNT (not root)."),
        (["--user", "root"], "the kiosk must not run as root; give --user an ordinary account made for the kiosk."),
        (
            ["--user", "no-such-kiosk-account"],
            "there is no account 'no-such-kiosk-account' on this PC; create it first (for example `adduser kiosk`).",
        ),
        (["--platform", "windows", "--user", "nobody"], "--session cage is for Linux with systemd; "
         "leave it out, or add --platform linux-systemd."),
    ],
)  # fmt: skip
def test_the_cage_session_needs_an_ordinary_account(tmp_path: Path, args: list[str], sentence: str) -> None:
    result = kiosk(tmp_path, "install-service", "--session", "cage", *args, as_root=True)
    assert result.returncode == 2
    assert result.stderr.strip() == f"kiosk: {sentence}"


@pytest.mark.skipif(not IS_ROOT, reason="the session kinds are installed as root")
def test_root_gets_the_xinit_session_unit_for_the_named_account(tmp_path: Path) -> None:
    # --print: writing would change this machine's /etc/systemd/system (tests/ops/test_session_units checks the file).
    result = kiosk(tmp_path, "install-service", "--session", "xinit", "--user", "nobody", "--print", as_root=True)
    assert result.returncode == 0, result.stderr
    assert "User=nobody" in result.stdout
    assert f"ExecStart=xinit {KIOSK_PROGRAM.resolve()} supervise run -- :0 vt1" in result.stdout


def test_a_session_unit_from_an_ordinary_account_says_to_use_root(tmp_path: Path) -> None:
    result = kiosk(tmp_path, "install-service", "--session", "cage", "--user", "nobody")
    assert result.returncode == 2
    assert result.stderr.strip() == "kiosk: --session cage writes a system service: run the command as root (sudo)."
