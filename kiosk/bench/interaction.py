"""Tap-to-paint latency and memory growth, each measured in a fresh child process running the real window."""

from __future__ import annotations

import json
import subprocess
import sys

from kiosk.bench.figures import Figure, at_most, median, ms, percentile, reported, skipped
from kiosk.bench.workspace import Workspace

MEDIAN_LIMIT_MS = 16
P99_LIMIT_MS = 50
GROWTH_LIMIT_MIB = 5
CHILD_TIMEOUT_S = 1800
# Before the growth is read, a tenth of the run again: the first time each screen, page, language, text size and
# contrast is met, Qt fills caches that stay (glyphs at each type size, drawn icons, styles per widget: ~6 MiB over
# the first 1,000 taps on the dev VM, then flat). That first-use cost is shown on a row of its own.
WARM_UP_SHARE = 10


class SessionError(Exception):
    """The child process failed; the message has the end of its output."""


def _session(workspace: Workspace, *args: str) -> dict[str, object]:
    argv = [sys.executable, "-m", "kiosk.bench.session", *args, "--config", str(workspace.settings_file())]
    done = subprocess.run(
        argv,
        capture_output=True,
        text=True,
        env=workspace.child_environment(),
        cwd=workspace.folder,
        timeout=CHILD_TIMEOUT_S,
        check=False,
    )
    if done.returncode != 0 or not done.stdout.strip():
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-8:])
        raise SessionError(f"kiosk.bench.session {' '.join(args)} exited {done.returncode}:\n{tail}")
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def measure_taps(workspace: Workspace, count: int) -> list[Figure]:
    result = _session(workspace, "taps", str(count))
    kiosk, bare, unchanged = result["kiosk"], result["bare"], result["unchanged"]
    assert isinstance(kiosk, list) and isinstance(bare, list)
    name = f"tap to next screen painted ({count:,} taps)"
    note = f"{unchanged} taps changed nothing on screen (no frame drawn) and are not counted" if unchanged else ""
    return [
        at_most(f"{name}: median", ms(median(kiosk)), ms(median(bare)), "ms", MEDIAN_LIMIT_MS),
        at_most(f"{name}: p99", ms(percentile(kiosk, 0.99)), ms(percentile(bare, 0.99)), "ms", P99_LIMIT_MS, note),
    ]


def measure_growth(workspace: Workspace, navigations: int, submissions: int) -> list[Figure]:
    name = f"memory growth over {navigations:,} navigations and {submissions:,} submissions"
    warm_up = (
        f"memory taken on first use ({navigations // WARM_UP_SHARE:,} navigations and "
        f"{submissions // WARM_UP_SHARE:,} submissions before the growth is read)"
    )
    result = _session(workspace, "growth", str(navigations), str(submissions))
    readings = {key: value for key, value in result.items() if isinstance(value, int)}
    if min(readings.values(), default=-1) < 0:
        return [skipped(name, "MiB", f"<= {GROWTH_LIMIT_MIB} MiB", "resident memory is read on Linux only")]
    grown = (readings["after_kib"] - readings["before_kib"]) / 1024
    first_use = (readings["before_kib"] - readings["started_kib"]) / 1024
    bare = (readings["bare_after_kib"] - readings["bare_before_kib"]) / 1024
    bare_first_use = (readings["bare_before_kib"] - readings["bare_started_kib"]) / 1024
    note = "floor: a bare Qt stack flipping pages as many times" + ("" if bare > 0 else " (it did not grow)")
    return [
        reported(warm_up, first_use, bare_first_use, "MiB", "caches Qt fills once: type sizes, drawn icons, styles"),
        at_most(name, grown, bare, "MiB", GROWTH_LIMIT_MIB, note),
    ]
