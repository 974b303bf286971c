"""Fill in the autostart files of resources/deploy/ for this PC: systemd units, XDG autostart, Windows task."""

from __future__ import annotations

import getpass
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from kiosk.paths import resources_dir

SYSTEMD = "linux-systemd"
XDG = "linux-xdg"
WINDOWS = "windows"
PLATFORMS = (SYSTEMD, XDG, WINDOWS)
# What the kiosk runs inside on Linux with systemd: the account's desktop session (a user unit tied to
# graphical-session.target), or a session of its own on tty1 (a system unit), where no desktop runs and
# graphical-session.target never starts.
DESKTOP = "desktop"
CAGE = "cage"
XINIT = "xinit"
SESSIONS = (DESKTOP, CAGE, XINIT)
SYSTEM_SESSIONS = (CAGE, XINIT)
SERVICE_NAME = "clinic-kiosk"
TASK_NAME = "ClinicKiosk"
SYSTEM_UNIT_DIR = Path("/etc/systemd/system")
XORG_CONF_DIR = Path("/etc/X11/xorg.conf.d")
LOCKDOWN_CONF = "50-clinic-kiosk-lockdown.conf"


@dataclass(frozen=True)
class ServiceFile:
    platform: str
    path: Path
    text: str
    encoding: str  # Task Scheduler reads its XML as UTF-16; the Linux files are UTF-8
    next_steps: list[str]


class ServiceFileExistsError(Exception):
    """A different file is already where this one goes."""


def default_platform() -> str:
    if sys.platform == "win32":
        return WINDOWS
    # /run/systemd/system exists only when systemd is the running init (sd_booted's test).
    return SYSTEMD if Path("/run/systemd/system").is_dir() else XDG


def _config_home() -> Path:
    return Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")


def render(
    platform: str, command: list[str], config: Path | None, *, session: str = DESKTOP, account: str | None = None
) -> ServiceFile:
    """The file for `platform` that starts `command` (the kiosk program) with `config`, and what to do next.

    `session` matters on linux-systemd only; the cage and xinit sessions run as `account`.
    """
    kiosk = [*command, *(["--config", str(config)] if config is not None else [])]
    if platform == SYSTEMD and session in SYSTEM_SESSIONS:
        if not account:
            raise ValueError("a session of its own needs the kiosk's account")
        return _render_session(session, kiosk, account)
    template = (resources_dir() / "deploy" / _TEMPLATES[platform]).read_text(encoding="utf-8")
    if platform == SYSTEMD:
        # systemd restarts `kiosk run` itself and watches its watchdog pings: no supervisor in between.
        text = template.replace("@EXEC_START@", " ".join(_systemd_quote(arg) for arg in [*kiosk, "run"]))
        path = _config_home() / "systemd" / "user" / f"{SERVICE_NAME}.service"
        steps = [
            "systemctl --user daemon-reload",
            f"systemctl --user enable --now {SERVICE_NAME}",
            # Keeps this user's service manager running outside a login, so the unit is not torn down with it.
            f"loginctl enable-linger {getpass.getuser()}",
        ]
        return ServiceFile(platform, path, text, "utf-8", steps)
    if platform == XDG:
        # A desktop session starts autostart entries once and never again: the supervisor does the restarting.
        exec_line = " ".join(_desktop_quote(arg) for arg in [*kiosk, "supervise", "run"])
        text = template.replace("@EXEC@", exec_line.replace("\\", "\\\\").replace("%", "%%"))
        path = _config_home() / "autostart" / f"{SERVICE_NAME}.desktop"
        return ServiceFile(platform, path, text, "utf-8", ["Sign out and in again (or restart the PC) to start it."])
    text = (
        template.replace("@USER@", escape(_windows_user()))
        .replace("@COMMAND@", escape(kiosk[0]))
        .replace("@ARGUMENTS@", escape(subprocess.list2cmdline([*kiosk[1:], "supervise", "run"])))
    )
    path = _config_home_windows() / f"{SERVICE_NAME}-task.xml"
    steps = [f'schtasks /Create /XML "{path}" /TN {TASK_NAME}', f"schtasks /Run /TN {TASK_NAME}"]
    return ServiceFile(platform, path, text, "utf-16", steps)


def session_command(session: str, kiosk: list[str]) -> list[str]:
    """The command line that starts a display server with only `kiosk supervise run` in it."""
    supervised = [*kiosk, "supervise", "run"]
    if session == CAGE:
        # No -s: with it Ctrl+Alt+F1..F12 would switch to a text console, out of the lock-down. cage shows one
        # full-screen application and lets nothing else in; it ends when the supervisor ends.
        return ["cage", "--", *supervised]
    # xinit takes the client as an absolute path (anything else is read as arguments for xterm), so kiosk[0]
    # must be absolute, as kiosk_command() gives it. After `--`: display :0 on virtual terminal 1, the
    # terminal systemd gives the unit (TTYPath=/dev/tty1), -keeptty so the rootless X server stays on it for
    # logind to hand it the devices, and no network listening. -noreset: an X server resets when its last client
    # leaves, and turns away whoever connects meanwhile; a kiosk that crashed is its only client, and the one the
    # supervisor starts 0.2 s later (or the out-of-service screen) must not be turned away by that reset. The X
    # server ends when the supervisor ends.
    return ["xinit", *supervised, "--", ":0", "vt1", "-keeptty", "-nolisten", "tcp", "-noreset"]


def _render_session(session: str, kiosk: list[str], account: str) -> ServiceFile:
    template = (resources_dir() / "deploy" / "clinic-kiosk-session.service").read_text(encoding="utf-8")
    program = session_command(session, kiosk)
    # systemd looks a bare program name up in its own fixed search path (/usr/bin and the like).
    exec_start = " ".join(_systemd_quote(arg) for arg in program)
    text = (
        template.replace("@SESSION@", session)
        .replace("@USER@", _systemd_quote(account))
        .replace("@EXEC_START@", exec_start)
    )
    steps = [
        "systemctl daemon-reload",
        f"systemctl enable --now {SERVICE_NAME}",
        # The unit belongs to graphical.target; a PC that boots to multi-user.target would never start it.
        "systemctl set-default graphical.target",
    ]
    if session == XINIT:
        lockdown = resources_dir() / "deploy" / LOCKDOWN_CONF
        steps.insert(0, f'install -m 644 "{lockdown}" {XORG_CONF_DIR}/')
    return ServiceFile(SYSTEMD, SYSTEM_UNIT_DIR / f"{SERVICE_NAME}.service", text, "utf-8", steps)


_TEMPLATES = {SYSTEMD: "clinic-kiosk.service", XDG: "clinic-kiosk.desktop", WINDOWS: "clinic-kiosk-task.xml"}


def install(service: ServiceFile, *, force: bool = False) -> bool:
    """Write the file; False if an identical one is already there. Raises ServiceFileExistsError for a different one."""
    if service.path.exists():
        try:
            current = service.path.read_text(encoding=service.encoding)
        except (UnicodeError, OSError):
            current = None
        if current == service.text:
            return False
        if not force:
            raise ServiceFileExistsError(
                f"{service.path} already exists with other contents; check it, then add --force to replace it."
            )
    service.path.parent.mkdir(parents=True, exist_ok=True)
    service.path.write_text(service.text, encoding=service.encoding)
    return True


_SYSTEMD_PLAIN = re.compile(r"[A-Za-z0-9_@%+=:,./-]+")


def _systemd_quote(arg: str) -> str:
    # systemd expands %-specifiers and $VARIABLES in ExecStart; doubling them keeps a path literal.
    arg = arg.replace("%", "%%").replace("$", "$$")
    if _SYSTEMD_PLAIN.fullmatch(arg):
        return arg
    return '"' + arg.replace("\\", "\\\\").replace('"', '\\"') + '"'


_DESKTOP_PLAIN = re.compile(r"[A-Za-z0-9_@%+=:,./-]+")


def _desktop_quote(arg: str) -> str:
    # The Desktop Entry spec's quoting: inside double quotes, backslash-escape " ` $ and \.
    if _DESKTOP_PLAIN.fullmatch(arg):
        return arg
    return '"' + re.sub(r'(["`$\\])', r"\\\1", arg) + '"'


def _windows_user() -> str:
    domain = os.environ.get("USERDOMAIN")
    user = os.environ.get("USERNAME") or getpass.getuser()
    return f"{domain}\\{user}" if domain else user


def _config_home_windows() -> Path:
    from kiosk.config.locations import default_config_path

    # Beside the settings file in the kiosk's own config folder, where IT looks for the kiosk's files.
    return default_config_path().parent
