"""`kiosk user add|list|disable|enable|reset-password|unlock`: staff accounts for clinic IT."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.cli.errors import friendly
from kiosk.domain.staff import Actor, PermissionDenied, Role
from kiosk.ops.exit_codes import EXIT_OK, EXIT_USAGE

if TYPE_CHECKING:
    from kiosk.config.settings import Settings
    from kiosk.services.accounts import AccountRules, StaffAccount
    from kiosk.storage.database import Database


def add_parser(verbs: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = verbs.add_parser(
        "user",
        help="manage staff accounts for the reception console",
        description="Add, list, disable, enable and unlock staff accounts, or reset a password.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    add = actions.add_parser(
        "add",
        help="add a staff account",
        description="Add a staff account. Without --password-file the password is asked twice, unseen.",
    )
    add.add_argument("name", metavar="NAME", help="username: letters, digits, dots, dashes, underscores")
    add.add_argument("--role", required=True, choices=[role.value for role in Role], help="what the account may do")
    add.add_argument("--display-name", metavar="TEXT", default="", help="the name the console shows")
    _password_file_option(add)
    add.set_defaults(handler=guarded(_add))

    listing = actions.add_parser(
        "list",
        help="list staff accounts",
        description="List every staff account: role, whether it is active, failed sign-ins in a row, last sign-in.",
    )
    listing.set_defaults(handler=guarded(_list))

    for verb, what, action in (
        ("disable", "stop an account from signing in (its history stays)", _disable),
        ("enable", "let a disabled account sign in again", _enable),
        ("unlock", "clear failed sign-ins, so the account's next try waits for nothing", _unlock),
    ):
        sub = actions.add_parser(verb, help=what, description=what[0].upper() + what[1:] + ".")
        sub.add_argument("name", metavar="NAME", help="username")
        sub.set_defaults(handler=guarded(action))

    reset = actions.add_parser(
        "reset-password",
        help="set a new password for an account (also clears failed sign-ins)",
        description="Set a new password for an account and clear its failed sign-ins. "
        "Without --password-file it is asked twice.",
    )
    reset.add_argument("name", metavar="NAME", help="username")
    _password_file_option(reset)
    reset.set_defaults(handler=guarded(_reset))


def _password_file_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--password-file",
        metavar="FILE",
        type=Path,
        help="read the password from the first line of FILE instead of asking (for scripts)",
    )


def guarded(action: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Account problems a person can fix become one sentence on stderr and exit 2, like settings problems."""

    def run(args: argparse.Namespace) -> int:
        from kiosk.services.accounts import AccountError

        try:
            return friendly(lambda: action(args))
        except (AccountError, PermissionDenied) as exc:
            print(f"kiosk: {exc}", file=sys.stderr)
            return EXIT_USAGE

    return run


# --- shared with `kiosk init` ---------------------------------------------------------------------------------------


def cli_actor() -> Actor:
    """Whoever runs the command line acts as an admin, recorded as their OS account (not $USER) on this PC."""
    from kiosk.cli import os_account

    return os_account.cli_actor()


def read_password_file(path: Path) -> str:
    """The first line, without its line ending; spaces are part of the password."""
    from kiosk.services.accounts import AccountError

    try:
        with path.open(encoding="utf-8", newline="") as handle:
            line = handle.readline()
    except UnicodeDecodeError as exc:
        raise AccountError(f"The password file {path} is not UTF-8 text: save it as UTF-8.") from exc
    except OSError as exc:
        raise AccountError(f"The password file {path} cannot be read ({exc.strerror}): check the path.") from exc
    return line.removesuffix("\n").removesuffix("\r")


def ask_new_password(prompt: str = "New password: ") -> str:
    from kiosk.services.accounts import AccountError

    try:
        first = getpass.getpass(prompt)
        second = getpass.getpass("Type it again: ")
    except EOFError as exc:
        raise AccountError("No password was typed: type it when asked, or give it with --password-file FILE.") from exc
    if first != second:
        raise AccountError("The two passwords differ: run the command again and type the same password twice.")
    return first


def new_password(file: Path | None, rules: AccountRules, username: str) -> str:
    """From the file or asked twice, checked against the rules before anything is written."""
    from kiosk.services.accounts import AccountError

    if file is None:
        # Said before the question: people choose better when they know the rule.
        print(
            f"Choose a password of at least {rules.min_password_length} characters: "
            "a few unrelated words in a row are easy to remember and hard to guess."
        )
    password = read_password_file(file) if file is not None else ask_new_password()
    problem = rules.password_problem(password, username)
    if problem is not None:
        raise AccountError(problem)
    return password


def load(config: str | None) -> tuple[Settings, AccountRules]:
    from kiosk.config.loader import load_settings
    from kiosk.services.accounts import AccountRules

    settings, _ = load_settings(config)
    return settings, AccountRules.from_settings(settings.staff, settings.clinic.name)


def _open_existing(settings: Settings) -> Database:
    from sqlalchemy.engine import make_url

    from kiosk.services.startup import open_database_at_head
    from kiosk.storage.database import DatabaseError
    from kiosk.storage.health import refuse_lost_database

    refuse_lost_database(settings)  # deleted or emptied while its key or backups remain: the restore, not init
    parsed = make_url(settings.database.resolved_url())
    if parsed.get_backend_name() == "sqlite" and parsed.database and not Path(parsed.database).expanduser().is_file():
        # Opening would create an empty database with no admin in it.
        raise DatabaseError(
            f"There is no database at {parsed.database}: run `kiosk init` first, or check database.url in the settings."
        )
    return open_database_at_head(settings)


def _with_database(config: str | None, work: Callable[[Database, AccountRules], int]) -> int:
    settings, rules = load(config)
    database = _open_existing(settings)
    try:
        return work(database, rules)
    finally:
        database.close()


# --- the verbs ------------------------------------------------------------------------------------------------------


def _add(args: argparse.Namespace) -> int:
    from kiosk.services.accounts import create_account, normalise_username

    settings, rules = load(args.config)
    username = normalise_username(args.name)
    password = new_password(args.password_file, rules, username)
    database = _open_existing(settings)
    try:
        account = create_account(
            database,
            username=username,
            display_name=args.display_name,
            role=Role(args.role),
            password=password,
            rules=rules,
            by=cli_actor(),
        )
    finally:
        database.close()
    print(f"Added {account.role.value} account {account.username!r} ({account.display_name}).")
    return EXIT_OK


def _list(args: argparse.Namespace) -> int:
    from kiosk.services.accounts import list_accounts

    def show(database: Database, _rules: AccountRules) -> int:
        accounts = list_accounts(database)
        if not accounts:
            print("No staff accounts yet: create the first admin with `kiosk init`.")
            return EXIT_OK
        print(format_table(accounts))
        for account in accounts:
            if account.password_renewal_due:
                # NIST: rules apply when a password is set, so this account still signs in; a nudge, not a block.
                print(
                    f"{account.username} still signs in with a password shorter or easier to guess than the "
                    f"current rules: set a new one with `kiosk user reset-password {account.username}`."
                )
        return EXIT_OK

    return _with_database(args.config, show)


def format_table(accounts: list[StaffAccount]) -> str:
    # No LOCKED column: accounts no longer lock; a run of failures only makes the next try wait.
    header = ("USERNAME", "NAME", "ROLE", "ACTIVE", "FAILED SIGN-INS", "LAST SIGN-IN")
    rows = [
        (
            account.username,
            account.display_name,
            account.role.value,
            "yes" if account.active else "no",
            str(account.failed_logins),
            account.last_login_at.astimezone().strftime("%Y-%m-%d %H:%M") if account.last_login_at else "never",
        )
        for account in accounts
    ]
    widths = [max(len(row[column]) for row in [header, *rows]) for column in range(len(header))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in [header, *rows]
    )


def _disable(args: argparse.Namespace) -> int:
    from kiosk.services.accounts import set_active

    def change(database: Database, _rules: AccountRules) -> int:
        account = set_active(database, args.name, False, by=cli_actor())
        print(f"Disabled {account.username!r}: it can no longer sign in; its history stays in the audit trail.")
        return EXIT_OK

    return _with_database(args.config, change)


def _enable(args: argparse.Namespace) -> int:
    from kiosk.services.accounts import set_active

    def change(database: Database, _rules: AccountRules) -> int:
        account = set_active(database, args.name, True, by=cli_actor())
        print(f"Enabled {account.username!r}: it can sign in again.")
        return EXIT_OK

    return _with_database(args.config, change)


def _unlock(args: argparse.Namespace) -> int:
    from kiosk.services.accounts import unlock_account

    def change(database: Database, _rules: AccountRules) -> int:
        account = unlock_account(database, args.name, by=cli_actor())
        print(f"Cleared the failed sign-ins of {account.username!r}: its next try waits for nothing.")
        return EXIT_OK

    return _with_database(args.config, change)


def _reset(args: argparse.Namespace) -> int:
    from kiosk.services.accounts import AccountError, list_accounts, normalise_username, reset_password

    settings, rules = load(args.config)
    username = normalise_username(args.name)
    database = _open_existing(settings)
    try:
        if all(account.username != username for account in list_accounts(database)):
            # Said before asking for a password nobody will use.
            raise AccountError(f"There is no staff account named {username!r}: `kiosk user list` shows them all.")
        password = new_password(args.password_file, rules, username)
        account = reset_password(database, username, password, by=cli_actor(), rules=rules)
    finally:
        database.close()
    print(f"Set a new password for {account.username!r}; its failed sign-ins are cleared.")
    return EXIT_OK
