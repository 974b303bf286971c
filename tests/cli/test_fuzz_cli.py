"""Every verb of the real command line, given arguments as a hurried (or hostile) person types them, answers with
an exit code and sentences: never a traceback, never a Python exception's name, never a file outside its tree.

The argument lists come from the real argparse parser (kiosk.cli.main.build_parser), so a new verb or option is
fuzzed without anyone remembering to add it here. The verbs that open windows or servers (run, staff, screenshot,
bench, supervise) only get command lines that fail to parse.
"""

from __future__ import annotations

import argparse
import getpass
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st

from kiosk.cli.main import build_parser, main
from kiosk.ops import qt_probe
from kiosk.ops.exit_codes import EXIT_FAULT
from kiosk.ui import qt_probe_child
from tests.cli.test_doctor_cmd import DESKTOP

EXAMPLES = int(os.environ.get("KIOSK_FUZZ_EXAMPLES", "25"))  # per verb; raise it to hunt longer on a spare PC
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize="KIOSK_FUZZ_EXAMPLES" not in os.environ,  # the same examples each run, unless hunting
    # No shrinking: a failing command line is short enough to read as found, and shrinking one costs seconds.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
PASSWORD = "violet harbour lamp under the stairs"
# The verbs that would open a window, start a server or run for minutes: only command lines that fail to parse.
WINDOWS_AND_SERVERS = ("run", "staff", "screenshot", "bench", "supervise")
# `content preview` draws every page in windows (and with --watch runs until Ctrl+C).
WINDOW_COMMANDS = (("content", "preview"),)


def opens_windows(words: tuple[str, ...]) -> bool:
    return words[0] in WINDOWS_AND_SERVERS or words in WINDOW_COMMANDS


# A Python exception's name (ValueError, sqlite3.OperationalError, SAWarning...) or a traceback's first line.
PYTHON_TALK = re.compile(r"Traceback \(most recent call last\)|\b[A-Z][A-Za-z0-9]*(?:Error|Exception|Warning)\b")
OUTSIDE = "/nonexistent-kiosk-fuzz"  # a folder that does not exist; nothing may create it


def leaves(parser: argparse.ArgumentParser, words: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Every command the parser knows, as the words that name it: ("db", "purge"), ("doctor",)..."""
    groups = [action for action in parser._actions if isinstance(action, argparse._SubParsersAction)]
    if not groups:
        yield words
    for group in groups:
        for name, child in group.choices.items():
            yield from leaves(child, (*words, name))


def parser_of(words: tuple[str, ...]) -> argparse.ArgumentParser:
    parser = build_parser(only=words[0])
    for word in words:
        group = next(action for action in parser._actions if isinstance(action, argparse._SubParsersAction))
        parser = group.choices[word]
    return parser


COMMANDS = sorted(leaves(build_parser()))


@dataclass
class Installation:
    """A clinic's installation in a temporary folder: settings, an encrypted database with an admin, a backup."""

    root: Path
    settings: Path
    work: Path  # the working folder commands run in

    def paths(self) -> list[str]:
        """Paths a person might give: good, missing, folders, devices (through links), the installation's own."""
        root = self.root
        return [
            "out.csv",
            "missing/folder/out.csv",
            f"{OUTSIDE}/out.csv",
            str(root / "backup.sqlite3"),
            str(root / "garbage.bin"),
            str(root / "empty.txt"),
            str(root / "devnull"),
            str(root / "devfull"),
            str(root),
            ".",
            "..",
            "~nosuchuser/out.csv",
            "~/out.csv",
            str(self.settings),
            str(root / "password.txt"),
            str(root / "kiosk.sqlite3"),
            "x" * 300,
            "ü/\u202e.csv",
        ]


@pytest.fixture(scope="module")
def installation(tmp_path_factory: pytest.TempPathFactory) -> Installation:
    root = tmp_path_factory.mktemp("fuzz-install")
    home = root / "home"
    settings_file = root / "kiosk.toml"
    settings_file.write_text('[database]\nurl = "sqlite:///kiosk.sqlite3"\n', encoding="utf-8")
    (root / "password.txt").write_text(PASSWORD + "\n", encoding="utf-8")
    (root / "garbage.bin").write_bytes(bytes(range(256)) * 16)
    (root / "empty.txt").write_bytes(b"")
    (root / "devnull").symlink_to("/dev/null")
    (root / "devfull").symlink_to("/dev/full")
    (root / "work").mkdir()
    with pytest.MonkeyPatch.context() as patch:
        environment(patch, root, home)
        config = ["--config", str(settings_file)]
        assert main([*config, "init", "--admin-user", "ada", "--admin-password-file", str(root / "password.txt")]) == 0
        assert main([*config, "db", "backup", "--out", str(root / "backup.sqlite3")]) == 0
    return Installation(root, settings_file, root / "work")


def environment(patch: pytest.MonkeyPatch, root: Path, home: Path) -> None:
    """Every folder the kiosk may write to by default is inside the installation's tree."""
    patch.setenv("HOME", str(home))
    for variable, folder in (
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_DATA_HOME", "data"),
        ("XDG_STATE_HOME", "state"),
        ("XDG_CACHE_HOME", "cache"),
        ("XDG_RUNTIME_DIR", "runtime"),
        ("TMPDIR", "tmp"),
    ):
        (home / folder).mkdir(parents=True, exist_ok=True)
        patch.setenv(variable, str(home / folder))
    patch.setattr(tempfile, "tempdir", str(home / "tmp"))
    patch.setenv("KIOSK_CONFIG", str(root / "kiosk.toml"))
    patch.chdir(root / "work")


@pytest.fixture
def kiosk_env(installation: Installation, monkeypatch: pytest.MonkeyPatch) -> Installation:
    """The installation's folders for this test (after the suite's own private folders), and nobody at the keys."""
    environment(monkeypatch, installation.root, installation.root / "home")
    monkeypatch.setattr("sys.stdin", open(os.devnull, encoding="utf-8"))  # noqa: SIM115 - closed with the process

    def nobody_types(prompt: str = "Password: ", stream: object = None) -> str:
        raise EOFError  # as getpass does when nobody is at the keyboard

    monkeypatch.setattr(getpass, "getpass", nobody_types)
    monkeypatch.setattr(qt_probe, "probe_qt", lambda: DESKTOP)
    monkeypatch.setattr(qt_probe_child, "run_probe", lambda: 0)
    return installation


# --- Arguments --------------------------------------------------------------------------------------------------

DATES = ["9999-12-31", "0001-01-01", "0000-01-01", "2024-02-30", "31/12/2024", "2024-13-01", "today", "1e9"]
NUMBERS = ["0", "-1", "3000000", "9" * 30, "9" * 5000, "1e9", "0x10", "1_000", "\u0663", "nan", "inf", " 7 "]
TEXTS = ["", " ", "-", "--", "-x", "\udcff", "é", "\u202e", "x" * 5000, "admin", "ada", "a\tb", "$(reboot)"]
# What a real command line can hold: not NUL (the kernel cuts the string there), and of the half characters only
# those Python makes of bytes that are not UTF-8 (U+DC80 to U+DCFF, as "\udcff" in TEXTS).
_typed = st.text(st.characters(blacklist_characters="\x00", blacklist_categories=["Cs"]), max_size=24)


def values(installation: Installation) -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(DATES),
        st.dates().map(lambda day: day.isoformat()),
        st.sampled_from(NUMBERS),
        st.integers(min_value=-(10**20), max_value=10**20).map(str),
        st.sampled_from(TEXTS),
        _typed,
        st.sampled_from(installation.paths()),
    )


def _value_for(action: argparse.Action, draw: st.DrawFn, installation: Installation) -> str:
    if action.dest == "count":
        # demo-data --count N really adds N requests; a huge valid N is a long job, not a bad input.
        return draw(st.sampled_from(["1", "3", "2", "0", "-5", "many", "9" * 5000]))
    # Mostly a value of the option's own kind, so that many command lines get past argparse into the verb.
    usual = draw(st.integers(0, 3)) > 0
    if action.choices is not None and usual:
        return str(draw(st.sampled_from(list(action.choices))))
    if action.type is Path and usual:
        return draw(st.sampled_from(installation.paths()))
    if callable(action.type) and action.type is not Path and usual:  # int, a number of days, a size...
        return draw(st.one_of(st.sampled_from(NUMBERS), st.integers(min_value=-(10**12), max_value=10**12).map(str)))
    return draw(values(installation))


@st.composite
def command_lines(draw: st.DrawFn, words: tuple[str, ...], installation: Installation) -> list[str]:
    """The command's words, then its positionals and options in a random order with random values."""
    parser = parser_of(words)
    parts: list[list[str]] = []
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction) or action.dest == "kiosk_args":
            continue
        if not action.option_strings:  # positional: usually given
            if draw(st.integers(0, 9)) > 0:
                parts.append([_value_for(action, draw, installation)])
            continue
        wanted = draw(st.integers(0, 9)) > 0 if action.required else draw(st.booleans())  # required: usually
        if not wanted:
            continue
        flag = draw(st.sampled_from(action.option_strings))
        if action.nargs == 0:
            parts.append([flag])
        elif draw(st.integers(0, 9)) == 0:
            parts.append([flag])  # the value forgotten
        else:
            parts.append([flag, _value_for(action, draw, installation)])
    parts = draw(st.permutations(parts)) if parts else parts
    if draw(st.integers(0, 7)) == 0:
        parts.append([draw(st.sampled_from(["--no-such-option", "extra", "-", "--"]))])
    top = draw(
        st.sampled_from([[], ["-v"], ["--config", str(installation.settings)]])
        | values(installation).map(lambda name: ["--config", name])  # any settings file name at all
    )
    return [*top, *words, *(word for part in parts for word in part)]


# --- The property -----------------------------------------------------------------------------------------------


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """The exit code and everything printed; any exception other than argparse's exit is the test's failure."""
    capsys.readouterr()
    try:
        code = main(argv)
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 0 if stop.code is None else 2
    out, err = capsys.readouterr()
    return code, out + err


def assert_sentences_only(argv: list[str], code: int, printed: str) -> None:
    assert isinstance(code, int), f"kiosk {argv}: exit code {code!r}"
    # The last-resort sentence (kiosk.cli.errors.run_verb) keeps a clinic's screen clean, but it is still a bug.
    assert code != EXIT_FAULT, f"kiosk {argv} stopped on a fault:\n{printed[-3000:]}"
    talk = PYTHON_TALK.search(printed)
    assert talk is None, f"kiosk {argv} printed {talk.group(0)!r}:\n{printed[-3000:]}"
    if Path(OUTSIDE).exists():
        shutil.rmtree(OUTSIDE)  # so that one such failure does not make every later example fail too
        pytest.fail(f"kiosk {argv} created {OUTSIDE}")


KNOWN: dict[tuple[str, ...], str] = {}  # command lines still known to fail: xfail, naming the file


def _param(words: tuple[str, ...]) -> object:
    marks = [pytest.mark.xfail(reason=KNOWN[words], strict=False)] if words in KNOWN else []
    return pytest.param(words, id=" ".join(words), marks=marks)


@pytest.mark.parametrize("words", [_param(w) for w in COMMANDS if not opens_windows(w)])
def test_every_verb_answers_any_arguments_in_sentences(
    words: tuple[str, ...], kiosk_env: Installation, capsys: pytest.CaptureFixture[str]
) -> None:
    @FUZZ
    @given(argv=command_lines(words, kiosk_env))
    def attempt(argv: list[str]) -> None:
        assume(not _makes_its_settings_folder(words, argv))
        code, printed = run(argv, capsys)
        assert_sentences_only(argv, code, printed)

    attempt()


def _makes_its_settings_folder(words: tuple[str, ...], argv: list[str]) -> bool:
    """`init --config FILE` makes FILE's folder on purpose (tests/cli/test_accounts_cli.py): not a stray write."""
    named = argv[argv.index("--config") + 1 :][:1] if "--config" in argv else []
    return words == ("init",) and bool(named) and named[0].startswith(OUTSIDE)


@pytest.mark.parametrize("words", [w for w in COMMANDS if opens_windows(w)], ids=" ".join)
def test_window_and_server_verbs_refuse_bad_arguments_in_a_sentence(
    words: tuple[str, ...], kiosk_env: Installation, capsys: pytest.CaptureFixture[str]
) -> None:
    @FUZZ
    @given(argv=command_lines(words, kiosk_env), bad=st.sampled_from(["--no-such-option", "--size", "--size=0x0"]))
    def attempt(argv: list[str], bad: str) -> None:
        argv = [*argv, bad]
        assume(not _parses(argv, capsys))
        code, printed = run(argv, capsys)
        assert code == 2
        assert_sentences_only(argv, code, printed)

    attempt()


def _parses(argv: list[str], capsys: pytest.CaptureFixture[str]) -> bool:
    try:
        build_parser().parse_args(argv)
    except SystemExit:
        return False
    finally:
        capsys.readouterr()
    return True


# --- Known cases, one by one ------------------------------------------------------------------------------------

# Each once printed a traceback (or, in another helper's file, still does: xfail names the file).
ONCE_CRASHED = [
    pytest.param(["db", "purge", "--older-than", "3000000"], id="purge 3000000 days"),
    pytest.param(["db", "purge", "--dry-run", "--older-than", "9" * 5000], id="purge 5000 digits"),
    pytest.param(["demo-data", "--count", "1", "--days", "3000000", "--force"], id="demo-data 3000000 days"),
    pytest.param(["content", "check", "\udcff"], id="content check undecodable folder"),
    pytest.param(["content", "check", "x" * 300], id="content check name too long"),
    pytest.param(["install-service", "--print", "--config", "x" * 300], id="install-service long name"),
    pytest.param(
        ["install-service", "--print", "--config", "~nosuchuser/kiosk.toml"], id="install-service ~nosuchuser"
    ),
    pytest.param(["export", "--out", "e.csv", "--to", "9999-12-31"], id="export to 9999-12-31"),
    pytest.param(["export", "--out", "e.csv", "--from", "0001-01-01"], id="export from 0001-01-01"),
    pytest.param(["export", "--out", "~nosuchuser/out.csv"], id="export to ~nosuchuser"),
    pytest.param(["config", "show", "--config", "~nosuchuser/kiosk.toml"], id="config ~nosuchuser"),
    pytest.param(["--config", "9" * 300, "doctor"], id="doctor settings name too long"),
    pytest.param(
        ["--config", "x" * 300, "init", "--admin-user", "ada", "--admin-password-file", "password.txt"],
        id="init settings name too long",
    ),
    pytest.param(["--config", "~nosuchuser/kiosk.toml", "init"], id="init settings of ~nosuchuser"),
    pytest.param(["db", "backup", "--out", f"{OUTSIDE}/out.csv"], id="backup into a missing folder"),
    pytest.param(["db", "backup", "--out", "~0"], id="backup to ~0"),
    pytest.param(["db", "backup", "--out", "\udcff"], id="backup to undecodable name"),
    pytest.param(["db", "restore", "\udcff"], id="restore undecodable name"),
]


@pytest.mark.parametrize("argv", ONCE_CRASHED)
def test_command_lines_that_once_crashed_answer_in_sentences(
    argv: list[str], kiosk_env: Installation, capsys: pytest.CaptureFixture[str]
) -> None:
    code, printed = run(argv, capsys)

    assert_sentences_only(argv, code, printed)


def test_purge_older_than_three_million_days_is_one_sentence(
    kiosk_env: Installation, capsys: pytest.CaptureFixture[str]
) -> None:
    for dry in ([], ["--dry-run"]):
        code, printed = run(["db", "purge", "--older-than", "3000000", *dry], capsys)

        assert code == 2
        assert printed.strip().endswith("'3000000' is more than 36500 days (100 years); give fewer")
        assert_sentences_only(["db", "purge"], code, printed)


def test_an_undecodable_argument_is_printed_not_crashed_on(kiosk_env: Installation) -> None:
    """Linux hands a byte that is not UTF-8 to Python as half a character; printing it must not stop the verb."""
    folder = os.fsencode(kiosk_env.root) + b"/caf\xe9"
    result = subprocess.run(
        [sys.executable, "-m", "kiosk", "content", "check", folder],
        capture_output=True,
        env={**os.environ, "PYTHONIOENCODING": "utf-8", "LC_ALL": "C.UTF-8"},
        timeout=120,
        check=False,
    )
    printed = (result.stdout + result.stderr).decode("utf-8", "replace")
    assert result.returncode == 1, printed
    assert "content folder does not exist" in printed
    assert_sentences_only(["content", "check", "caf\udce9"], result.returncode, printed)


# --- The last resort --------------------------------------------------------------------------------------------


def test_a_fault_nobody_foresaw_is_one_sentence_and_the_details_only_on_request(
    kiosk_env: Installation, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from kiosk.cli import content_cmd

    def broken(args: argparse.Namespace) -> int:
        raise ZeroDivisionError("a bug in the kiosk")  # stands for any fault nobody has found yet

    monkeypatch.setattr(content_cmd, "_check", broken)

    code, printed = run(["content", "check"], capsys)
    assert code == EXIT_FAULT
    assert printed.strip() == (
        "kiosk: `kiosk content check` stopped on a fault in the kiosk program, not in what you typed: run it again "
        "as `kiosk --verbose content check ...` to see the details, and send them to the kiosk's supplier."
    )
    code, printed = run(["--verbose", "content", "check"], capsys)
    assert code == EXIT_FAULT
    assert "Traceback" in printed and "ZeroDivisionError: a bug in the kiosk" in printed


def test_ctrl_c_stops_a_verb_with_a_sentence(
    kiosk_env: Installation, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from kiosk.cli import content_cmd

    def interrupted(args: argparse.Namespace) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(content_cmd, "_check", interrupted)

    code, printed = run(["content", "check"], capsys)
    assert (code, printed.strip()) == (130, "kiosk: `kiosk content check` was stopped (Ctrl+C) before it finished.")


# --- Settings that name the wrong kind of file ------------------------------------------------------------------

WRONG_KIND = [
    pytest.param(
        '[database]\nurl = "sqlite:///empty.txt/kiosk.sqlite3"\n', ["db", "check"], id="database inside a file"
    ),
    pytest.param('[database]\nurl = "sqlite:///"\n', ["db", "check"], id="database is the folder"),
    pytest.param(
        '[database]\nurl = "sqlite:///kiosk.sqlite3"\nkey_file = "."\n', ["doctor"], id="key file is a folder"
    ),
    pytest.param('[logging]\nfolder = "empty.txt"\n', ["db", "check"], id="log folder is a file"),
    pytest.param('[database]\nbackup_folder = "empty.txt"\n', ["db", "check"], id="backup folder is a file"),
]


@pytest.mark.parametrize(("settings_text", "verb"), WRONG_KIND)
def test_settings_naming_the_wrong_kind_of_file_are_sentences(
    settings_text: str, verb: list[str], kiosk_env: Installation, capsys: pytest.CaptureFixture[str]
) -> None:
    odd = kiosk_env.root / "odd.toml"
    odd.write_text(settings_text, encoding="utf-8")

    code, printed = run(["--config", str(odd), *verb], capsys)

    assert_sentences_only(["--config", "odd.toml", *verb], code, printed)
