"""Typed settings: every key declared once with its type, default and what is allowed."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from kiosk.config.locations import default_database_path

_HOURS = re.compile(r"^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class _Section(BaseModel):
    # Strict: a value of the wrong TOML type is refused, never converted ("10" is not 10, 1 is not true), so what
    # IT wrote is what the kiosk does. A path is still written as text, and a list is read as the tuple it becomes.
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class DayHours(BaseModel):
    """Opening and closing time of one day; both on the same day."""

    model_config = ConfigDict(frozen=True)
    opens: dt.time
    closes: dt.time


def _parse_day(value: object) -> DayHours | None:
    if value is None or (isinstance(value, str) and value.strip().lower() == "closed"):
        return None
    if isinstance(value, DayHours):
        return value
    match = _HOURS.match(value.strip()) if isinstance(value, str) else None
    if not match:
        raise ValueError("not a time range")
    h1, m1, h2, m2 = (int(part) for part in match.groups())
    try:
        opens, closes = dt.time(h1, m1), dt.time(h2, m2)
    except ValueError as exc:
        raise ValueError("not a real time") from exc
    if closes <= opens:
        raise ValueError("closes before it opens")
    return DayHours(opens=opens, closes=closes)


_DAY_RULE = '"HH:MM-HH:MM" in 24-hour time with the closing time after the opening time, or "closed"'


class OpeningHours(_Section):
    """Opening hours, one line per day; the kiosk keeps the screen awake only while the clinic is open."""

    monday: Annotated[DayHours | None, Field(description=_DAY_RULE)] = _parse_day("08:00-17:00")
    tuesday: Annotated[DayHours | None, Field(description=_DAY_RULE)] = _parse_day("08:00-17:00")
    wednesday: Annotated[DayHours | None, Field(description=_DAY_RULE)] = _parse_day("08:00-17:00")
    thursday: Annotated[DayHours | None, Field(description=_DAY_RULE)] = _parse_day("08:00-17:00")
    friday: Annotated[DayHours | None, Field(description=_DAY_RULE)] = _parse_day("08:00-17:00")
    saturday: Annotated[DayHours | None, Field(description=_DAY_RULE)] = None
    sunday: Annotated[DayHours | None, Field(description=_DAY_RULE)] = None

    @field_validator(*WEEKDAYS, mode="before")
    @classmethod
    def _day(cls, value: object) -> DayHours | None:
        return _parse_day(value)

    def for_date(self, day: dt.date) -> DayHours | None:
        hours: DayHours | None = getattr(self, WEEKDAYS[day.weekday()])
        return hours


class ClinicSettings(_Section):
    """The clinic as patients see it: its name, phone number, how soon it calls back, logo and opening hours."""

    name: Annotated[str, Field(min_length=1, max_length=80, description="a name of 1 to 80 characters")] = "Ascent Pain"
    phone: Annotated[
        str,
        Field(
            min_length=3,
            max_length=40,
            pattern=r"^[0-9+()\-. ]+$",
            description="a phone number written with digits, spaces, +, -, . and brackets",
        ),
    ] = "(504) 249-7576"
    phone_region: Annotated[
        str,
        Field(
            pattern=r"^[A-Z]{2}$",
            description='a two-letter country code like "US", used to read phone numbers without one',
        ),
    ] = "US"
    call_back_business_days: Annotated[
        int,
        Field(
            ge=1,
            le=10,
            description="a whole number of business days from 1 to 10, within which the clinic answers a request",
        ),
    ] = 1
    logo: Annotated[
        Path | None,
        Field(strict=False, description="the path of an existing PNG, JPG or SVG image file, or left out"),
    ] = None
    hours: Annotated[
        OpeningHours,
        Field(description='a [clinic.hours] table with one line per day, like monday = "08:00-17:00"'),
    ] = OpeningHours()

    @field_validator("logo")
    @classmethod
    def _logo_exists(cls, value: Path | None) -> Path | None:
        if value is None:
            return None
        if value.suffix.lower() not in {".png", ".jpg", ".jpeg", ".svg"} or not value.is_file():
            raise ValueError("no such image")
        return value


class LanguageSettings(_Section):
    """Which languages the patient screens offer, and the one each visit starts in."""

    default: Annotated[str, Field(pattern=_LANGUAGE.pattern, description="one of the enabled language codes")] = "en"
    enabled: Annotated[
        tuple[str, ...],
        Field(
            strict=False,
            min_length=1,
            description='a list of language codes the kiosk has translations for, like ["en", "es", "vi"]',
        ),
    ] = ("en", "es", "vi")

    @model_validator(mode="after")
    def _default_is_enabled(self) -> LanguageSettings:
        if self.default not in self.enabled:
            raise ValueError("default language not enabled")
        return self


class IdleSettings(_Section):
    """How long an untouched kiosk waits before it warns, and then returns to the attract loop."""

    info_timeout_seconds: Annotated[
        int,
        Field(ge=30, le=3600, description="a whole number of seconds from 30 to 3600"),
    ] = 120
    form_timeout_seconds: Annotated[
        int,
        Field(ge=30, le=3600, description="a whole number of seconds from 30 to 3600"),
    ] = 90
    warning_seconds: Annotated[
        int,
        # WCAG 2.2.1 asks for at least 20 seconds to answer a time-out warning.
        Field(ge=20, le=300, description="a whole number of seconds from 20 to 300"),
    ] = 30
    urgent_confirmation_seconds: Annotated[
        int,
        # Long enough for someone at the desk to walk over; staff clear it sooner from the corner sign-in.
        Field(ge=60, le=1800, description="a whole number of seconds from 60 to 1800"),
    ] = 180


class ContentSettings(_Section):
    """Where the procedure and condition pages come from."""

    folder: Annotated[
        Path | None,
        Field(strict=False, description="the path of an existing content folder, or left out for the demo content"),
    ] = None

    @field_validator("folder")
    @classmethod
    def _folder_exists(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_dir():
            raise ValueError("no such folder")
        return value


class AttractSettings(_Section):
    """The slideshow shown while nobody is using the kiosk."""

    default_slide_seconds: Annotated[int, Field(ge=3, le=60, description="a whole number of seconds from 3 to 60")] = 9
    reduced_motion: Annotated[
        bool,
        Field(
            description=(
                "true to keep the slideshow still on its first slide until someone touches Play"
                " (for waiting rooms with patients who find moving screens hard), false to let it change by itself"
            )
        ),
    ] = False


class AccessibilitySettings(_Section):
    """How every visit starts; patients change these on the screen, and each visit starts again from here."""

    text_size: Annotated[
        Literal["normal", "large", "extra-large"],
        Field(description='"normal", "large" or "extra-large"'),
    ] = "normal"
    theme: Annotated[
        Literal["normal", "high-contrast"],
        Field(description='"normal" or "high-contrast" (light text on black)'),
    ] = "normal"
    low_position: Annotated[
        bool,
        Field(
            description=(
                "true to start every visit with all controls in the lower part of a portrait screen,"
                " for kiosks mounted where most patients are seated"
            )
        ),
    ] = False
    read_aloud: Annotated[
        bool,
        Field(description="true to offer the Read aloud button where the PC has a text-to-speech voice"),
    ] = True


class DatabaseSettings(_Section):
    """Where requests are stored, how the file is encrypted and backed up, and how long closed requests are kept."""

    url: Annotated[
        str | None,
        Field(
            description=(
                'an SQLAlchemy URL starting "sqlite:///" or "postgresql+psycopg://" (TLS is required unless'
                " ?sslmode=disable is added for a server on this PC; a password in it needs the settings file"
                " readable by the kiosk's account only), or left out for the built-in SQLite file"
            )
        ),
    ] = None
    key_file: Annotated[
        Path | None,
        Field(
            strict=False,
            description=(
                "the path of the file holding the database key (64 hexadecimal characters, readable by the"
                " kiosk's account only) in a folder apart from the database and its backups, or left out for the OS"
                " keyring or the kiosk's own key folder (\"clinic-kiosk-keys\" in the account's settings folder)"
            ),
        ),
    ] = None
    encrypt: Annotated[
        bool,
        Field(
            description=(
                "true to keep the SQLite database encrypted with SQLCipher, false only for a plain database"
                " the clinic chose not to encrypt"
            )
        ),
    ] = True
    backup_folder: Annotated[
        Path | None,
        Field(
            strict=False,
            description=(
                "the path of a folder for the daily backups (on another disk is best), or left out for a"
                ' "backups" folder beside the database file'
            ),
        ),
    ] = None
    backups_kept: Annotated[
        int,
        Field(ge=1, le=366, description="how many daily backups to keep: a whole number from 1 to 366"),
    ] = 14
    retention_days: Annotated[
        int,
        Field(
            ge=30,
            le=36500,
            description=(
                "how many days a closed request is kept before `kiosk db purge` removes it:"
                " a whole number from 30 to 36500"
            ),
        ),
    ] = 365
    outbox_path: Annotated[
        Path | None,
        Field(
            strict=False,
            description=(
                "the path of the encrypted local file that keeps requests while the PostgreSQL server cannot"
                ' be reached, or left out for "outbox.sqlite3" in the kiosk\'s data folder'
            ),
        ),
    ] = None
    confirm_within_seconds: Annotated[
        int,
        Field(
            ge=2,
            le=30,
            description=(
                "with a PostgreSQL server, the longest a patient waits for a confirmation: a server that has not"
                " stored the request by then (unreachable, silent, hung) is passed over for the kiosk's"
                " encrypted outbox: a whole number of seconds from 2 to 30"
            ),
        ),
    ] = 3
    expected_kiosks: Annotated[
        tuple[str, ...],
        Field(
            strict=False,
            description=(
                "a list of the computer names of the patient kiosks expected on a shared database, each name"
                ' written once and none empty, like ["waiting-room-1", "waiting-room-2"] (the Kiosks tab and'
                " `kiosk doctor` list one the server has never heard from, such as a kiosk given a wrong password"
                " from its first start), or left out for none"
            ),
        ),
    ] = ()

    @field_validator("expected_kiosks")
    @classmethod
    def _each_kiosk_once(cls, names: tuple[str, ...]) -> tuple[str, ...]:
        # Computer names ignore case, so "Waiting-Room-1" and "waiting-room-1" are one PC given twice.
        cleaned = tuple(name.strip() for name in names)
        if any(not name for name in cleaned):
            raise ValueError("an empty name")
        if len({name.casefold() for name in cleaned}) != len(cleaned):
            raise ValueError("a name given twice")
        return cleaned

    @field_validator("url")
    @classmethod
    def _known_backend(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not (value.startswith("sqlite:///") or value.startswith("postgresql+psycopg://")):
            raise ValueError("unsupported database")
        return value

    def resolved_url(self) -> str:
        if self.url:
            return self.url
        return f"sqlite:///{default_database_path()}"

    def resolved_outbox_path(self) -> Path:
        return (self.outbox_path or default_database_path().with_name("outbox.sqlite3")).expanduser().absolute()


class StaffSettings(_Section):
    """The reception console: passwords, sign-in waits and who may export."""

    min_password_length: Annotated[
        int,
        # NIST SP 800-63B-4: at least 15 characters when the password is the only factor, as at the console.
        # 8 to 14 still load (older files say 8) and count as 15, so an update never stops a kiosk.
        Field(ge=8, le=64, description="a whole number of characters from 15 to 64 (a smaller one counts as 15)"),
    ] = 15
    max_failed_logins: Annotated[
        int,
        # Kept so older settings files load: accounts no longer lock (a stranger could lock the desk out);
        # failed sign-ins in a row make the next try wait instead, up to 30 seconds.
        Field(ge=3, le=100, description="no longer used: failed sign-ins make the next try wait, up to 30 s"),
    ] = 10
    lock_after_minutes: Annotated[
        int,
        Field(ge=1, le=60, description="a whole number of minutes from 1 to 60"),
    ] = 5
    reception_can_export: Annotated[
        bool,
        Field(description="true to let reception users export CSV files, false for admins only"),
    ] = False
    new_request_sound: Annotated[
        bool,
        Field(description="true to sound the system bell when a new request arrives, false for silence"),
    ] = True


class UrgentSettings(_Section):
    """How the reception console calls a person to a patient who reported a warning sign."""

    chime: Annotated[
        bool,
        Field(
            description=(
                "true to play the urgent chime on this PC's consoles, false to show the red banner only"
                " (each console can also turn its sound off for a while, and says so in the banner)"
            )
        ),
    ] = True
    chime_volume: Annotated[
        int,
        # Never 0: a chime nobody can hear is a silent alarm; `chime = false` says so openly instead.
        Field(ge=10, le=100, description="the chime's loudness in percent: a whole number from 10 to 100"),
    ] = 80
    chime_plays: Annotated[
        int,
        Field(ge=1, le=5, description="how many times the chime sounds each time it is raised: 1 to 5"),
    ] = 2
    repeat_after_minutes: Annotated[
        int,
        Field(
            ge=1,
            le=60,
            description=(
                'minutes an urgent request may wait without "Seen at the desk" before the banner and chime'
                " are raised again: a whole number from 1 to 60"
            ),
        ),
    ] = 5
    urgent_target_minutes: Annotated[
        int,
        Field(
            ge=1,
            le=120,
            description="minutes within which someone should see an urgent request: a whole number from 1 to 120",
        ),
    ] = 10
    routine_target_hours: Annotated[
        int,
        Field(
            ge=1,
            le=336,
            description="hours within which the desk should act on any other request: a whole number from 1 to 336",
        ),
    ] = 24


class LockdownSettings(_Section):
    """How `kiosk run` keeps patients inside the kiosk (without --windowed) and when it sleeps."""

    enabled: Annotated[
        bool,
        Field(
            description=(
                "true to run full-screen, frameless and on top, ignoring close requests and keys like Escape"
                " and Alt+F4; false only on a PC the public cannot touch"
            )
        ),
    ] = True
    hide_cursor: Annotated[
        bool,
        Field(description="true to hide the mouse pointer (a touchscreen needs none), false to show it"),
    ] = False
    exit_corner: Annotated[
        Literal["top-left", "top-right", "bottom-left", "bottom-right"],
        Field(
            description=(
                'the screen corner staff hold to reach the console sign-in: "top-left", "top-right",'
                ' "bottom-left" or "bottom-right"'
            )
        ),
    ] = "top-left"
    exit_hold_seconds: Annotated[
        int,
        Field(ge=3, le=30, description="how long the corner must be held: a whole number of seconds from 3 to 30"),
    ] = 5
    keep_screen_on: Annotated[
        bool,
        Field(
            description=(
                "true to stop the screen saver and display sleep during opening hours, false to leave them"
                " to the operating system"
            )
        ),
    ] = True
    closed_screen: Annotated[
        bool,
        Field(
            description=(
                'true to show a dim "we are closed" screen with the clinic\'s phone number outside opening'
                " hours, false to keep the attract loop running"
            )
        ),
    ] = True


class LoggingSettings(_Section):
    """The kiosk's own log files (never patient data)."""

    folder: Annotated[
        Path | None,
        Field(
            strict=False, description="the path of the folder for log files, or left out for the platform's log folder"
        ),
    ] = None
    max_kb: Annotated[
        int,
        Field(ge=64, le=102400, description="the size of one log file before it rolls over, in KiB: 64 to 102400"),
    ] = 1024
    files_kept: Annotated[
        int,
        Field(ge=1, le=100, description="how many rolled-over log files to keep besides the current one: 1 to 100"),
    ] = 5
    level: Annotated[
        Literal["debug", "info", "warning", "error"],
        Field(description='the least serious event written: "debug", "info", "warning" or "error"'),
    ] = "info"


class HandoffSettings(_Section):
    """The drop folder: each new request and each status change written as a FHIR bundle for the record system."""

    drop_folder: Annotated[
        Path | None,
        Field(
            strict=False,
            description=(
                "the path of an existing folder (often a share the clinic's interface engine reads) that gets one"
                " FHIR transaction bundle file per new request and per status change, or left out for no drop"
                " folder; the kiosk never creates it, so a share that is not connected is reported, not replaced"
            ),
        ),
    ] = None
    check_seconds: Annotated[
        int,
        Field(
            ge=1,
            le=300,
            description=(
                "how often a PC with a drop folder looks for new requests and changes to write:"
                " a whole number of seconds from 1 to 300"
            ),
        ),
    ] = 5


_RESTART_AT = re.compile(r"^(\d{1,2}):(\d{2})$")


class MaintenanceSettings(_Section):
    """Looking after a kiosk that runs for months: an optional restart each night while the clinic is closed."""

    daily_restart: Annotated[
        dt.time | None,
        Field(
            description=(
                '"off", or a time like "03:30" (24-hour) at which the kiosk restarts itself each day the clinic is'
                " closed then, once nobody is using it (a safety net against slow memory growth; it takes a few"
                " seconds and is logged; only where `kiosk supervise` or systemd starts the kiosk again)"
            )
        ),
    ] = dt.time(3, 30)  # on: a month of use was not measured in full (docs/performance.md, the soak)

    @field_validator("daily_restart", mode="before")
    @classmethod
    def _restart_time(cls, value: object) -> dt.time | None:
        if not isinstance(value, str):
            raise ValueError("not a time")  # written in quotes, as "03:30": a TOML time (03:30:00) is refused too
        if value.strip().lower() == "off":
            return None
        match = _RESTART_AT.match(value.strip())
        if not match:
            raise ValueError("not a time")
        try:
            return dt.time(int(match.group(1)), int(match.group(2)))
        except ValueError as exc:
            raise ValueError("not a real time") from exc


class Settings(_Section):
    """The whole settings file; every table is optional and has demo defaults."""

    clinic: ClinicSettings = ClinicSettings()
    languages: LanguageSettings = LanguageSettings()
    idle: IdleSettings = IdleSettings()
    attract: AttractSettings = AttractSettings()
    accessibility: AccessibilitySettings = AccessibilitySettings()
    content: ContentSettings = ContentSettings()
    database: DatabaseSettings = DatabaseSettings()
    staff: StaffSettings = StaffSettings()
    urgent: UrgentSettings = UrgentSettings()
    lockdown: LockdownSettings = LockdownSettings()
    logging: LoggingSettings = LoggingSettings()
    handoff: HandoffSettings = HandoffSettings()
    maintenance: MaintenanceSettings = MaintenanceSettings()
