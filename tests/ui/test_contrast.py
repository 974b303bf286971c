"""Every text and background pair of every patient theme is readable: 7:1 for text, 3:1 for control outlines."""

from __future__ import annotations

import re

import pytest

from kiosk.paths import resources_dir
from kiosk.ui.presentation import ThemeName
from kiosk.ui.theme import OUTLINE_PAIRS, PALETTES, TEXT_PAIRS, contrast_ratio

BODY_TEXT = 7.0  # WCAG 2.2 1.4.6 (AAA) for body text; large text needs 4.5:1, and is held to 7:1 here too
OUTLINES = 3.0  # WCAG 2.2 1.4.11 non-text contrast


def _style_colours(prefix: str) -> set[str]:
    """The palette names the kiosk style sheet uses in declarations starting with `prefix` (e.g. "color")."""
    sheet = (resources_dir() / "styles" / "kiosk.qss").read_text(encoding="utf-8")
    return set(re.findall(rf"(?<![-\w]){prefix}:\s*\$(\w+)", sheet))


def test_contrast_ratio_matches_known_values() -> None:
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1.0)
    # WCAG's own example: #777777 on white is just under 4.5:1.
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


def _below(theme: ThemeName, pairs: tuple[tuple[str, str], ...], least: float) -> dict[str, float]:
    """The pairs of `theme` whose contrast is under `least`, each with its ratio."""
    palette = PALETTES[theme]
    ratios = {f"{fg} on {bg}": contrast_ratio(palette[fg], palette[bg]) for fg, bg in pairs}
    return {pair: round(ratio, 2) for pair, ratio in ratios.items() if ratio < least}


@pytest.mark.parametrize("theme", list(ThemeName))
def test_every_text_pair_reaches_7_to_1(theme: ThemeName) -> None:
    weak = _below(theme, TEXT_PAIRS, BODY_TEXT)
    assert not weak, f"{theme}: text below {BODY_TEXT}:1: {weak}"


@pytest.mark.parametrize("theme", list(ThemeName))
def test_control_outlines_and_focus_reach_3_to_1(theme: ThemeName) -> None:
    weak = _below(theme, OUTLINE_PAIRS, OUTLINES)
    assert not weak, f"{theme}: outlines below {OUTLINES}:1: {weak}"


def test_the_style_sheet_paints_only_checked_pairs() -> None:
    """A colour added to the style sheet without a pair in TEXT_PAIRS would escape the contrast check."""
    foregrounds = {fg for fg, _ in TEXT_PAIRS}
    backgrounds = {bg for _, bg in TEXT_PAIRS}
    assert _style_colours("color") <= foregrounds
    # A shape without words (the scroll bar's handle) is filled with an outline colour, checked at 3:1.
    shapes = {fg for fg, _ in OUTLINE_PAIRS}
    assert _style_colours("background") <= backgrounds | shapes


def test_high_contrast_differs_from_normal_in_every_text_colour() -> None:
    normal, high = PALETTES[ThemeName.NORMAL], PALETTES[ThemeName.HIGH_CONTRAST]
    assert normal.keys() == high.keys()
    assert high["background"] == "#000000" and high["text"] == "#ffffff"
