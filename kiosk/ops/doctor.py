"""`kiosk doctor`: each check looks at one thing a kiosk needs and says OK, WARN or FAIL, with the fix.

Read-only by design: it opens only what exists and never creates a database, a key or a folder,
so running it on a broken PC cannot make things worse (or hide the problem by "fixing" it).
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kiosk.config.loader import SettingsError, load_settings

if TYPE_CHECKING:
    from kiosk.config.settings import Settings
    from kiosk.ops.qt_probe import QtReport

log = logging.getLogger(__name__)


class Status(enum.StrEnum):
    OK = "OK"
    WARN = "WARN"
    FAIL = "FAIL"


@dataclass(frozen=True)
class Check:
    """One finding, worded for clinic IT; never carries patient data."""

    name: str
    status: Status
    message: str
    fix: str = ""

    def line(self) -> str:
        text = f"{self.status.value:<4} {self.name}: {self.message}"
        return f"{text} — {self.fix}" if self.fix and self.status is not Status.OK else text

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name, "status": self.status.value, "message": self.message, "fix": self.fix}


def ok(name: str, message: str) -> Check:
    return Check(name, Status.OK, message)


def warn(name: str, message: str, fix: str) -> Check:
    return Check(name, Status.WARN, message, fix)


def fail(name: str, message: str, fix: str) -> Check:
    return Check(name, Status.FAIL, message, fix)


def from_sentence(name: str, status: Status, sentence: str) -> Check:
    """Our error sentences read "what is wrong: what to do"; split them at the first ': ' into message and fix."""
    text = sentence.strip().rstrip(".")
    head, separator, tail = text.partition(": ")
    if not separator:
        return Check(name, status, text, "")
    return Check(name, status, head[:1].lower() + head[1:], tail)


def not_checked(name: str, why: str) -> Check:
    return fail(name, f"not checked: {why}", "fix the failure above first")


def settings_check(config: str | None) -> tuple[Check, Settings | None]:
    from kiosk.i18n.strings import available_languages

    try:
        settings, path = load_settings(config, available_languages())
    except SettingsError as exc:
        return from_sentence("settings", Status.FAIL, str(exc)), None
    if path is None:
        return warn("settings", "no settings file: the demo settings are in use", "run `kiosk init`"), settings
    return ok("settings", f"{path} is valid"), settings


def run_checks(config: str | None, qt_report: Callable[[], QtReport] | None = None) -> list[Check]:
    """Every check in the order IT reads them: settings, storage, files, then what Qt finds on this PC."""
    from kiosk.ops import (
        doctor_audit,
        doctor_checks,
        doctor_content,
        doctor_expected,
        doctor_handoff,
        doctor_storage,
        qt_probe,
    )

    first, settings = settings_check(config)
    report = (qt_report or qt_probe.probe_qt)()
    if settings is None:
        return [
            first,
            *(not_checked(name, "settings invalid") for name in SETTINGS_DEPENDENT),
            qt_probe.sound_check(report),
            *qt_probe.screen_checks(report),
        ]
    storage = ("database", "local disk", "encryption key", "migrations", "quick_check")
    return [
        first,
        *_safely(storage, lambda: doctor_storage.storage_checks(settings)),
        *_safely([doctor_audit.TRAIL], lambda: doctor_audit.audit_checks(settings)),
        *_safely(["key location", "database tls"], lambda: doctor_checks.data_protection_checks(settings)),
        *_safely(["content"], lambda: [doctor_content.content_check(settings)]),
        *_safely(["free disk"], lambda: doctor_checks.disk_space_checks(settings)),
        *_safely(["log folder"], lambda: [doctor_checks.log_folder_check(settings)]),
        *_safely(["backup"], lambda: [doctor_storage.backup_check(settings)]),
        *_safely(["outbox"], lambda: [doctor_storage.outbox_check(settings)]),
        *_safely([doctor_handoff.NAME], lambda: [doctor_handoff.handoff_check(settings)]),
        *_safely([doctor_expected.NAME], lambda: doctor_expected.expected_kiosks_checks(settings)),
        doctor_checks.keyboard_check(settings.languages.enabled, report.keyboard_plugin),
        qt_probe.speech_check(report, settings.languages.enabled),
        qt_probe.sound_check(report, chime=settings.urgent.chime),
        *qt_probe.screen_checks(report),
    ]


def _safely(names: Sequence[str], work: Callable[[], list[Check]]) -> list[Check]:
    """A check that breaks in a way nobody foresaw is one FAIL line, not a traceback that hides the others."""
    from kiosk.storage.database import DatabaseError

    try:
        return work()
    except DatabaseError as exc:  # already one sentence for IT (a database URL naming a folder, a file in the way)
        return [from_sentence(names[0], Status.FAIL, str(exc)), *(not_checked(n, names[0]) for n in names[1:])]
    except Exception as exc:
        log.error("doctor: the %s check failed with %s", names[0], type(exc).__name__)
        log.debug("doctor: details of the failed check", exc_info=True)  # only with --verbose
        fix = "run `kiosk --verbose doctor` for the details and report them to the kiosk's supplier"
        return [fail(name, f"the check itself failed ({type(exc).__name__})", fix) for name in names]


# The checks that need valid settings, listed as not checked when the settings file is wrong.
SETTINGS_DEPENDENT = (
    "database",
    "local disk",
    "encryption key",
    "migrations",
    "quick_check",
    "audit trail",
    "key location",
    "database tls",
    "content",
    "free disk",
    "log folder",
    "backup",
    "outbox",
    "drop folder",
    "keyboard",
    "text-to-speech",
)


def passed(checks: Sequence[Check]) -> bool:
    """Healthy enough to run: warnings are worth a look but do not stop a kiosk."""
    return all(check.status is not Status.FAIL for check in checks)


def summary(checks: Sequence[Check]) -> str:
    counts = {status: sum(1 for c in checks if c.status is status) for status in Status}
    return f"{counts[Status.OK]} OK, {counts[Status.WARN]} WARN, {counts[Status.FAIL]} FAIL"
