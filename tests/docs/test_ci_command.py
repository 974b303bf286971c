"""CI runs the test command the README gives, so what a newcomer runs is what CI checked.

`.ci/run` installs the system packages, then ends with the README's second command; if either changes alone (a new
option such as `-n 2` added to one), the two lanes drift apart without anyone noticing.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTEST = re.compile(r"\.venv/bin/pytest\b[^\n&|;]*")


def _pytest_commands(text: str) -> list[str]:
    return [" ".join(found.group().split()) for found in PYTEST.finditer(text)]


def test_ci_runs_the_readme_s_test_command_word_for_word() -> None:
    readme = _pytest_commands((ROOT / "README.md").read_text(encoding="utf-8"))
    ci = _pytest_commands((ROOT / ".ci" / "run").read_text(encoding="utf-8"))
    assert len(readme) == 1, f"the README should give one test command, not {readme}"
    assert ci == readme, f".ci/run runs {ci}, the README says {readme}"
