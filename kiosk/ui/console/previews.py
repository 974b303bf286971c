"""Pictures of the console for documentation, drawn from a throw-away demo database (never the clinic's).

A fresh SQLite file in a temporary folder gets synthetic requests (kiosk.services.demo_data) and a demo
admin with a random password; the console signs that admin in and opens the asked-for view. Nothing is
read from or written to the configured database, so no real patient appears and no password is needed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kiosk.qt import QApplication

from kiosk.config.settings import Settings
from kiosk.domain.requests import (
    Contact,
    ContactMethod,
    ContactTime,
    FollowUpRequest,
    NextStep,
    RedFlag,
    ReliefDuration,
    YesNoUnsure,
)
from kiosk.domain.staff import Actor, Role
from kiosk.i18n.review import UnreviewedTranslation
from kiosk.services.accounts import AccountRules, create_account, sign_in
from kiosk.services.demo_data import generate_requests, open_empty_database
from kiosk.services.requests import submit_request
from kiosk.services.store import Database
from kiosk.services.urgent_alarm import mark_seen_at_desk, urgent_waiting
from kiosk.ui.console.chime import Chime
from kiosk.ui.console.context import ConsoleContext
from kiosk.ui.console.off_thread import OffThreadReader
from kiosk.ui.console.window import ConsoleWindow

# "on-kiosk" is the console an admin opened over the patient kiosk (it offers "Close the kiosk app").
# The urgent-* views show the urgent banner: two waiting, locked with one, a check that fails, the chime muted.
URGENT_VIEWS = ("urgent", "urgent-locked", "urgent-stale", "urgent-muted")
VIEWS = (
    "login", "queue", "detail", "audit", "dashboard", "kiosks", "users", "locked", "reception", "on-kiosk",
    *URGENT_VIEWS,
)  # fmt: skip
PREVIEW_WORKSTATION = "front-desk-1"
PREVIEW_KIOSK = "waiting-room-kiosk"
DEMO_ADMIN = "dana.admin"
DEMO_RECEPTION = "sam.desk"


def urgent_example() -> FollowUpRequest:
    """A made-up follow-up with two warning signs, so every preview shows how an urgent request looks."""
    return FollowUpRequest(
        request_id=uuid.uuid4(),
        language="es",
        contact=Contact(
            first_name="Alma",
            last_name="Rivera Soto",
            date_of_birth=dt.date(1958, 6, 2),
            phone_e164="+13125550188",  # 555-01xx: a range set aside for fiction
            email=None,
            method=ContactMethod.PHONE_CALL,
            times=(ContactTime.MORNING,),
            consent_to_contact=True,
            consent_to_texts=False,
        ),
        procedure="si-joint-injection",  # a real page id (resources/content), so it shows by its title
        procedure_date=dt.date.today() - dt.timedelta(days=3),
        pain_before=8,
        pain_now=6,
        relief_percent=20,
        relief_duration=ReliefDuration.HOURS,
        relief_within_hours=YesNoUnsure.YES,
        red_flags=frozenset({RedFlag.FEVER, RedFlag.SITE_REDNESS_OR_SWELLING}),
        concerns="The injection site is warm and sore since yesterday.",
        next_steps=(NextStep.FOLLOW_UP_VISIT,),
    )


@contextmanager
def demo_database(count: int = 48, seed: int = 7) -> Iterator[Database]:
    with tempfile.TemporaryDirectory(prefix="kiosk-console-preview-") as folder:
        database = open_empty_database(Path(folder) / "preview.sqlite3")
        try:
            generate_requests(database, count, seed=seed, days=30)
            arrived = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=12)
            submit_request(database, urgent_example(), PREVIEW_KIOSK, now=arrived)
            # A second urgent request, already "Seen at the desk", so the queue shows that outcome too.
            seen = dataclasses.replace(
                urgent_example(),
                contact=dataclasses.replace(urgent_example().contact, first_name="Tomás", last_name="Vega"),
            )
            submit_request(database, seen, PREVIEW_KIOSK, now=arrived + dt.timedelta(minutes=4))
            desk = Actor(username=DEMO_RECEPTION, role=Role.RECEPTION, workstation=PREVIEW_WORKSTATION)
            mark_seen_at_desk(database, str(seen.request_id), desk, now=arrived + dt.timedelta(minutes=6))
            yield database
        finally:
            database.close()


class SilentChime:
    """A picture makes no sound, yet shows a console whose chime works (so the Sound off button is drawn)."""

    def setLoopCount(self, count: int) -> None:  # noqa: N802 (Qt's name)
        pass

    def setVolume(self, volume: float) -> None:  # noqa: N802 (Qt's name)
        pass

    def play(self) -> None:
        pass

    def stop(self) -> None:
        pass

    def status(self) -> object:
        return "ready"


def prepare_urgent(database: Database, view: str, actor: Actor) -> None:
    """The demo data each urgent view promises: a second urgent request waiting, or just one left waiting."""
    if view in ("urgent", "urgent-muted"):
        second = dataclasses.replace(
            urgent_example(),
            request_id=uuid.uuid4(),
            contact=dataclasses.replace(urgent_example().contact, first_name="Ruth", last_name="Okafor"),
            red_flags=frozenset({RedFlag.BLADDER_OR_BOWEL_CHANGES, RedFlag.FEVER}),
        )
        submit_request(database, second, PREVIEW_KIOSK, now=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=2))
    if view == "urgent-locked":
        waiting = urgent_waiting(database)
        for request_id in sorted(waiting.ids - {waiting.newest_id}):
            mark_seen_at_desk(database, request_id, actor)


def urgent_scene(window: ConsoleWindow, database: Database, view: str) -> None:
    """Set the banner as `view` shows it, without waiting for the watcher's next look."""
    banner = window.urgent
    banner.watch.stop()  # a picture is one moment: no later look may redraw it (or, for -stale, the server is gone)
    QApplication.processEvents()  # looks already on their way arrive before the scene is set
    banner.show_result(urgent_waiting(database))  # for -stale: the last good look before the server went quiet
    if view == "urgent-stale":
        for _ in range(3):
            banner.note_failure("OperationalError")
    if view == "urgent-muted":
        banner.toggle_sound()


def demo_actor(database: Database, username: str, role: Role, rules: AccountRules) -> Actor:
    password = secrets.token_urlsafe(18)  # used once, right here, then forgotten
    setup = Actor(username="preview", role=Role.ADMIN, workstation=PREVIEW_WORKSTATION)
    name = "Dana Ortiz" if role is Role.ADMIN else "Sam Lee"
    create_account(database, username=username, display_name=name, role=role, password=password, rules=rules, by=setup)
    return sign_in(database, username, password, workstation=PREVIEW_WORKSTATION, rules=rules)


def open_view(window: ConsoleWindow, view: str, actor: Actor) -> None:
    """Put the window in the state a person sees for `view`."""
    if view == "login":
        window.login.username.setText(actor.username)
        window.login.password.setFocus()
        return
    window.start_session(actor)
    workspace = window.workspace
    assert workspace is not None
    if view in ("detail", "locked", "reception", "urgent", "urgent-muted", "urgent-locked"):
        workspace.queue.select_row(0)  # urgent requests come first: the detail shows red flags
    titles = {"audit": "Audit trail", "dashboard": "Overview", "kiosks": "Kiosks", "users": "Staff accounts"}
    if view in titles:
        workspace.show_tab(titles[view])
    if view in ("locked", "urgent-locked"):
        window.lock()


def render_console(
    settings: Settings,
    procedure_titles: dict[str, str],
    view: str,
    size: tuple[int, int],
    out: Path,
    translations: tuple[UnreviewedTranslation, ...] = (),
) -> bool:
    """Save a PNG of `view` at `size`; False if the file could not be written."""
    if view not in VIEWS:
        raise ValueError(f"unknown console view {view!r}")
    # The picture shows what a person sees once the rows are read, so each read is waited for here.
    with demo_database() as database, OffThreadReader.answering_within(10_000):
        rules = AccountRules.from_settings(settings.staff)
        role = Role.RECEPTION if view == "reception" else Role.ADMIN
        actor = demo_actor(database, DEMO_RECEPTION if role is Role.RECEPTION else DEMO_ADMIN, role, rules)
        if view != "reception":
            # Something for the audit and account views to show besides the demo admin.
            demo_actor(database, DEMO_RECEPTION, Role.RECEPTION, rules)
        if view in URGENT_VIEWS:
            prepare_urgent(database, view, actor)
        context = ConsoleContext(database, settings, PREVIEW_WORKSTATION, procedure_titles, translations)
        window = ConsoleWindow(context, on_kiosk=view == "on-kiosk")
        window.urgent.chime = Chime(settings.urgent, window, make_effect=lambda _parent: SilentChime())
        try:
            window.resize(*size)
            window.show()
            open_view(window, view, actor)
            if view in URGENT_VIEWS:
                urgent_scene(window, database, view)
            for _ in range(3):
                QApplication.processEvents()
            out.parent.mkdir(parents=True, exist_ok=True)
            return window.grab().save(str(out), "PNG")
        finally:
            window.close()
            window.deleteLater()
            QApplication.processEvents()
