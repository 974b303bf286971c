"""A private X server (Xvfb, no window manager) for the end-to-end tests that need a real screen."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager

import pytest


def require(programs: tuple[str, ...], purpose: str, install: str = "apt install xvfb xdotool") -> None:
    """Fail in CI, skip with the reason elsewhere, when a program the test drives is not installed."""
    for program in programs:
        if shutil.which(program) is None:
            reason = f"{program} is not installed ({install})"
            if os.environ.get("CI"):
                pytest.fail(f"{reason}: CI must {purpose}", pytrace=False)
            pytest.skip(reason)


@contextmanager
def bare_x_server(size: str = "1920x1080") -> Iterator[str]:
    """Start Xvfb with one screen of `size` on a free display number (-displayfd); yield its DISPLAY value.

    -noreset: by default an X server resets when its last client leaves, and a client connecting during the reset
    is turned away ("could not connect to display"). A test's short xdotool call is often the last client just
    as the kiosk connects: four clients connecting in a loop were turned away 94 times in 6,317 without the
    option, never in 12,361 with it. The kiosk's own xinit session runs its X server the same way.
    """
    read, write = os.pipe()
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", f"{size}x24", "-nolisten", "tcp", "-noreset"],
        pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    os.close(write)
    with os.fdopen(read) as display_number:
        display = f":{display_number.readline().strip()}"
    try:
        yield display
    finally:
        xvfb.terminate()
        xvfb.wait(10)


def xinit_server_options(unit_line: list[str]) -> list[str]:
    """The X server options of the xinit unit's command line but its display and terminal (`:0 vt1 -keeptty` need
    a real virtual terminal): what a test's Xvfb takes in Xorg's place."""
    return [word for word in unit_line[unit_line.index("--") + 1 :] if word not in (":0", "vt1", "-keeptty")]
