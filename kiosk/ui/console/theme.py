"""The console's look: the kiosk's calm palette at desk-PC sizes (15 px body text at 1366x768)."""

from __future__ import annotations

from functools import cache
from string import Template

from kiosk.paths import resources_dir
from kiosk.ui.theme import PALETTE

CONSOLE_COLOURS = {
    **PALETTE,
    "header": "#0b4f5c",
    "on_header": "#ffffff",
    "selection": "#cfe3e7",
    "urgent_background": "#fde8e6",
    "urgent_text": "#8a130c",
    "badge": "#b3541e",
    "ok_background": "#e6f2ea",
    "ok_text": "#1d5b33",
    "disabled_text": "#6b7480",
    "bar_before": "#8a130c",
    "bar_now": "#0b4f5c",
    # The urgent banner: white on this red is 6.5:1; amber on near-black (the failing check) is 11:1.
    "alarm": "#b3261e",
    "alarm_edge": "#7a1410",
    "stale_background": "#1f1f1f",
    "stale_text": "#ffc845",
}

# Pixel sizes at 1366x768; a 1080-line screen gets one step larger.
_SIZES = {"body": 15, "small": 14, "heading": 18, "title": 24, "pad": 12, "pad_small": 6, "radius": 6, "row": 30}


def sizes_for(height: int) -> dict[str, int]:
    step = 1 if height >= 1000 else 0
    sized = {name: value + step for name, value in _SIZES.items()}
    sized["row"] = _SIZES["row"] + 4 * step
    return sized


@cache
def _template() -> Template:
    return Template((resources_dir() / "styles" / "console.qss").read_text(encoding="utf-8"))


def console_stylesheet(height: int = 768) -> str:
    return _template().substitute({**CONSOLE_COLOURS, **sizes_for(height)})
