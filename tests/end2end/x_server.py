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
    """Start Xvfb with one screen of `size` on a free display number (-displayfd); yield its DISPLAY value."""
    read, write = os.pipe()
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", f"{size}x24", "-nolisten", "tcp"],
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
