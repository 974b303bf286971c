"""What `kiosk` loads before it does anything: the command line must not pay for the verbs it is not running."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from kiosk.cli.main import build_parser

# Each of these takes tens of milliseconds or megabytes to import; the verbs that use them import them themselves.
HEAVY = ("sqlalchemy", "alembic", "PySide6", "pydantic", "sqlcipher3", "mako")
EVERY_VERB = (
    "run content screenshot audit export init doctor user staff demo-data bench db config supervise install-service"
)


def loaded_after(code: str) -> set[str]:
    """Top-level packages a fresh interpreter has loaded after running `code` (this process has loaded them all)."""
    probe = f"{code}\nimport json, sys; print(json.dumps(sorted({{name.split('.')[0] for name in sys.modules}})))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120)
    return set(json.loads(done.stdout.splitlines()[-1]))


def test_importing_the_command_line_loads_no_heavy_library() -> None:
    assert loaded_after("import kiosk.cli.main") & set(HEAVY) == set()


def test_building_the_parser_loads_no_heavy_library() -> None:
    assert loaded_after("from kiosk.cli.main import build_parser; build_parser()") & set(HEAVY) == set()


def test_help_still_lists_every_verb(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--help"])
    listed = capsys.readouterr().out
    for verb in EVERY_VERB.split():
        assert f"\n    {verb} " in listed or f"\n    {verb}\n" in listed, verb


def test_demo_data_help_names_the_generators_default() -> None:
    from kiosk.services.demo_data import DEFAULT_DAYS

    help_text = build_parser()._subparsers._group_actions[0].choices["demo-data"].format_help()  # type: ignore[union-attr]
    assert f"default {DEFAULT_DAYS}" in help_text


def test_the_doctor_accepts_the_flag_its_qt_probe_child_is_started_with() -> None:
    from kiosk.ops.qt_probe import PROBE_FLAG

    assert build_parser().parse_args(["doctor", PROBE_FLAG]).qt_probe
