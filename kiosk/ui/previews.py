"""Every screen a person can see, by name, and how to open it: for screenshots and tests."""

from __future__ import annotations

import datetime as dt

from kiosk.qt import QApplication

from kiosk.content.model import PageKind
from kiosk.domain.requests import RequestKind
from kiosk.services.navigation import FORM_SCREENS, Route, Screen
from kiosk.services.opening_hours import next_opening
from kiosk.services.request_form import new_draft
from kiosk.services.requests import Receipt
from kiosk.services.startup import KioskContext
from kiosk.ui.window import KioskWindow

IDLE_WARNING = "idle-warning"
CONFIRMATION = "confirmation"
URGENT_CONFIRMATION = "confirmation-urgent"
OUT_OF_SERVICE = "out-of-service"  # what a patient sees on asking for a form when the database is damaged
CLOSED = "closed"  # outside opening hours, in lock-down
CRASH = "crash"  # after an unexpected error
# The closed screen as on a Friday evening, so the preview names the weekday it opens (the longest words).
PREVIEW_CLOSED_AT = dt.datetime(2026, 1, 2, 18, 30)
# A made-up code for previews of the confirmation; no request stands behind it.
PREVIEW_REFERENCE = "K7M4QX"


def screen_names(context: KioskContext) -> list[str]:
    catalog = context.catalog
    language = context.settings.languages.default
    names = ["attract", "home", "procedures"]
    for kind, screen in ((PageKind.PROCEDURE, Screen.PROCEDURE), (PageKind.CONDITION, Screen.CONDITION)):
        for page in catalog.of_kind(kind, language):
            names += [Route(screen, page.id, n).name for n in range(len(page.sections) or 1)]
    procedures = [page.id for page in catalog.of_kind(PageKind.PROCEDURE, language)]
    for screen, request in (
        (Screen.APPOINTMENT, RequestKind.APPOINTMENT),
        (Screen.FOLLOW_UP, RequestKind.FOLLOW_UP),
    ):
        names += [Route(screen, None, step).name for step in range(len(new_draft(request, procedures).steps))]
    return [*names, CONFIRMATION, URGENT_CONFIRMATION, IDLE_WARNING, OUT_OF_SERVICE, CLOSED, CRASH]


def open_screen(window: KioskWindow, name: str) -> None:
    """Show the named screen the way a patient reaches it: from home."""
    window.idle_warning.hide()
    window.crash_timer.stop()
    if window.clinic_closed:
        window.set_clinic_closed(False)
    window.navigator.home()
    if name == CLOSED:
        window.set_clinic_closed(True, next_opening(window.context.settings.clinic.hours, PREVIEW_CLOSED_AT))
        window.navigator.reset()
    elif name == CRASH:
        window.show_crash_screen()
        window.crash_timer.stop()  # a preview stays put
    elif name == IDLE_WARNING:
        window.idle_warning.show_countdown(window.context.settings.idle.warning_seconds)
    elif name in (CONFIRMATION, URGENT_CONFIRMATION):
        urgent = name == URGENT_CONFIRMATION
        window.show_receipt(Receipt(PREVIEW_REFERENCE, urgent, dt.datetime.now(dt.UTC)))
    elif name == OUT_OF_SERVICE:
        window.set_out_of_service("preview")
        window.go(Route(Screen.APPOINTMENT))
    elif name != "home":
        window.go(Route.parse(name))
        if window.navigator.current.screen in FORM_SCREENS:
            window.form.focus_first_field()  # show the step as a patient types into it


def show_read_aloud_button(window: KioskWindow, shown: bool = True) -> None:
    """Show (or hide) the speaker button as a kiosk with (or without) a voice for the language does."""
    # The bar and the button both follow this signal; a real engine takes seconds to make and may have no voice.
    window.read_aloud.availability_changed.emit(shown)
    for _ in range(3):
        QApplication.processEvents()  # the bar may take another row, and the screen under it less height
