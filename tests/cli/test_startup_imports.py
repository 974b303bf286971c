"""What `kiosk` loads before it does anything: the command line must not pay for the verbs it is not running."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from kiosk.cli.main import build_parser, verb_named

# Each of these takes tens of milliseconds or megabytes to import; the verbs that use them import them themselves.
HEAVY = ("sqlalchemy", "alembic", "PySide6", "pydantic", "sqlcipher3", "mako")
EVERY_VERB = (
    "run content screenshot audit export report init doctor user staff demo-data bench db config supervise "
    "install-service"
)


def modules_after(code: str) -> set[str]:
    """Modules a fresh interpreter has loaded after running `code` (this process has loaded them all)."""
    probe = f"{code}\nimport json, sys; print(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120)
    return set(json.loads(done.stdout.splitlines()[-1]))


def loaded_after(code: str) -> set[str]:
    """Top-level packages loaded after running `code`."""
    return {name.split(".")[0] for name in modules_after(code)}


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


def test_demo_data_help_names_the_generators_default(capsys: pytest.CaptureFixture[str]) -> None:
    from kiosk.services.demo_data import DEFAULT_DAYS

    with pytest.raises(SystemExit):
        build_parser().parse_args(["demo-data", "--help"])
    assert f"default {DEFAULT_DAYS}" in capsys.readouterr().out


def test_the_doctor_accepts_the_flag_its_qt_probe_child_is_started_with() -> None:
    from kiosk.ops.qt_probe import PROBE_FLAG

    assert build_parser().parse_args(["doctor", PROBE_FLAG]).qt_probe


def test_a_command_imports_only_its_own_verbs_module() -> None:
    # --size without --windowed: `kiosk run` refuses it before it starts Qt, so this runs no kiosk.
    code = "from kiosk.cli.main import main\nassert main(['run', '--size', '800x600']) == 2"
    verbs = {name for name in modules_after(code) if name.startswith("kiosk.cli.") and name.endswith("_cmd")}
    assert verbs == {"kiosk.cli.run_cmd"}


@pytest.mark.parametrize(
    ("argv", "verb"),
    [
        (["run", "--windowed"], "run"),
        (["--config", "kiosk.toml", "-v", "db", "check"], "db"),
        (["--conf", "run", "config", "show"], "config"),  # an abbreviated option, whose value looks like a verb
        (["--help"], None),
        (["--version"], None),
        (["--config"], None),  # the full parser says what is missing
        (["nope"], None),
        ([], None),
    ],
)
def test_the_verb_is_found_past_the_top_level_options(argv: list[str], verb: str | None) -> None:
    assert verb_named(argv) == verb
