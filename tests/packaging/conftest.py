"""The build-time tools under resources/deploy/pyinstaller/ (not part of the kiosk package) import from there."""

from __future__ import annotations

import sys
from pathlib import Path

TOOLS = Path(__file__).resolve().parents[2] / "resources" / "deploy" / "pyinstaller"
if str(TOOLS) not in sys.path:
    sys.path.insert(0, str(TOOLS))
