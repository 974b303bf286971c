"""Colours and sizes: two palettes (normal, high contrast), sizes scaled from the window and the text size."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from string import Template
from types import MappingProxyType

from kiosk.paths import resources_dir
from kiosk.ui.presentation import TextSize, ThemeName

# Calm, warm light theme. Every pair in TEXT_PAIRS is checked by a test (tests/ui/test_contrast.py).
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
    "card": "#0b4f5c",
    "card_border": "#0b4f5c",
    "card_pressed": "#083a44",
    "on_card": "#ffffff",
    "error": "#a3160f",
    "notice_background": "#fff4e5",
    "slide_background": "#0b4f5c",
    "on_slide": "#ffffff",
    "closed_background": "#161b21",
    "on_closed": "#c9d1da",
    "closed_border": "#8d99a6",
    # The urgent confirmation's band: white words on the error red, the loudest thing the kiosk shows.
    "urgent_background": "#a3160f",
    "on_urgent": "#ffffff",
    "urgent_border": "#6e0e09",
}

# High contrast: white and yellow on black, the scheme low-vision users most often choose. Selected and primary
# buttons are filled yellow with black words, so "selected" differs in brightness, not in hue alone (and a check mark
# says it in words too). Cards keep white pictures, so they stay black with a white frame.
HIGH_CONTRAST = {
    "background": "#000000",
    "surface": "#000000",
    "text": "#ffffff",
    "muted": "#ffffff",
    "border": "#ffffff",
    "border_strong": "#ffffff",
    "pressed": "#3a3a3a",
    "focus": "#00e5ff",
    "primary": "#ffe14d",
    "primary_pressed": "#e6c200",
    "on_primary": "#000000",
    "card": "#000000",
    "card_border": "#ffffff",
    "card_pressed": "#3a3a3a",
    "on_card": "#ffffff",
    "error": "#ffb3a8",
    "notice_background": "#000000",
    "slide_background": "#000000",
    "on_slide": "#ffffff",
    "closed_background": "#000000",
    "on_closed": "#ffffff",
    "closed_border": "#ffffff",
    # Filled yellow with black words and a white frame: on black, the brightest thing on the screen.
    "urgent_background": "#ffe14d",
    "on_urgent": "#000000",
    "urgent_border": "#ffffff",
}

PALETTES = MappingProxyType({ThemeName.NORMAL: PALETTE, ThemeName.HIGH_CONTRAST: HIGH_CONTRAST})

# Every (words, behind them) pair the style sheet paints, by palette name; the contrast test checks each in every
# palette (WCAG 2.2 AAA 1.4.6: 7:1 for body text; all kiosk text here is held to 7:1 although headings need 4.5:1).
TEXT_PAIRS = (
    ("text", "background"),
    ("text", "surface"),
    ("text", "pressed"),
    ("text", "notice_background"),
    ("muted", "background"),
    ("muted", "surface"),
    ("on_primary", "primary"),
    ("on_primary", "primary_pressed"),
    ("on_card", "card"),
    ("on_card", "card_pressed"),
    ("error", "background"),
    ("error", "surface"),
    ("error", "notice_background"),
    ("on_slide", "slide_background"),
    ("on_closed", "closed_background"),
    ("on_urgent", "urgent_background"),
)
# Frames that show where a control is or which one has focus (WCAG 1.4.11 and 2.4.13: at least 3:1). A focus frame
# is drawn at a button's outer edge, against the page, so it is measured against the page colours.
OUTLINE_PAIRS = (
    ("border_strong", "background"),
    ("border_strong", "surface"),
    ("focus", "background"),
    ("focus", "surface"),
    ("closed_border", "closed_background"),
    ("urgent_background", "background"),
)

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
    # The bar of Back, Home, languages and access controls keeps one size whatever the text size, so the button a
    # patient just pressed stays where it was (and the bar still fits across a portrait screen).
    "bar": 30,
    "bar_title": 36,
    "bar_small": 28,
    "bar_a_normal": 28,
    "bar_a_large": 36,
    "bar_a_extra_large": 44,
}
# The sizes that are type; the patient's text size multiplies these, not the spacing. The reference code (96 px at
# 1080 lines) is large enough already.
TYPE_SIZES = frozenset({"body", "small", "button", "heading", "title", "slide_title", "input", "slide_body"})
# Titles and headings are large already: they grow half as much, leaving the room to the words people must read.
TITLE_SIZES = frozenset({"title", "slide_title", "heading"})
# Large is a quarter bigger, extra large half as big again: at 1080 lines body text goes 30 → 38 → 45 px.
TEXT_SCALES = MappingProxyType({TextSize.NORMAL: 1.0, TextSize.LARGE: 1.25, TextSize.EXTRA_LARGE: 1.5})
MIN_TARGET = 64
MIN_BODY = 22


@dataclass(frozen=True)
class Metrics:
    scale: float
    text_scale: float = 1.0

    @classmethod
    def for_size(cls, width: int, height: int, text_size: TextSize = TextSize.NORMAL) -> Metrics:
        short, long = sorted((width, height))
        # Whichever side is tighter decides, so portrait and landscape both fit.
        scale = min(short / 1080, long / 1920)
        return cls(round(max(0.6, min(scale, 2.5)), 2), TEXT_SCALES[text_size])

    def px(self, name: str) -> int:
        size = BASE_SIZES[name] * self.scale
        if name in TITLE_SIZES:
            size *= 1 + (self.text_scale - 1) / 2
        elif name in TYPE_SIZES:
            size *= self.text_scale
        value = round(size)
        if name == "target":
            return max(MIN_TARGET, value)
        if name in {"body", "button"}:
            return max(MIN_BODY, value)
        return max(12, value)

    def values(self) -> dict[str, object]:
        return {name: self.px(name) for name in BASE_SIZES}


@cache
def _template() -> Template:
    return Template((resources_dir() / "styles" / "kiosk.qss").read_text(encoding="utf-8"))


def stylesheet(metrics: Metrics, theme: ThemeName = ThemeName.NORMAL) -> str:
    return _template().substitute({**PALETTES[theme], **metrics.values()})


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG 2.x contrast ratio of two "#rrggbb" colours, from 1 (same) to 21 (black on white)."""
    lighter, darker = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _luminance(colour: str) -> float:
    # WCAG's relative luminance of sRGB; a dozen lines, so no colour library for it.
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)
