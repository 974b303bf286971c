"""`kiosk init`: the settings file, the database and the first admin, interactively or from a script."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.cli.user_cmd import cli_actor, guarded, new_password, read_password_file
from kiosk.ops.exit_codes import EXIT_OK

if TYPE_CHECKING:
    from kiosk.config.settings import Settings
    from kiosk.services.accounts import AccountRules


def add_parser(verbs: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = verbs.add_parser(
        "init",
        help="create the settings file, the database and the first admin",
        description=(
            "Create the settings file (if there is none), create or update the database, and create the "
            "first admin account. Without options it asks for the admin's name and password; with "
            "--admin-user and --admin-password-file it asks nothing. If an admin exists, it changes nothing. "
            "It makes a database only where there is none, no key and no backup: a database that is missing or "
            "empty while its key or backups remain is refused, with the `kiosk db restore` to run."
        ),
    )
    parser.add_argument("--admin-user", metavar="NAME", help="the first admin's username")
    parser.add_argument(
        "--admin-password-file",
        metavar="FILE",
        type=Path,
        help="read the first admin's password from the first line of FILE",
    )
    parser.add_argument("--display-name", metavar="TEXT", help="the first admin's name as the console shows it")
    parser.set_defaults(handler=guarded(_init))


def _init(args: argparse.Namespace) -> int:
    from kiosk.config.loader import locate_settings_file, parse_settings_file
    from kiosk.config.settings import Settings
    from kiosk.services.accounts import AccountError, AccountRules, normalise_username

    if args.admin_password_file is not None and not args.admin_user:
        raise AccountError("Give the admin's username with --admin-user NAME as well as --admin-password-file.")
    path, _, found = locate_settings_file(args.config)
    settings = parse_settings_file(path) if found else Settings()
    rules = AccountRules.from_settings(settings.staff, settings.clinic.name)
    # Scripted answers are checked before anything is written.
    username = normalise_username(args.admin_user) if args.admin_user else None
    password = None
    if args.admin_password_file is not None:
        password = read_password_file(args.admin_password_file)
        problem = rules.password_problem(password, username or "")
        if problem is not None:
            raise AccountError(problem)

    if found:
        print(f"Settings file {path} already exists; left as it is.")
    else:
        _write_template(path)
        print(
            f"Wrote the settings file {path}: edit it to set the clinic's name, hours and database, "
            "then run `kiosk config check`."
        )
    return _first_admin(settings, rules, username, password, args.display_name)


def _write_template(path: Path) -> None:
    from kiosk.config.loader import SettingsError
    from kiosk.config.reference import settings_template

    # Every key with its default, commented out under live [table] lines, generated from the settings model so it
    # cannot drift from it. tests/config/test_template.py checks that any mix of uncommented lines is accepted.
    template = settings_template()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as handle:  # "x": never overwrite a file that appeared meanwhile
            handle.write(template)
    except OSError as exc:
        raise SettingsError(
            f"The settings file {path} cannot be written ({exc.strerror}): choose another place with --config FILE."
        ) from exc


def _first_admin(
    settings: Settings, rules: AccountRules, username: str | None, password: str | None, name: str | None
) -> int:
    from sqlalchemy.engine import make_url

    from kiosk.domain.staff import Role
    from kiosk.services.accounts import AccountError, create_account, has_admin, normalise_username
    from kiosk.services.startup import create_database

    # The one place a database and its key are made, and only where neither (nor a backup) exists:
    # a missing database whose key remains is refused with the restore to run, never replaced.
    database = create_database(settings)
    try:
        shown = make_url(settings.database.resolved_url()).render_as_string(hide_password=True)
        print(f"Database ready: {shown}")
        from kiosk.storage.keys import describe_key_location

        where = describe_key_location(settings)  # create_database made the key on a fresh machine
        if where is not None:
            print(f"The database is encrypted; its key is in the {where}: keep a copy where IT keeps secrets.")
        if has_admin(database):
            print("An admin account already exists, so none was created: add more accounts with `kiosk user add`.")
            return EXIT_OK
        try:
            if username is None:
                username = normalise_username(input("First admin's username: "))
            if name is None and password is None:
                name = input("Their name as the console shows it (Enter to use the username): ")
        except EOFError as exc:
            raise AccountError(
                "No admin was created: answer the questions, or use --admin-user NAME --admin-password-file FILE."
            ) from exc
        if password is None:
            password = new_password(None, rules, username)
        account = create_account(
            database,
            username=username,
            display_name=name or "",
            role=Role.ADMIN,
            password=password,
            rules=rules,
            by=cli_actor(),
        )
    finally:
        database.close()
    print(f"Created the admin account {account.username!r}: sign in to the reception console with it.")
    return EXIT_OK
