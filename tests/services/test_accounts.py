"""Staff accounts on a real SQLite file: hashing, throttling, lock-out, roles and their audit rows."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from kiosk.config.settings import StaffSettings
from kiosk.domain.audit import AuditAction, Outcome
from kiosk.domain.staff import Actor, PermissionDenied, Role
from kiosk.services.accounts import (
    ACCOUNT_LOCKED,
    WRONG_CREDENTIALS,
    AccountError,
    AccountRules,
    LoginRefused,
    StaffAccount,
    confirm_password,
    create_account,
    has_admin,
    list_accounts,
    note_console_locked,
    reset_password,
    set_active,
    sign_in,
    sign_out,
    throttle_delay,
    unlock_account,
)
from kiosk.services.audit import AuditFilter, list_entries, verify_chain
from kiosk.storage.database import Database
from kiosk.storage.models import AuditEntry, StaffUser

RULES = AccountRules()
ROOT = Actor(username="cli:it", role=Role.ADMIN, workstation="it-laptop")
T0 = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)
ADMIN_PASSWORD = "violet harbour lamp"
DESK_PASSWORD = "quiet morning tea"


def add(database: Database, username: str, role: Role = Role.RECEPTION, password: str = DESK_PASSWORD) -> StaffAccount:
    return create_account(
        database, username=username, display_name=username.title(), role=role, password=password, rules=RULES, by=ROOT
    )


def stored(database: Database, username: str) -> StaffUser:
    with database.transaction() as session:
        row = session.scalar(select(StaffUser).where(StaffUser.username == username))
        assert row is not None
        return row


def actions(database: Database) -> list[tuple[str, str, str, str]]:
    """(actor, action, target, outcome), oldest first."""
    rows = reversed(list_entries(database, AuditFilter()))
    return [(row.actor, row.action, row.target, row.outcome) for row in rows]


def audit_count(database: Database) -> int:
    with database.transaction() as session:
        return len(list(session.scalars(select(AuditEntry.id))))


@pytest.fixture
def admin(database: Database) -> Actor:
    add(database, "ada", Role.ADMIN, ADMIN_PASSWORD)
    return sign_in(database, "ada", ADMIN_PASSWORD, workstation="front-desk", rules=RULES, now=T0)


def test_rules_come_from_the_staff_settings() -> None:
    rules = AccountRules.from_settings(StaffSettings(min_password_length=12, max_failed_logins=5))
    assert rules == AccountRules(min_password_length=12, max_failed_logins=5)


def test_passwords_are_stored_as_argon2id_with_the_agreed_cost_never_in_plain(
    database: Database, database_file: Path
) -> None:
    add(database, "maria")
    row = stored(database, "maria")
    assert row.password_hash.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert DESK_PASSWORD not in row.password_hash
    database.close()  # folds the write-ahead log into the file, so the bytes below are everything stored
    assert DESK_PASSWORD.encode() not in database_file.read_bytes()


def test_usernames_are_trimmed_and_case_folded(any_database: Database) -> None:
    account = add(any_database, "  Maria.Lopez ")
    assert account.username == "maria.lopez"
    actor = sign_in(any_database, "MARIA.LOPEZ", DESK_PASSWORD, workstation="front-desk", rules=RULES)
    assert (actor.username, actor.role, actor.workstation, actor.display_name) == (
        "maria.lopez",
        Role.RECEPTION,
        "front-desk",
        "Maria.Lopez",
    )


@pytest.mark.parametrize("username", ["", "two words", "semi;colon", "x" * 65])
def test_bad_usernames_are_refused_with_a_sentence(database: Database, username: str) -> None:
    with pytest.raises(AccountError, match="Use a username of 1 to 64 letters"):
        add(database, username)
    assert list_accounts(database) == []


def test_a_duplicate_username_is_refused(any_database: Database) -> None:
    add(any_database, "maria")
    with pytest.raises(AccountError, match="already an account named 'maria'"):
        add(any_database, "MARIA")


def test_a_weak_password_is_refused_and_nothing_is_stored(any_database: Database) -> None:
    with pytest.raises(AccountError, match="at least 8 characters"):
        add(any_database, "maria", password="short")
    with pytest.raises(AccountError, match="not the username"):
        add(any_database, "maria.lopez", password="Maria.Lopez")
    with pytest.raises(AccountError) as error:
        create_account(
            any_database,
            username="maria",
            display_name="Maria",
            role=Role.RECEPTION,
            password="eight ch",
            rules=AccountRules(min_password_length=12),
            by=ROOT,
        )
    assert "at least 12 characters" in str(error.value)
    assert "eight ch" not in str(error.value)
    assert list_accounts(any_database) == []
    assert audit_count(any_database) == 0


def test_the_password_matches_in_either_unicode_spelling(any_database: Database) -> None:
    add(any_database, "maria", password="cafe\u0301 au lait")
    actor = sign_in(any_database, "maria", "caf\u00e9 au lait", workstation="front-desk", rules=RULES)
    assert actor.username == "maria"


def test_a_long_unicode_passphrase_signs_in(database: Database) -> None:
    phrase = "Der Schmerz 🩺 lässt nach, wenn die Sonne über dem Wartezimmer aufgeht 日本語 " * 2
    assert len(phrase) > 64
    add(database, "jonas", password=phrase)
    assert sign_in(database, "jonas", phrase, workstation="front-desk", rules=RULES).username == "jonas"
    with pytest.raises(LoginRefused):
        sign_in(database, "jonas", phrase[:-2], workstation="front-desk", rules=RULES)


def test_success_resets_failures_sets_last_login_and_is_audited(any_database: Database) -> None:
    add(any_database, "maria")
    with pytest.raises(LoginRefused):
        sign_in(any_database, "maria", "wrong guess here", workstation="front-desk", rules=RULES, now=T0)
    assert stored(any_database, "maria").failed_logins == 1

    sign_in(
        any_database, "maria", DESK_PASSWORD, workstation="front-desk", rules=RULES, now=T0 + dt.timedelta(seconds=1)
    )

    row = stored(any_database, "maria")
    assert row.failed_logins == 0
    assert row.last_login_at == T0 + dt.timedelta(seconds=1)
    assert actions(any_database)[-2:] == [
        ("maria", "login_failed", "maria", "failed"),
        ("maria", "login", "maria", "ok"),
    ]


def test_unknown_name_and_wrong_password_read_the_same_and_keep_typed_text_out_of_the_audit(
    any_database: Database,
) -> None:
    add(any_database, "maria")
    with pytest.raises(LoginRefused) as unknown:
        sign_in(any_database, "my secret password", "whatever", workstation="front-desk", rules=RULES)
    with pytest.raises(LoginRefused) as wrong:
        sign_in(any_database, "maria", "whatever", workstation="front-desk", rules=RULES)
    assert str(unknown.value) == str(wrong.value) == WRONG_CREDENTIALS
    unknown_row = list_entries(any_database, AuditFilter(action=AuditAction.LOGIN_FAILED))[-1]
    assert (unknown_row.actor, unknown_row.target, unknown_row.detail) == ("(unknown)", "(unknown)", "unknown username")


def test_throttle_delay_grows_and_is_capped() -> None:
    delays = [throttle_delay(n) for n in range(1, 11)]
    assert delays == [0, 0, 2, 4, 8, 16, 32, 60, 60, 60]


def test_a_throttled_account_refuses_early_attempts_without_checking_the_password(database: Database) -> None:
    add(database, "maria")
    for second in range(3):
        with pytest.raises(LoginRefused) as refused:
            sign_in(
                database, "maria", "not it at all", workstation="d", rules=RULES, now=T0 + dt.timedelta(seconds=second)
            )
        assert refused.value.retry_after_seconds is None
    # Three failures: the next try must wait 2 s after the last one, even with the right password.
    with pytest.raises(LoginRefused) as throttled:
        sign_in(database, "maria", DESK_PASSWORD, workstation="d", rules=RULES, now=T0 + dt.timedelta(seconds=2.5))
    assert throttled.value.retry_after_seconds == pytest.approx(1.5)
    assert "wait 2 seconds" in str(throttled.value)
    assert stored(database, "maria").failed_logins == 3  # a throttled try is not a failure
    assert actions(database)[-1] == ("maria", "login_failed", "maria", "denied")

    actor = sign_in(database, "maria", DESK_PASSWORD, workstation="d", rules=RULES, now=T0 + dt.timedelta(seconds=4))
    assert actor.username == "maria"


def test_the_wait_doubles_with_each_further_failure(database: Database) -> None:
    add(database, "maria")
    moment = T0
    waits = []
    for failures in range(1, 8):
        with pytest.raises(LoginRefused, match="do not match"):
            sign_in(database, "maria", "not it at all", workstation="d", rules=RULES, now=moment)
        if failures >= 3:  # the first two failures cost no wait, so a probe then would be a real attempt
            with pytest.raises(LoginRefused, match="wait") as probe:
                sign_in(database, "maria", DESK_PASSWORD, workstation="d", rules=RULES, now=moment)
            waits.append(probe.value.retry_after_seconds)
        moment += dt.timedelta(seconds=61)
    assert waits == [2, 4, 8, 16, 32]
    assert stored(database, "maria").failed_logins == 7


def test_the_account_locks_after_max_failures_and_only_an_admin_unlocks_it(database: Database, admin: Actor) -> None:
    rules = AccountRules(max_failed_logins=4)
    add(database, "maria")
    moment = T0
    for _ in range(3):
        with pytest.raises(LoginRefused, match="do not match"):
            sign_in(database, "maria", "not it at all", workstation="d", rules=rules, now=moment)
        moment += dt.timedelta(minutes=2)
    with pytest.raises(LoginRefused) as locking:
        sign_in(database, "maria", "not it at all", workstation="d", rules=rules, now=moment)
    assert str(locking.value) == ACCOUNT_LOCKED
    assert actions(database)[-2:] == [
        ("maria", "login_failed", "maria", "failed"),
        ("maria", "account_locked", "maria", "ok"),
    ]
    assert [a.locked for a in list_accounts(database) if a.username == "maria"] == [True]

    # Hours later, the right password still does not get in.
    with pytest.raises(LoginRefused, match="locked"):
        sign_in(database, "maria", DESK_PASSWORD, workstation="d", rules=rules, now=moment + dt.timedelta(hours=5))

    account = unlock_account(database, "maria", by=admin)
    assert (account.locked, account.failed_logins) == (False, 0)
    assert actions(database)[-1] == ("ada", "user_unlock", "maria", "ok")
    assert sign_in(database, "maria", DESK_PASSWORD, workstation="d", rules=rules).username == "maria"
    assert verify_chain(database).intact


def test_a_password_reset_also_unlocks(database: Database, admin: Actor) -> None:
    rules = AccountRules(max_failed_logins=3)
    add(database, "maria")
    for minute in range(3):
        with pytest.raises(LoginRefused):
            sign_in(
                database, "maria", "nope nope nope", workstation="d", rules=rules, now=T0 + dt.timedelta(minutes=minute)
            )
    account = reset_password(database, "maria", "a brand new phrase", by=admin, rules=rules)
    assert not account.locked
    assert actions(database)[-1] == ("ada", "password_reset", "maria", "ok")
    with pytest.raises(LoginRefused):
        sign_in(database, "maria", DESK_PASSWORD, workstation="d", rules=rules)
    assert sign_in(database, "maria", "a brand new phrase", workstation="d", rules=rules).username == "maria"


def test_a_disabled_account_cannot_sign_in_and_enabling_restores_it(database: Database, admin: Actor) -> None:
    add(database, "maria")
    assert not set_active(database, "maria", False, by=admin).active
    with pytest.raises(LoginRefused, match="disabled"):
        sign_in(database, "maria", DESK_PASSWORD, workstation="d", rules=RULES)
    with pytest.raises(LoginRefused, match="do not match"):
        sign_in(database, "maria", "a wrong one!", workstation="d", rules=RULES)
    set_active(database, "maria", True, by=admin)
    assert sign_in(database, "maria", DESK_PASSWORD, workstation="d", rules=RULES).username == "maria"
    assert [a for _, a, t, _ in actions(database) if t == "maria"][:3] == ["user_add", "user_disable", "login_failed"]


def test_reception_cannot_manage_accounts_and_the_attempt_is_audited(database: Database, admin: Actor) -> None:
    add(database, "maria")
    reception = sign_in(database, "maria", DESK_PASSWORD, workstation="front-desk", rules=RULES)
    operations = [
        lambda: create_account(
            database,
            username="eve",
            display_name="Eve",
            role=Role.ADMIN,
            password="sneaky new admin",
            rules=RULES,
            by=reception,
        ),
        lambda: set_active(database, "ada", False, by=reception),
        lambda: reset_password(database, "ada", "sneaky new password", by=reception, rules=RULES),
        lambda: unlock_account(database, "ada", by=reception),
    ]
    for operation in operations:
        with pytest.raises(PermissionDenied, match="cannot manage staff accounts: ask a clinic admin"):
            operation()
    assert [a.username for a in list_accounts(database)] == ["ada", "maria"]
    denied = [row for row in actions(database) if row[1] == "permission_denied"]
    assert denied == [
        ("maria", "permission_denied", "eve", "denied"),
        ("maria", "permission_denied", "ada", "denied"),
        ("maria", "permission_denied", "ada", "denied"),
        ("maria", "permission_denied", "ada", "denied"),
    ]
    assert sign_in(database, "ada", ADMIN_PASSWORD, workstation="d", rules=RULES).role is Role.ADMIN


def test_an_admin_disabled_since_signing_in_loses_the_right_at_once(database: Database, admin: Actor) -> None:
    add(database, "bea", Role.ADMIN, "second admin phrase")
    bea = sign_in(database, "bea", "second admin phrase", workstation="d", rules=RULES)
    set_active(database, "bea", False, by=admin)
    with pytest.raises(PermissionDenied, match="can no longer manage"):
        unlock_account(database, "ada", by=bea)


def test_nobody_disables_themselves_or_the_last_active_admin(database: Database, admin: Actor) -> None:
    with pytest.raises(AccountError, match="your own account"):
        set_active(database, "ada", False, by=admin)
    with pytest.raises(AccountError, match="last active admin"):
        set_active(database, "ada", False, by=ROOT)
    assert has_admin(database)

    add(database, "bea", Role.ADMIN, "second admin phrase")
    set_active(database, "ada", False, by=ROOT)
    with pytest.raises(AccountError, match="last active admin"):
        set_active(database, "bea", False, by=ROOT)
    assert [(a.username, a.active) for a in list_accounts(database)] == [("ada", False), ("bea", True)]


def test_has_admin_counts_active_admins_only(any_database: Database) -> None:
    assert not has_admin(any_database)
    add(any_database, "maria")
    assert not has_admin(any_database)
    add(any_database, "ada", Role.ADMIN, ADMIN_PASSWORD)
    assert has_admin(any_database)


def test_unknown_accounts_are_named_in_a_sentence(database: Database, admin: Actor) -> None:
    with pytest.raises(AccountError, match="no staff account named 'nobody'"):
        unlock_account(database, "nobody", by=admin)


def test_console_lock_confirm_and_sign_out_are_audited(database: Database, admin: Actor) -> None:
    note_console_locked(database, admin)
    with pytest.raises(LoginRefused):
        confirm_password(database, admin, "not my password", rules=RULES, now=T0)
    assert stored(database, "ada").failed_logins == 1
    confirm_password(database, admin, ADMIN_PASSWORD, rules=RULES, now=T0 + dt.timedelta(seconds=1))
    assert stored(database, "ada").failed_logins == 0
    sign_out(database, admin)
    assert [(actor, action, outcome) for actor, action, _, outcome in actions(database)][-5:] == [
        ("ada", "login", "ok"),
        ("ada", "lock", "ok"),
        ("ada", "login_failed", "failed"),
        ("ada", "unlock", "ok"),
        ("ada", "logout", "ok"),
    ]
    workstations = {row.workstation for row in list_entries(database, AuditFilter(actor="ada"))}
    assert workstations == {"front-desk"}


def test_every_change_is_audited_and_the_chain_holds(database: Database, admin: Actor) -> None:
    add(database, "maria")
    set_active(database, "maria", False, by=admin)
    set_active(database, "maria", True, by=admin)
    reset_password(database, "maria", "another good phrase", by=admin, rules=RULES)
    unlock_account(database, "maria", by=admin)
    assert actions(database) == [
        ("cli:it", "user_add", "ada", "ok"),
        ("ada", "login", "ada", "ok"),
        ("cli:it", "user_add", "maria", "ok"),
        ("ada", "user_disable", "maria", "ok"),
        ("ada", "user_enable", "maria", "ok"),
        ("ada", "password_reset", "maria", "ok"),
        ("ada", "user_unlock", "maria", "ok"),
    ]
    report = verify_chain(database)
    assert report.intact
    assert report.rows_checked == 7
    with database.transaction() as session:
        details = " ".join(session.scalars(select(AuditEntry.detail)))
    assert "phrase" not in details


def test_an_outdated_hash_is_upgraded_on_sign_in(database: Database) -> None:
    from argon2 import PasswordHasher, Type

    add(database, "maria")
    weaker = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1, type=Type.ID).hash(DESK_PASSWORD)
    with database.transaction() as session:
        row = session.scalar(select(StaffUser).where(StaffUser.username == "maria"))
        assert row is not None
        row.password_hash = weaker
    sign_in(database, "maria", DESK_PASSWORD, workstation="d", rules=RULES)
    assert stored(database, "maria").password_hash.startswith("$argon2id$v=19$m=19456,t=2,p=1$")


def test_a_failed_sign_in_count_and_its_audit_row_commit_together(any_database: Database) -> None:
    add(any_database, "maria")
    before = audit_count(any_database)
    with pytest.raises(LoginRefused):
        sign_in(any_database, "maria", "wrong wrong wrong", workstation="d", rules=RULES)
    assert stored(any_database, "maria").failed_logins == 1
    assert audit_count(any_database) == before + 1
    assert list_entries(any_database, AuditFilter(action=AuditAction.LOGIN_FAILED))[0].outcome == Outcome.FAILED.value


def test_an_unknown_name_costs_a_password_check_too(database: Database) -> None:
    add(database, "maria")
    sign_in_time = {}
    for name in ("maria", "nobody"):
        times = []
        for _ in range(3):
            started = time.perf_counter()
            with pytest.raises(LoginRefused):
                sign_in(database, name, "not it at all", workstation="d", rules=RULES, now=T0)
            times.append(time.perf_counter() - started)
        sign_in_time[name] = sorted(times)[1]
    # Both run one Argon2id check (tens of ms); a lenient bound keeps the test steady on a busy machine.
    assert sign_in_time["nobody"] > 0.5 * sign_in_time["maria"]
