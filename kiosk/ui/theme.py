"""Colours and sizes: one palette, sizes scaled from the window so 1080p gets 28 px+ text."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from string import Template

from kiosk.paths import resources_dir

# Calm, warm light theme; every text/background pair here is above 7:1.
PALETTE = {
    "background": "#f6f4ef",
    "surface": "#ffffff",
    "text": "#1a2330",
    "muted": "#3d4754",
    "border": "#d5d0c5",
    "border_strong": "#4a5563",
    "pressed": "#e4e9ee",
    "focus": "#b3541e",
    "primary": "#0b4f5c",
    "primary_pressed": "#083a44",
    "on_primary": "#ffffff",
    "error": "#a3160f",
    "notice_background": "#fff4e5",
    "slide_background": "#0b4f5c",
    "on_slide": "#ffffff",
}

# Reference sizes at 1080 pixels on the short side of the screen.
BASE_SIZES = {
    "body": 30,
    "small": 24,
    "button": 30,
    "heading": 36,
    "title": 48,
    "slide_title": 72,
    "input": 34,
    "code": 96,
    "slide_body": 40,
    "target": 88,
    "pad": 24,
    "pad2": 40,
    "pad_small": 16,
    "radius": 16,
}
MIN_TARGET = 64
MIN_BODY = 22


@dataclass(frozen=True)
class Metrics:
    scale: float

    @classmethod
    def for_size(cls, width: int, height: int) -> Metrics:
        short, long = sorted((width, height))
        # Whichever side is tighter decides, so portrait and landscape both fit.
        scale = min(short / 1080, long / 1920)
        return cls(round(max(0.6, min(scale, 2.5)), 2))

    def px(self, name: str) -> int:
        value = round(BASE_SIZES[name] * self.scale)
        if name == "target":
            return max(MIN_TARGET, value)
        if name in {"body", "button"}:
            return max(MIN_BODY, value)
        return max(12, value)

    def values(self) -> dict[str, object]:
        return {**PALETTE, **{name: self.px(name) for name in BASE_SIZES}}


@cache
def _template() -> Template:
    return Template((resources_dir() / "styles" / "kiosk.qss").read_text(encoding="utf-8"))


def stylesheet(metrics: Metrics) -> str:
    return _template().substitute(metrics.values())
