"""Ask Qt, in a child process, what this PC offers the kiosk: platform plugin, screen (and whether a full-screen
window covers it), fonts, keyboard plugin, speech, sound. This is the parent's side and the checks; the child's
side, which shows a window as the kiosk does, is kiosk.ui.qt_probe_child.

A child process, because Qt aborts the whole process when its platform plugin cannot load
(a missing xcb library, no display): the doctor must survive that to report it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from kiosk.ops.doctor import Check, fail, ok, warn
from kiosk.ops.doctor_fixes import SPEECH_FIX
from kiosk.ops.self_command import kiosk_command

PROBE_FLAG = "--qt-probe"
PROBE_TIMEOUT_S = 60
MIN_SCREEN = (1024, 600)
SAMPLE_LETTERS = "ệăđơưñáü"  # Vietnamese and Spanish letters a Latin-only font lacks
_NO_DISPLAY = "no display in this session ($DISPLAY and $WAYLAND_DISPLAY are unset)"
_IN_SESSION = "run `kiosk doctor` in the kiosk's own desktop session to check the screen and platform plugin"
FULL_SCREEN_WAIT_S = 3.0  # for the window system to map and place the test window; it is quicker when all is well
# What Qt's platform plugins print when no display server answers. Qt then adds that xcb-cursor0 "is needed" and
# that reinstalling may help, whatever the cause: the doctor names the missing display instead.
_NO_SERVER = ("could not connect to display", "Failed to create wl_display", "XDG_RUNTIME_DIR is invalid or not set")
NO_DISPLAY_FIX = (
    "start the kiosk's display first (the X server under xinit, cage, or the desktop session) and run "
    "`kiosk doctor` in it, or set DISPLAY (X11) or WAYLAND_DISPLAY to the display the kiosk shows on"
)
FULL_SCREEN_FIX = (
    "run the kiosk without a window manager (xinit) or under cage, or let the window manager give the kiosk "
    "the whole screen (no panels or docks kept on top); then run `kiosk doctor` again"
)
SOUND_FIX = (
    "connect speakers or headphones and turn the PC's sound on; on Debian/Ubuntu Qt also needs `apt install libpulse0` "
    "and a running PipeWire or PulseAudio; or set `chime = false` under [urgent] to say openly that this PC is silent"
)
SOUND_UNAVAILABLE = "sound is unavailable: the urgent chime cannot play; the banner still shows"
FONT_FIX = "install the Noto fonts: on Debian/Ubuntu `apt install fonts-noto-core`; on Windows Segoe UI is built in"


@dataclass(frozen=True)
class QtReport:
    """What the child found; `platform` is None when Qt could not start at all."""

    platform: str | None
    wanted: str = ""  # the platform plugin asked for ("" = Qt's default)
    error: str = ""
    no_display: str = ""  # the display that nothing answered at ("DISPLAY=:0"), when that is why Qt could not start
    off_screen_only: bool = False  # no display here, so the probe ran off-screen
    qt_version: str = ""
    screen: tuple[int, int] | None = None
    # x, y, width, height of the screen and of a full-screen test window placed as the kiosk places its own
    # (None when not measured: off-screen, or no screen)
    screen_area: tuple[int, int, int, int] | None = None
    full_screen_area: tuple[int, int, int, int] | None = None
    kiosk_font: str = ""  # the kiosk's font family that was found, "" if none
    kiosk_font_covers: bool = False
    fonts_with_vietnamese: list[str] = field(default_factory=list)
    keyboard_plugin: bool | None = None
    speech_error: str = ""
    speech_locales: dict[str, list[str]] = field(default_factory=dict)  # engine -> locale names ("es_ES")
    sound_error: str = ""  # why Qt Multimedia did not load ("" when it did)
    audio_outputs: list[str] = field(default_factory=list)  # the sound outputs Qt found, by description


def _run_child(environment: dict[str, str]) -> tuple[dict[str, Any] | None, str, str]:
    """What the child found (None if Qt could not start), why not, and the display nothing answered at."""
    try:
        result = subprocess.run(
            [*kiosk_command(), "doctor", PROBE_FLAG],
            env=environment,
            capture_output=True,
            text=True,
            timeout=PROBE_TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return None, f"the probe did not finish ({type(exc).__name__})", ""
    lines = result.stdout.strip().splitlines()
    if result.returncode == 0 and lines:
        try:
            found: dict[str, Any] = json.loads(lines[-1])
            return found, "", ""
        except json.JSONDecodeError:
            pass
    errors = [line.strip() for line in result.stderr.splitlines() if line.strip()]
    # Qt's qt.qpa.* lines name the plugin and the library it missed; the rest is boilerplate.
    named = [line.partition(": ")[2] for line in errors if line.startswith("qt.qpa")]
    reason = "; ".join(named) or (errors[-1] if errors else f"exit code {result.returncode}")
    no_server = any(sign in line for line in errors for sign in _NO_SERVER)
    return None, reason[:400], _display_named(environment) if no_server else ""


def _display_named(environment: dict[str, str]) -> str:
    """The display Qt was sent to, as IT would set it."""
    wayland = environment.get("QT_QPA_PLATFORM", "").startswith("wayland") or (
        not environment.get("QT_QPA_PLATFORM") and environment.get("WAYLAND_DISPLAY")
    )
    if wayland:
        return (
            f"WAYLAND_DISPLAY={environment['WAYLAND_DISPLAY']}"
            if environment.get("WAYLAND_DISPLAY")
            else ("WAYLAND_DISPLAY (not set)")
        )
    return f"DISPLAY={environment['DISPLAY']}" if environment.get("DISPLAY") else "DISPLAY (not set)"


def probe_qt() -> QtReport:
    environment = dict(os.environ)
    wanted = environment.get("QT_QPA_PLATFORM", "")
    no_display = (
        sys.platform.startswith("linux")
        and not wanted
        and not environment.get("DISPLAY")
        and not environment.get("WAYLAND_DISPLAY")
    )
    if no_display:
        environment["QT_QPA_PLATFORM"] = "offscreen"
    found, error, unanswered = _run_child(environment)
    if found is None and environment.get("QT_QPA_PLATFORM") != "offscreen":
        # The plugin failed: still check fonts, keyboard and speech off-screen.
        found, _, _ = _run_child({**environment, "QT_QPA_PLATFORM": "offscreen"})
        return _report(found, platform=None, wanted=wanted, error=error, no_display=unanswered)
    if found is None:
        return QtReport(platform=None, wanted=wanted, error=error)
    return _report(found, platform=str(found["platform"]), wanted=wanted, off_screen_only=no_display)


def _report(found: dict[str, Any] | None, **fixed: Any) -> QtReport:
    if found is None:
        return QtReport(**fixed)
    screen = found.get("screen")
    return QtReport(
        **fixed,
        qt_version=str(found.get("qt_version", "")),
        screen=(int(screen[0]), int(screen[1])) if screen else None,
        screen_area=_area(found.get("screen_area")),
        full_screen_area=_area(found.get("full_screen_area")),
        kiosk_font=str(found.get("kiosk_font", "")),
        kiosk_font_covers=bool(found.get("kiosk_font_covers")),
        fonts_with_vietnamese=list(found.get("fonts_with_vietnamese", [])),
        keyboard_plugin=found.get("keyboard_plugin"),
        speech_error=str(found.get("speech_error", "")),
        speech_locales={str(k): list(v) for k, v in found.get("speech_locales", {}).items()},
        sound_error=str(found.get("sound_error", "")),
        audio_outputs=[str(name) for name in found.get("audio_outputs", [])],
    )


def _area(value: Any) -> tuple[int, int, int, int] | None:
    return (int(value[0]), int(value[1]), int(value[2]), int(value[3])) if value else None


# -- checks ---------------------------------------------------------------------------------------------------
def screen_checks(report: QtReport) -> list[Check]:
    """qt platform, screen and fonts: these need no settings."""
    return [_platform(report), _screen(report), _fonts(report)]


def _platform(report: QtReport) -> Check:
    if report.platform is None and report.no_display:
        return fail(
            "qt platform",
            f"no display: nothing answers at {report.no_display} (no X server or Wayland compositor is running there)",
            NO_DISPLAY_FIX,
        )
    if report.platform is None:
        wanted = report.wanted or "default"
        return fail(
            "qt platform",
            f"Qt could not start its {wanted!r} platform plugin ({report.error})",
            "install the libraries the plugin names (Debian/Ubuntu: `apt install libxcb-cursor0 libxkbcommon-x11-0`), "
            "or set QT_QPA_PLATFORM to wayland or xcb",
        )
    if report.off_screen_only:
        return warn("qt platform", f"{_NO_DISPLAY}: checked off-screen (Qt {report.qt_version})", _IN_SESSION)
    return ok("qt platform", f"the {report.platform!r} plugin loads (Qt {report.qt_version})")


def _screen(report: QtReport) -> Check:
    if report.platform is None:
        why = "no display" if report.no_display else "Qt could not start"
        return fail("screen", f"not checked: {why}", "fix the qt platform check")
    if report.platform == "offscreen":
        return warn("screen", "no screen: running off-screen", _IN_SESSION)
    if report.screen is None:
        return warn("screen", "no screen is connected", "connect the kiosk's display and switch it on")
    width, height = report.screen
    if width < MIN_SCREEN[0] or height < MIN_SCREEN[1]:
        return warn(
            "screen",
            f"the screen is {width}x{height}; the kiosk needs at least {MIN_SCREEN[0]}x{MIN_SCREEN[1]}",
            "set a higher resolution or use a larger display",
        )
    covered = _full_screen_problem(report)
    if covered:
        return fail("screen", covered, FULL_SCREEN_FIX)
    if report.full_screen_area is not None:
        return ok("screen", f"{width}x{height}; a full-screen window covers all of it")
    return ok("screen", f"{width}x{height}")


def _full_screen_problem(report: QtReport) -> str:
    """One sentence when the full-screen test window did not cover the screen; "" when it did or was not tried."""
    if report.full_screen_area is None or report.screen_area is None:
        return ""
    x, y, width, height = report.full_screen_area
    sx, sy, s_width, s_height = report.screen_area
    # A Wayland client never learns where its window is (the compositor places it): only the size can be compared.
    placed = (report.platform or "").startswith("wayland") or (x, y) == (sx, sy)
    if placed and (width, height) == (s_width, s_height):
        return ""
    return (
        f"a full-screen window covers only {width}x{height} at {x},{y} of the {s_width}x{s_height} screen at "
        f"{sx},{sy}: the kiosk would be cut off or leave part of the screen open"
    )


def _fonts(report: QtReport) -> Check:
    if report.kiosk_font and report.kiosk_font_covers:
        return ok("fonts", f"{report.kiosk_font} has the Latin and Vietnamese letters ({SAMPLE_LETTERS})")
    if report.fonts_with_vietnamese:
        return warn(
            "fonts",
            f"the kiosk's fonts lack some letters ({SAMPLE_LETTERS}); Qt falls back to "
            f"{', '.join(report.fonts_with_vietnamese[:3])}",
            FONT_FIX,
        )
    return warn("fonts", f"no installed font has the Vietnamese letters ({SAMPLE_LETTERS})", FONT_FIX)


def speech_check(report: QtReport, languages: Sequence[str]) -> Check:
    if report.speech_error:
        return warn("text-to-speech", f"Qt's text-to-speech cannot load ({report.speech_error})", SPEECH_FIX)
    if not report.speech_locales:
        return warn(
            "text-to-speech", "no text-to-speech engine is installed (read-aloud's button is hidden)", SPEECH_FIX
        )
    for engine, locales in report.speech_locales.items():
        spoken = {locale.split("_")[0] for locale in locales}
        if all(language in spoken for language in languages):
            return ok("text-to-speech", f"the {engine!r} engine has voices for {', '.join(languages)}")
    have = {locale.split("_")[0] for locales in report.speech_locales.values() for locale in locales}
    lacking = [language for language in languages if language not in have]
    if lacking:
        hidden = "read-aloud's button is hidden in that language" if len(lacking) == 1 else "in those languages"
        return warn("text-to-speech", f"no voice for {', '.join(lacking)} ({hidden})", SPEECH_FIX)
    return warn("text-to-speech", f"no single engine has voices for all of {', '.join(languages)}", SPEECH_FIX)


def sound_check(report: QtReport, *, chime: bool = True) -> Check:
    """Whether the console's urgent chime can sound on this PC; the banner shows either way."""
    if not chime:
        return ok("sound", "the urgent chime is off in the settings ([urgent] chime = false): the banner only")
    if report.sound_error:
        return warn("sound", f"{SOUND_UNAVAILABLE} (Qt Multimedia cannot load: {report.sound_error})", SOUND_FIX)
    if not report.audio_outputs:
        return warn("sound", SOUND_UNAVAILABLE, SOUND_FIX)
    return ok("sound", f"the urgent chime plays through {report.audio_outputs[0]}")
