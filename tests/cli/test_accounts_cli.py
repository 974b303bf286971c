"""`kiosk init` and `kiosk user` as clinic IT types them, on a real SQLite file."""

from __future__ import annotations

import getpass
import re
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kiosk.cli.main import main
from kiosk.config.loader import settings_from_mapping
from kiosk.config.reference import settings_template
from kiosk.config.settings import Settings
from kiosk.domain.staff import Role
from kiosk.services.accounts import AccountRules, list_accounts, sign_in
from kiosk.services.audit import AuditFilter, list_entries, verify_chain
from kiosk.storage.database import Database
from tests import encrypted_files

ADMIN_PASSWORD = "violet harbour lamp"
DESK_PASSWORD = "quiet morning tea"
Run = Callable[..., int]


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text('[database]\nurl = "sqlite:///kiosk.sqlite3"\n', encoding="utf-8")
    return path


@pytest.fixture
def kiosk(config: Path) -> Run:
    def run(*argv: str) -> int:
        return main(["--config", str(config), *argv])

    return run


@pytest.fixture
def password_file(tmp_path: Path) -> Callable[..., Path]:
    def write(text: str, name: str = "password.txt") -> Path:
        path = tmp_path / name
        path.write_bytes(text.encode("utf-8"))
        return path

    return write


@pytest.fixture
def opened(config: Path) -> Iterator[Callable[[], Database]]:
    databases: list[Database] = []

    def open_it() -> Database:
        databases.append(encrypted_files.open_again(config.parent / "kiosk.sqlite3"))
        return databases[-1]

    yield open_it
    for database in databases:
        database.close()


@pytest.fixture
def initialised(kiosk: Run, password_file: Callable[[str], Path], capsys: pytest.CaptureFixture[str]) -> Run:
    assert kiosk("init", "--admin-user", "Ada", "--admin-password-file", str(password_file(ADMIN_PASSWORD + "\n"))) == 0
    capsys.readouterr()
    return kiosk


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> Callable[..., list[str]]:
    """Answer getpass and input prompts in order; returns the prompts that were shown."""

    def give(*replies: str) -> list[str]:
        queue = list(replies)
        prompts: list[str] = []

        def reply(prompt: str = "") -> str:
            prompts.append(prompt)
            if not queue:
                raise EOFError
            return queue.pop(0)

        monkeypatch.setattr(getpass, "getpass", reply)
        monkeypatch.setattr("builtins.input", reply)
        return prompts

    return give


VERBS = [
    ["init"],
    ["user"],
    ["user", "add"],
    ["user", "list"],
    ["user", "disable"],
    ["user", "enable"],
    ["user", "reset-password"],
    ["user", "unlock"],
]


@pytest.mark.parametrize("verb", VERBS, ids=" ".join)
def test_every_verb_has_help(verb: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([*verb, "--help"])
    assert exit_info.value.code == 0
    assert "usage: kiosk" in capsys.readouterr().out


def test_scripted_init_writes_settings_database_and_admin_end_to_end(
    tmp_path: Path, private_folders: Path, password_file: Callable[[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "site" / "kiosk.toml"
    secret = password_file(ADMIN_PASSWORD + "\n")

    code = main(
        [
            *("--config", str(config), "init", "--admin-user", " Ada "),
            *("--admin-password-file", str(secret), "--display-name", "Ada Byron"),
        ]
    )

    assert code == 0
    out = capsys.readouterr().out
    assert f"Wrote the settings file {config}" in out
    assert "Created the admin account 'ada'" in out
    assert config.read_text(encoding="utf-8") == settings_template()
    # The template sets nothing, so the database is the default one in the (test's private) data folder.
    database_path = private_folders / "data" / "clinic-kiosk" / "kiosk.sqlite3"
    database = encrypted_files.open_again(database_path)
    try:
        [account] = list_accounts(database)
        assert (account.username, account.display_name, account.role, account.active) == (
            "ada",
            "Ada Byron",
            Role.ADMIN,
            True,
        )
        actor = sign_in(database, "ada", ADMIN_PASSWORD, workstation="front-desk", rules=AccountRules())
        assert actor.role is Role.ADMIN
        [login, added] = list_entries(database, AuditFilter())
        assert (added.actor.startswith("cli:"), added.action, added.target) == (True, "user_add", "ada")
        assert login.action == "login"
        assert verify_chain(database).intact
    finally:
        database.close()


def test_the_settings_template_lists_the_defaults_commented_out() -> None:
    # Only the [table] lines are live, and empty tables change nothing.
    assert settings_from_mapping(tomllib.loads(settings_template())) == Settings()
    uncommented = re.sub(r"^# (\[[a-z.]+\]|[a-z_]+ = )", r"\1", settings_template(), flags=re.M)
    raw = tomllib.loads(uncommented)
    assert set(raw) == set(Settings.model_fields)
    assert settings_from_mapping(raw) == Settings()


def test_init_twice_changes_nothing_and_says_so(
    initialised: Run, config: Path, opened: Callable[[], Database], capsys: pytest.CaptureFixture[str]
) -> None:
    before = config.read_text(encoding="utf-8")
    assert initialised("init") == 0
    out = capsys.readouterr().out
    assert "already exists; left as it is" in out
    assert "An admin account already exists, so none was created" in out
    assert config.read_text(encoding="utf-8") == before
    assert [a.username for a in list_accounts(opened())] == ["ada"]


def test_interactive_init_asks_name_and_password_twice(
    kiosk: Run, opened: Callable[[], Database], answers: Callable[..., list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    prompts = answers("Grace", "Grace Hopper", ADMIN_PASSWORD, ADMIN_PASSWORD)
    assert kiosk("init") == 0
    assert prompts == [
        "First admin's username: ",
        "Their name as the console shows it (Enter to use the username): ",
        "New password: ",
        "Type it again: ",
    ]
    assert "Created the admin account 'grace'" in capsys.readouterr().out
    [account] = list_accounts(opened())
    assert (account.username, account.display_name) == ("grace", "Grace Hopper")


def test_interactive_init_refuses_two_different_passwords(
    kiosk: Run, opened: Callable[[], Database], answers: Callable[..., list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    answers("grace", "", ADMIN_PASSWORD, ADMIN_PASSWORD + "!")
    assert kiosk("init") == 2
    assert capsys.readouterr().err == (
        "kiosk: The two passwords differ: run the command again and type the same password twice.\n"
    )
    assert list_accounts(opened()) == []


def test_init_with_no_one_to_answer_says_how_to_script_it(
    kiosk: Run, answers: Callable[..., list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    answers()
    assert kiosk("init") == 2
    assert "use --admin-user NAME --admin-password-file FILE" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--admin-password-file", "{file}"], "Give the admin's username with --admin-user NAME"),
        (["--admin-user", "two words", "--admin-password-file", "{file}"], "Use a username of 1 to 64"),
        (["--admin-user", "ada", "--admin-password-file", "{short}"], "Use at least 15 characters"),
        (["--admin-user", "ada", "--admin-password-file", "{common}"], "common or leaked passwords"),
        (["--admin-user", "ada", "--admin-password-file", "{missing}"], "cannot be read (No such file"),
    ],
)
def test_bad_scripted_init_writes_nothing(
    tmp_path: Path,
    password_file: Callable[..., Path],
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    message: str,
) -> None:
    config = tmp_path / "new" / "kiosk.toml"
    files = {
        "file": str(password_file(ADMIN_PASSWORD)),
        "short": str(password_file("short\n", "short.txt")),
        "common": str(password_file("Password1!Password1!\n", "common.txt")),
        "missing": str(tmp_path / "nowhere.txt"),
    }
    code = main(["--config", str(config), "init", *(part.format(**files) for part in argv)])
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("kiosk: ") and message in err and err.count("\n") == 1
    assert ADMIN_PASSWORD not in err
    assert not config.exists()


def test_the_password_file_keeps_spaces_and_drops_only_the_line_ending(
    kiosk: Run, password_file: Callable[[str], Path], opened: Callable[[], Database]
) -> None:
    secret = password_file("  spaced phrase here \r\nsecond line is ignored\n")
    assert kiosk("init", "--admin-user", "ada", "--admin-password-file", str(secret)) == 0
    rules = AccountRules()
    assert sign_in(opened(), "ada", "  spaced phrase here ", workstation="d", rules=rules).username == "ada"


def test_user_add_list_disable_enable_unlock_reset(
    initialised: Run,
    password_file: Callable[..., Path],
    opened: Callable[[], Database],
    capsys: pytest.CaptureFixture[str],
) -> None:
    desk = str(password_file(DESK_PASSWORD + "\n", "desk.txt"))
    assert (
        initialised(
            "user", "add", "Maria", "--role", "reception", "--display-name", "Maria Lopez", "--password-file", desk
        )
        == 0
    )
    assert capsys.readouterr().out == "Added reception account 'maria' (Maria Lopez).\n"

    assert initialised("user", "list") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["USERNAME", "NAME", "ROLE", "ACTIVE", "FAILED", "SIGN-INS", "LAST", "SIGN-IN"]
    assert lines[1].split() == ["ada", "ada", "admin", "yes", "0", "never"]
    assert lines[2].split() == ["maria", "Maria", "Lopez", "reception", "yes", "0", "never"]
    assert "argon2" not in "\n".join(lines)

    assert initialised("user", "disable", "maria") == 0
    assert "Disabled 'maria'" in capsys.readouterr().out
    assert initialised("user", "enable", "maria") == 0
    assert "Enabled 'maria'" in capsys.readouterr().out
    assert initialised("user", "unlock", "maria") == 0
    assert "Cleared the failed sign-ins of 'maria'" in capsys.readouterr().out
    new = str(password_file("a fresh desk phrase", "new.txt"))
    assert initialised("user", "reset-password", "maria", "--password-file", new) == 0
    assert "Set a new password for 'maria'" in capsys.readouterr().out

    database = opened()
    assert sign_in(database, "maria", "a fresh desk phrase", workstation="d", rules=AccountRules()).username == "maria"
    actions = [(row.action, row.target) for row in reversed(list_entries(database, AuditFilter()))]
    assert actions[-6:] == [
        ("user_add", "maria"),
        ("user_disable", "maria"),
        ("user_enable", "maria"),
        ("user_unlock", "maria"),
        ("password_reset", "maria"),
        ("login", "maria"),
    ]
    assert verify_chain(database).intact


def test_user_add_asks_the_password_twice_without_a_file(
    initialised: Run, answers: Callable[..., list[str]], opened: Callable[[], Database]
) -> None:
    prompts = answers(DESK_PASSWORD, DESK_PASSWORD)
    assert initialised("user", "add", "maria", "--role", "admin") == 0
    assert prompts == ["New password: ", "Type it again: "]
    assert [(a.username, a.role) for a in list_accounts(opened())] == [("ada", Role.ADMIN), ("maria", Role.ADMIN)]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["user", "add", "bad name", "--role", "reception", "--password-file", "{desk}"], "Use a username of 1 to 64"),
        (["user", "add", "ada", "--role", "reception", "--password-file", "{desk}"], "already an account named 'ada'"),
        (["user", "add", "bob", "--role", "reception", "--password-file", "{weak}"], "common or leaked"),
        (["user", "add", "bob", "--role", "reception", "--password-file", "{clinic}"], "the clinic's name"),
        (["user", "disable", "ada"], "last active admin"),
        (["user", "enable", "nobody"], "no staff account named 'nobody'"),
        (["user", "unlock", "nobody"], "no staff account named 'nobody'"),
        (["user", "reset-password", "nobody"], "no staff account named 'nobody'"),
        (["user", "reset-password", "ada", "--password-file", "{weak}"], "common or leaked"),
        (["user", "reset-password", "ada", "--password-file", "{ada}"], "Leave your username"),
    ],
)
def test_bad_user_input_is_one_sentence_exit_2_and_changes_nothing(
    initialised: Run,
    password_file: Callable[..., Path],
    opened: Callable[[], Database],
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    message: str,
) -> None:
    files = {
        "desk": str(password_file(DESK_PASSWORD, "desk.txt")),
        "weak": str(password_file("password1password1", "weak.txt")),
        "clinic": str(password_file("Ascent Pain 2024!!", "clinic.txt")),  # the default clinic name
        "ada": str(password_file("ada12345ada12345", "ada.txt")),
    }
    database = opened()
    before = len(list_entries(database, AuditFilter()))

    assert initialised(*(part.format(**files) for part in argv)) == 2

    err = capsys.readouterr().err
    assert err.startswith("kiosk: ") and message in err and err.count("\n") == 1
    assert [(a.username, a.active) for a in list_accounts(database)] == [("ada", True)]
    assert len(list_entries(database, AuditFilter())) == before
    assert sign_in(database, "ada", ADMIN_PASSWORD, workstation="d", rules=AccountRules()).username == "ada"


def test_an_unknown_role_is_refused_by_the_parser(initialised: Run, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        initialised("user", "add", "maria", "--role", "doctor")
    assert exit_info.value.code == 2
    assert "invalid choice: 'doctor'" in capsys.readouterr().err


def test_user_commands_before_init_say_to_run_init(
    kiosk: Run, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert kiosk("user", "list") == 2
    assert "run `kiosk init` first" in capsys.readouterr().err
    assert not (config.parent / "kiosk.sqlite3").exists()


def test_failed_sign_ins_show_in_the_list_never_lock_and_unlock_clears_them(
    initialised: Run,
    password_file: Callable[..., Path],
    opened: Callable[[], Database],
    capsys: pytest.CaptureFixture[str],
) -> None:
    import datetime as dt

    from kiosk.services.accounts import LoginRefused

    initialised("user", "add", "maria", "--role", "reception", "--password-file", str(password_file(DESK_PASSWORD)))
    database = opened()
    rules = AccountRules()
    start = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)
    for minute in range(12):  # more than the old max_failed_logins of 10
        with pytest.raises(LoginRefused):
            sign_in(
                database, "maria", "wrong again", workstation="d", rules=rules, now=start + dt.timedelta(minutes=minute)
            )
    capsys.readouterr()
    initialised("user", "list")
    maria = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("maria"))
    assert maria.split()[3:5] == ["yes", "12"]  # active, failed sign-ins in a row
    # Not locked: half a minute after the last failure the owner signs in without an admin.
    later = start + dt.timedelta(minutes=11, seconds=30)
    assert sign_in(database, "maria", DESK_PASSWORD, workstation="d", rules=rules, now=later).username == "maria"

    for second in range(4):
        with pytest.raises(LoginRefused):
            sign_in(
                database, "maria", "wrong again", workstation="d", rules=rules, now=later + dt.timedelta(seconds=second)
            )
    assert initialised("user", "unlock", "maria") == 0
    assert "next try waits for nothing" in capsys.readouterr().out
    assert sign_in(database, "maria", DESK_PASSWORD, workstation="d", rules=rules).username == "maria"


@pytest.mark.parametrize(
    ("name", "password"),
    [("bob", "Password1!"), ("bob", "qwerty12"), ("bob", "Summer2024"), ("jsmith", "jsmith123")],
)
def test_the_issues_weak_passwords_are_refused_by_user_add_with_one_sentence(
    initialised: Run,
    password_file: Callable[..., Path],
    opened: Callable[[], Database],
    capsys: pytest.CaptureFixture[str],
    name: str,
    password: str,
) -> None:
    code = initialised("user", "add", name, "--role", "reception", "--password-file", str(password_file(password)))
    assert code == 2
    err = capsys.readouterr().err
    assert err == (
        "kiosk: Use at least 15 characters; a few unrelated words in a row make a password that is easy to remember.\n"
    )
    assert [a.username for a in list_accounts(opened())] == ["ada"]


def test_interactive_user_add_says_the_rule_before_asking(
    initialised: Run, answers: Callable[..., list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    answers(DESK_PASSWORD, DESK_PASSWORD)
    assert initialised("user", "add", "maria", "--role", "reception") == 0
    assert "at least 15 characters" in capsys.readouterr().out.splitlines()[0]


def test_user_list_calmly_names_accounts_still_signing_in_with_an_outdated_password(
    initialised: Run, opened: Callable[[], Database], capsys: pytest.CaptureFixture[str]
) -> None:
    from sqlalchemy import update

    from kiosk.services.accounts import hash_password
    from kiosk.storage.models import StaffUser

    database = opened()
    with database.transaction() as session:  # what `min_password_length = 8` used to allow
        session.execute(
            update(StaffUser).where(StaffUser.username == "ada").values(password_hash=hash_password("tulips88"))
        )
    assert sign_in(database, "ada", "tulips88", workstation="d", rules=AccountRules()).username == "ada"
    capsys.readouterr()

    assert initialised("user", "list") == 0
    out = capsys.readouterr().out
    assert out.splitlines()[-1] == (
        "ada still signs in with a password shorter or easier to guess than the current rules: "
        "set a new one with `kiosk user reset-password ada`."
    )
    assert "tulips" not in out
