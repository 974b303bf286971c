"""Read `WxH` sizes from the command line."""

from __future__ import annotations

import argparse
import re

_SIZE = re.compile(r"^(\d{3,5})[xX](\d{3,5})$")


def parse_size(text: str) -> tuple[int, int]:
    match = _SIZE.match(text.strip())
    if not match:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size; write width x height in pixels, like 1920x1080")
    width, height = int(match.group(1)), int(match.group(2))
    if not (320 <= width <= 8000 and 320 <= height <= 8000):
        raise argparse.ArgumentTypeError(f"{text!r} is out of range; use 320 to 8000 pixels on each side")
    return width, height
