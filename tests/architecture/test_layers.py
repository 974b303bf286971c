"""The layers in .importlinter hold: domain, storage, services, ui and the rest import only what lies below them.

A failure prints import-linter's report: the contract broken and the import chain to cut (see the comments in
.importlinter for where each package sits and why).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / ".importlinter"
# import-linter's own command, run as it is from a shell: its report is what a developer then reads.
LINT = (
    "import sys; from importlinter.cli import lint_imports_command; "
    "sys.argv = ['lint-imports', sys.argv[1], '--no-cache', '--no-logo']; lint_imports_command()"
)


@pytest.fixture(scope="module")
def report() -> subprocess.CompletedProcess[str]:
    """One run of lint-imports for the module: building the import graph is the slow part."""
    return subprocess.run(
        [sys.executable, "-c", LINT, str(CONFIG)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_every_layer_contract_is_kept(report: subprocess.CompletedProcess[str]) -> None:
    result = report
    assert "No module named 'importlinter'" not in result.stderr, (
        "import-linter is missing: install the test extras (pip install -e '.[test]')"
    )
    assert result.returncode == 0, f"an import breaks the layers:\n{result.stdout}\n{result.stderr}"


def test_the_contracts_named_in_the_design_are_all_checked(report: subprocess.CompletedProcess[str]) -> None:
    for contract in (
        "Layers: each package imports only the packages below it",
        "Domain is plain Python: no Qt, no SQL",
        "import no Qt (Qt workers live in ui)",
        "The ui reaches storage only through services",
        "No cycles between the top-level packages",
    ):
        assert contract in " ".join(report.stdout.split()), f"{contract!r} is not checked:\n{report.stdout}"
