"""The kiosk window: a stack of screens, the top bar, the idle warning and the navigator."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, TypeVar, assert_never

from kiosk.qt import (
    QApplication,
    QCloseEvent,
    QColor,
    QEvent,
    QLabel,
    QObject,
    QPainter,
    QPaintEvent,
    QResizeEvent,
    QShowEvent,
    QStackedWidget,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
)

from kiosk.ops.heap import release_free_memory
from kiosk.ops.keep_awake import KeepAwake
from kiosk.qt_filters import teardown_safe
from kiosk.services.navigation import ATTRACT, FORM_SCREENS, Navigator, Route, Screen
from kiosk.services.opening_hours import NextOpening
from kiosk.services.startup import KioskContext
from kiosk.ui.console.hidden_entry import StaffEntry
from kiosk.ui.focus_order import chain_focus
from kiosk.ui.forms.leave_prompt import LeaveFormPrompt
from kiosk.ui.full_screen import FullScreenKeeper
from kiosk.ui.idle import IdleMonitor
from kiosk.ui.lockdown import LockdownGuard, OpeningHoursWatch
from kiosk.ui.presentation import Presentation, TextSize, ThemeName
from kiosk.ui.screens.attract import AttractScreen
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.screens.closed import ClosedScreen
from kiosk.ui.screens.crash import CrashScreen
from kiosk.ui.screens.idle_warning import IdleWarning
from kiosk.ui.screens.out_of_service import OutOfServiceScreen
from kiosk.ui.speech.read_aloud import ReadAloud
from kiosk.ui.speech.words import sentences
from kiosk.ui.texts import UiTexts
from kiosk.ui.theme import PALETTES, Metrics, stylesheet
from kiosk.ui.visit_privacy import VisitPrivacy
from kiosk.ui.widgets.access_bar import AccessBar
from kiosk.ui.widgets.buttons import TouchButton
from kiosk.ui.widgets.read_aloud_button import ReadAloudButton
from kiosk.ui.widgets.top_bar import TopBar

if TYPE_CHECKING:
    from kiosk.services.requests import Receipt
    from kiosk.ui.forms.form_screen import RequestFormScreen
    from kiosk.ui.screens.confirmation import ConfirmationScreen
    from kiosk.ui.screens.home import HomeScreen
    from kiosk.ui.screens.info_page import InfoPageScreen
    from kiosk.ui.screens.procedures import ProceduresScreen

log = logging.getLogger(__name__)
AnyScreen = TypeVar("AnyScreen", bound=KioskScreen)
CRASH_SCREEN_MS = 8000  # long enough to read two short sentences, short enough that the next patient finds attract
RELEASE_MEMORY_AFTER_MS = 500  # after the reset's deleteLater() calls have run, before the next patient is likely
# With controls low, the top of a portrait screen is left empty. A 32-inch portrait screen is 0.71 m tall; with its
# top edge at 1.37 m, the top 30% ends at 1.16 m, under the 1.22 m (48 in) highest forward reach of the ADA
# standards. More would leave a form step with its keyboard no room at extra-large text.
LOW_SHARE = 0.3


def route_is_form(route: Route) -> bool:
    return route.screen in FORM_SCREENS


class KioskWindow(QWidget):
    def __init__(self, context: KioskContext, clock: Callable[[], dt.datetime] = dt.datetime.now) -> None:
        super().__init__()
        self.setObjectName("KioskWindow")
        settings = context.settings
        self.context = context
        self.texts = UiTexts(context.strings, settings.languages.enabled, settings.languages.default)
        self.navigator = Navigator()
        self.metrics: Metrics | None = None
        self.theme = ThemeName.NORMAL
        self.portrait = False
        # The style sheet for the current size and theme, and which look (scale, theme, orientation) each screen
        # was last brought to: a screen catches up when shown, see _bring_up_to_date.
        self._sheet = ""
        self._looks: dict[KioskScreen, tuple[Metrics, ThemeName, bool]] = {}
        # The bar and cards over the screens that missed a new look while hidden: each catches up as it is shown
        # (see _bring_part_up_to_date). Restyling the hidden ones at every change was a third of a visit's styling.
        self._stale_parts: set[QWidget] = set()
        self._restyle_held = False  # see _screen_restyle_held
        self._background = QColor(PALETTES[self.theme]["background"])
        access = settings.accessibility
        self.presentation = Presentation(TextSize(access.text_size), ThemeName(access.theme), access.low_position)

        self.access_bar = AccessBar(self.texts, self.presentation)
        # Read-aloud's engine is made after start-up (`kiosk run` calls read_aloud.prepare_later); until then, and
        # wherever no voice reads the patient's language, its button stays hidden.
        self.read_aloud = ReadAloud(self.texts, parent=self)
        self.read_aloud_button = ReadAloudButton(self.texts, self.read_aloud)
        self.access_bar.add_control(self.read_aloud_button)
        self.top_bar = TopBar(self.texts, settings.clinic.name, self.access_bar)
        # The empty top of the screen when the patient asks for the controls low (portrait only).
        self.low_space = QWidget()
        self.low_space.setObjectName("LowSpace")
        low_layout = QVBoxLayout(self.low_space)
        low_layout.addStretch(1)
        self.low_note = QLabel()
        self.low_note.setObjectName("LowSpaceNote")
        self.low_note.setWordWrap(True)
        self.low_note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        low_layout.addWidget(self.low_note)
        self.low_space.setVisible(False)
        self.attract = AttractScreen(self.texts, context.catalog, settings)
        # The screens after attract are built on first use, or by build_all_screens() once the first frame is
        # up (`kiosk run` does it then): the request form alone, with its keyboard, took ~0.3 s of start-up.
        self._home: HomeScreen | None = None
        self._procedures: ProceduresScreen | None = None
        self._info_page: InfoPageScreen | None = None
        self._form: RequestFormScreen | None = None
        self._confirmation: ConfirmationScreen | None = None
        # Shown in place of the request forms when the database cannot store requests (see set_out_of_service).
        self.out_of_service = OutOfServiceScreen(self.texts, settings.clinic.phone)
        self.out_of_service_reason: str | None = None
        # Outside opening hours (lock-down only) the closed screen stands in for the attract loop.
        self.closed_screen = ClosedScreen(self.texts, settings.clinic.name, settings.clinic.phone)
        self.clinic_closed = False
        self.crash_screen = CrashScreen(self.texts, settings.clinic.phone)
        self.crash_timer = QTimer(self)
        self.crash_timer.setSingleShot(True)
        self.crash_timer.setInterval(CRASH_SCREEN_MS)
        self.crash_timer.timeout.connect(self.reset_for_next_patient)
        self.stack = QStackedWidget()
        # The screens built on first use join the stack then (see _added).
        for screen in (self.attract, self.out_of_service, self.closed_screen, self.crash_screen):
            self.stack.addWidget(screen)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.low_space)
        layout.addWidget(self.top_bar)
        layout.addWidget(self.stack, 1)
        self.idle_warning = IdleWarning(self.texts, self)
        # Home, or Back on a form's first step, asks before erasing a half-filled form.
        self.leave_prompt = LeaveFormPrompt(self.texts, self)
        self.leave_prompt.leave.connect(self._leave_form)
        self._leaving_by: Callable[[], None] | None = None

        self.idle = IdleMonitor(settings.idle.info_timeout_seconds, settings.idle.warning_seconds)
        self.destroyed.connect(self.idle.release)
        self.idle.warning_started.connect(self.idle_warning.show_countdown)
        self.idle.warning_started.connect(self._announce_idle_warning)
        self.idle.countdown.connect(self.idle_warning.show_countdown)
        self.idle.warning_cancelled.connect(self.idle_warning.hide)
        self.idle.expired.connect(self.reset_for_next_patient)
        self.visit_privacy = VisitPrivacy(self)  # no patient's text in a selection, clipboard or undo history
        self.idle_warning.more_time.connect(self._more_time)
        for part in self._parts():
            part.installEventFilter(self)  # to restyle it as it is shown, if it missed a change (see eventFilter)
        # Staff reach the reception console's sign-in by holding a corner ([lockdown] exit_corner, exit_hold_seconds).
        lockdown = settings.lockdown
        self.staff_entry = StaffEntry(
            self, context, self.reset_for_next_patient, lockdown.exit_corner, lockdown.exit_hold_seconds * 1000
        )
        self.lockdown: LockdownGuard | None = None  # set by enter_lockdown
        self.full_screen = FullScreenKeeper(self)  # started by show_full_screen (not with `kiosk run --windowed`)
        self.keep_awake = KeepAwake()
        self.opening_hours = OpeningHoursWatch(settings.clinic.hours, self, clock)
        self.opening_hours.changed.connect(self._opening_hours_changed)

        self.attract.begin.connect(self.navigator.home)
        self.closed_screen.begin.connect(self.navigator.home)
        self.crash_screen.done.connect(self.reset_for_next_patient)
        self.out_of_service.navigate.connect(self.navigator.go)
        self.top_bar.back_requested.connect(self._back)
        self.top_bar.home_requested.connect(self._home_pressed)
        self._shown: tuple[KioskScreen, Route] | None = None  # the screen and route on show, for keypad focus
        self.navigator.subscribe(self._show)
        self.presentation.changed.connect(self._presentation_changed)
        # The speaker button shows or hides once the speech engine is ready: the bar may need another row.
        self.read_aloud.availability_changed.connect(self._speech_availability_changed)
        self.texts.language_changed.connect(self._language_changed)
        self._retranslate()
        self._show(self.navigator.current)
        # Assistive technology presses, toggles and types without input events (see IdleMonitor.follow).
        self.idle.follow(self)

    # -- screens built on first use ------------------------------------------------------------
    @property
    def home(self) -> HomeScreen:
        if self._home is None:
            from kiosk.ui.screens.home import HomeScreen

            self._home = self._added(HomeScreen(self.texts))
            self._home.navigate.connect(self.navigator.go)
        return self._home

    @property
    def procedures(self) -> ProceduresScreen:
        if self._procedures is None:
            from kiosk.ui.screens.procedures import ProceduresScreen

            self._procedures = self._added(ProceduresScreen(self.texts, self.context.catalog))
            self._procedures.navigate.connect(self.navigator.go)
        return self._procedures

    @property
    def info_page(self) -> InfoPageScreen:
        if self._info_page is None:
            from kiosk.ui.screens.info_page import InfoPageScreen

            self._info_page = self._added(InfoPageScreen(self.texts, self.context.catalog))
            self._info_page.navigate.connect(self.navigator.go)
        return self._info_page

    @property
    def form(self) -> RequestFormScreen:
        if self._form is None:
            from kiosk.ui.forms.form_screen import RequestFormScreen

            context = self.context
            # Read through a function: `kiosk run` opens the database after the first frame.
            self._form = self._added(
                RequestFormScreen(self.texts, context.catalog, context.settings, lambda: context.database)
            )
            self._form.submitted.connect(self.show_receipt)
            self._form.step_shown.connect(self._form_step_shown)
            self._form.announce.connect(self.read_aloud.announce)
        return self._form

    @property
    def confirmation(self) -> ConfirmationScreen:
        if self._confirmation is None:
            from kiosk.ui.screens.confirmation import ConfirmationScreen

            self._confirmation = self._added(ConfirmationScreen(self.texts, self.context.settings))
            self._confirmation.done.connect(self.reset_for_next_patient)
        return self._confirmation

    def build_all_screens(self) -> None:
        """Build every screen not built yet, so no patient's first tap waits for one (called after the first frame)."""
        for screen in Screen:
            self.screen_for(screen)

    def screen_for(self, screen: Screen) -> KioskScreen:
        """The widget that shows a route's screen, built on first use. A match on the enum rather than attribute
        names (or lambdas on self, which would tie the window into a reference cycle the collector may then break on
        a worker thread): mypy checks that every Screen has its widget."""
        match screen:
            case Screen.ATTRACT:
                return self.attract
            case Screen.HOME:
                return self.home
            case Screen.PROCEDURES:
                return self.procedures
            case Screen.PROCEDURE | Screen.CONDITION:
                return self.info_page
            case Screen.APPOINTMENT | Screen.FOLLOW_UP:
                return self.form
            case Screen.CONFIRMATION:
                return self.confirmation
            case _:
                assert_never(screen)

    def _added(self, screen: AnyScreen) -> AnyScreen:
        """A new screen joins the stack at the window's current look, like those built at start."""
        self.stack.addWidget(screen)
        self._bring_up_to_date(screen)
        return screen

    def _wipe_visit(self) -> None:
        """Drop what the last patient typed or was shown (nothing to drop from screens not built yet)."""
        if self._form is not None:
            self._form.wipe()
        if self._confirmation is not None:
            self._confirmation.clear()
        self.visit_privacy.forget()

    @property
    def current_screen(self) -> KioskScreen:
        widget = self.stack.currentWidget()
        assert isinstance(widget, KioskScreen)
        return widget

    def go(self, route: Route) -> None:
        self.navigator.go(route)

    def show_receipt(self, receipt: Receipt) -> None:
        """The request is stored: show its code, and drop the answers from the screen now."""
        self.confirmation.show_receipt(receipt)
        self.navigator.go(Route(Screen.CONFIRMATION))

    def set_out_of_service(self, reason: str) -> None:
        """Requests cannot be stored (`reason` is for the log): every way to a form shows the notice instead."""
        self.out_of_service_reason = reason
        log.error("kiosk out of service for requests: %s", reason)
        self._show(self.navigator.current)

    # -- lock-down, opening hours, crash --------------------------------------------------------
    def enter_lockdown(self) -> None:
        """Full-screen, frameless, on top; close requests, escape keys and menus ignored; follow opening hours.

        Staff leave through the hidden corner and an admin sign-in (the console's "Close the kiosk app").
        """
        settings = self.context.settings.lockdown
        self.setWindowFlags(self.windowFlags() | Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        if self.lockdown is None:
            self.lockdown = LockdownGuard(self, hide_cursor=settings.hide_cursor)
            self.staff_entry.console_open.connect(self._console_shown)
        self.show_full_screen()
        self.follow_opening_hours()
        log.info("lock-down on: full-screen, exit corner %s", settings.exit_corner)

    def show_full_screen(self) -> None:
        """Cover the whole screen the window is on, with or without a window manager, and keep covering it when
        the screen changes (resolution, rotation, another monitor): see kiosk.ui.full_screen."""
        self.full_screen.start()

    def follow_opening_hours(self) -> None:
        """Closed screen and screen sleep outside [clinic.hours], keep-awake inside, as the settings ask."""
        self.opening_hours.start()

    def show_crash_screen(self) -> None:
        """Something failed unexpectedly: wipe the visit, show calm words, then back to attract by itself."""
        self.idle.watch(False)
        self.idle_warning.hide()
        self.leave_prompt.hide()  # the visit it asked about is wiped: no card over the calm words
        self._leaving_by = None
        self._wipe_visit()
        self.top_bar.setVisible(False)
        self._bring_up_to_date(self.crash_screen)
        self.stack.setCurrentWidget(self.crash_screen)
        self.crash_screen.setFocus()
        self.crash_timer.start()
        self.read_aloud.show_screen(self.crash_screen)

    def _opening_hours_changed(self, open_now: bool, upcoming: NextOpening | None) -> None:
        settings = self.context.settings.lockdown
        if open_now and settings.keep_screen_on:
            self.keep_awake.acquire()
        else:
            self.keep_awake.release()  # the display may sleep at night; the kiosk wakes it at opening
        self.set_clinic_closed(settings.closed_screen and not open_now, upcoming)

    def set_clinic_closed(self, closed: bool, upcoming: NextOpening | None = None) -> None:
        self.clinic_closed = closed
        self.closed_screen.show_next_opening(upcoming)
        if self.navigator.current == ATTRACT and self.stack.currentWidget() is not self.crash_screen:
            self._show(ATTRACT)

    def _console_shown(self, shown: bool) -> None:
        if self.lockdown is not None:
            self.lockdown.set_cursor_hidden(not shown)

    def reset_for_next_patient(self) -> None:
        """Back to the attract loop in the default language, as if nobody had been here."""
        self.crash_timer.stop()
        self.read_aloud.reset()  # silent and off before the language goes back to the default
        self.idle_warning.hide()
        self.leave_prompt.hide()  # the time-out ends the visit whatever was being asked
        self._leaving_by = None
        self._wipe_visit()
        self.texts.reset()
        with self._screen_restyle_held():
            self.presentation.reset()
        self.navigator.reset()
        # Once the visit's widgets are deleted (deleteLater runs first), their memory goes back to the system.
        QTimer.singleShot(RELEASE_MEMORY_AFTER_MS, self, release_free_memory)
        log.info("visit ended: back on the attract loop")

    def _form_step_shown(self) -> None:
        if self._form is not None and self.stack.currentWidget() is self._form:
            self.read_aloud.show_screen(self._form)

    def _announce_idle_warning(self, _seconds: int) -> None:
        card = self.idle_warning
        self.read_aloud.announce(sentences([card.title.text(), card.body.text(), card.button.accessibleName()]))

    def _more_time(self) -> None:
        self.idle.extend()
        self.idle_warning.hide()

    def _back(self) -> None:
        # Inside a form, Back is the previous question, not the page before the form: the form's one way back.
        if route_is_form(self.navigator.current) and self.form.can_step_back():
            self.form.step_back()
        else:
            self._leave_asking_first(self.navigator.back)

    def _home_pressed(self) -> None:
        self._leave_asking_first(self.navigator.home)

    def _leave_asking_first(self, go: Callable[[], None]) -> None:
        """Go, unless that would silently erase a half-filled form: then ask, "Keep going" the default."""
        on_form = route_is_form(self.navigator.current) and self.current_screen is self._form
        if on_form and self._form is not None and self._form.has_answers():
            self._leaving_by = go
            self.leave_prompt.ask()
            self.read_aloud.announce(sentences([self.leave_prompt.title.text(), self.leave_prompt.body.text()]))
            return
        go()

    def _leave_form(self) -> None:
        go, self._leaving_by = self._leaving_by, None
        if go is not None:
            go()

    def _show(self, route: Route) -> None:
        if not route_is_form(route) and self._form is not None and self._form.draft is not None:
            self._form.wipe()  # leaving a form (Home, Back, confirmation) leaves nothing behind
            self.visit_privacy.forget()
        screen = self.screen_for(route.screen)
        if self.out_of_service_reason is not None and route_is_form(route):
            screen = self.out_of_service
        if route == ATTRACT and self.clinic_closed:
            screen = self.closed_screen
        focused = QApplication.focusWidget()
        self._bring_up_to_date(screen)
        screen.show_route(route)
        self.stack.setCurrentWidget(screen)
        if not self._keeps_focus(screen, route, focused):
            screen.setFocus()
        self._shown = (screen, route)
        on_attract = route == ATTRACT
        self.top_bar.setVisible(not on_attract)
        confirming = route.screen == Screen.CONFIRMATION
        self.top_bar.back.setVisible(self.navigator.can_go_back and not confirming)
        self.top_bar.home.setVisible(route.screen not in (Screen.HOME, Screen.CONFIRMATION))
        self.top_bar.clinic.setVisible(route.screen == Screen.HOME)
        self._bring_shown_parts_up_to_date()  # any that missed a look while held (see _screen_restyle_held)
        settings = self.context.settings.idle
        if confirming and self._confirmation is not None and self._confirmation.is_urgent:
            # Up until staff clear it (the corner sign-in resets the kiosk) or its own time passes: touches neither
            # end nor extend it, and no "are you still there?" covers the instruction. Shown again, it keeps counting.
            if not self.idle.holding:
                self.idle.hold(settings.urgent_confirmation_seconds)
        else:
            private = route_is_form(route) or confirming
            self.idle.timeout_seconds = settings.form_timeout_seconds if private else settings.info_timeout_seconds
            self.idle.watch(not on_attract)
        self._place_controls()
        self.read_aloud.show_screen(screen)

    def _keeps_focus(self, screen: KioskScreen, route: Route, focused: QWidget | None) -> bool:
        """Another section of the same page keeps the keypad's place (the section tab, Back) if it is still there;
        anything else starts at the new screen itself, which a screen reader announces by its title."""
        if self._shown is None or self._shown[0] is not screen or self._shown[1].page_id != route.page_id:
            return False
        return focused is not None and focused is QApplication.focusWidget() and focused.isVisible()

    # -- size and orientation --------------------------------------------------------------
    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        size = event.size()
        self.apply_size(size.width(), size.height())

    def apply_size(self, width: int, height: int) -> None:
        metrics = Metrics.for_size(width, height, self.presentation.text_size)
        theme = self.presentation.theme
        if metrics != self.metrics or theme != self.theme:
            self.metrics = metrics
            self.theme = theme
            # One style sheet for the bar and every screen, so every size and colour follows one scale and palette.
            self._sheet = stylesheet(metrics, theme)
            self._background = QColor(PALETTES[theme]["background"])
            self.update()
        self.portrait = height > width
        self.top_bar.set_margins(metrics.px("pad"))
        for part in self._parts():
            # Only what is in sight: the bar is hidden on the attract loop, the cards and the low space most of
            # the time. A hidden part catches up as it is shown (eventFilter), as hidden screens do (_show).
            self._stale_parts.add(part)
        if not self._restyle_held:
            # The bar and the low space are restyled shown or not: the bar's rows are fitted to its words' size
            # from wherever the look changes (a screenshot renders the window unshown). Only the cards wait.
            self._bring_part_up_to_date(self.top_bar)
            self._bring_part_up_to_date(self.low_space)
            self._bring_shown_parts_up_to_date()
            current = self.stack.currentWidget()
            if isinstance(current, KioskScreen):
                self._bring_up_to_date(current)
        self._place_controls()

    def _parts(self) -> tuple[QWidget, ...]:
        """What the window shows besides its screens, each styled with the window's one sheet."""
        return (self.top_bar, self.low_space, self.idle_warning, self.leave_prompt)

    def _bring_shown_parts_up_to_date(self) -> None:
        for part in self._parts():
            # Shown within the window, even before the window itself is (a screenshot renders it unshown).
            if part.isVisibleTo(self):
                self._bring_part_up_to_date(part)

    def _bring_part_up_to_date(self, part: QWidget) -> None:
        if part not in self._stale_parts or self.metrics is None:
            return
        self._stale_parts.discard(part)
        _take_sheet(part, self._sheet)
        for button in part.findChildren(TouchButton):
            button.apply_metrics(self.metrics)
        if part is self.top_bar:
            self.top_bar.fit(self.width())  # its rows follow its words' new size
        for card in (self.idle_warning, self.leave_prompt):
            if part is card:
                card.setGeometry(self.rect())
                card.relayout(self.metrics, self.width())

    @teardown_safe
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        # Installed on the parts only (their own events, not their children's). Show comes before the first paint,
        # so a part that missed a new size or theme while hidden is never seen in the old one.
        if type(event) is QShowEvent and isinstance(watched, QWidget):
            self._bring_part_up_to_date(watched)
        return False

    def _bring_up_to_date(self, screen: KioskScreen) -> None:
        """Give `screen` the current style sheet, scale and orientation, if it has not had them yet.

        Only the screen in sight changes with a new text size or theme; the others catch up when shown. Qt
        re-polishes every widget under a changed style sheet, shown or not, so one sheet on the whole window
        made a text-size tap restyle the form's keyboard and every other hidden screen: ~100 ms, not one frame.
        """
        metrics = self.metrics
        look = (metrics, self.theme, self.portrait)
        if metrics is None or self._looks.get(screen) == look:
            return
        _take_sheet(screen, self._sheet)
        screen.relayout(self.portrait, metrics)
        for button in screen.findChildren(TouchButton):
            button.apply_metrics(metrics)
        self._looks[screen] = (metrics, self.theme, self.portrait)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        # The window's own background from the theme, painted rather than styled: a style sheet on the window
        # would apply to, and re-polish, every screen under it (see _bring_up_to_date).
        painter = QPainter(self)
        painter.fillRect(event.rect(), self._background)
        painter.end()

    def _presentation_changed(self) -> None:
        # A new text size or theme restyles and reflows the screen in sight, keeping what was typed.
        self.apply_size(self.width(), self.height())

    @contextlib.contextmanager
    def _screen_restyle_held(self) -> Iterator[None]:
        """Inside, a new look restyles nothing yet: the screen in sight is about to be replaced, and the next one
        and the bar catch up as they are shown (the end of a visit restyled the confirmation screen and the bar
        for the default look, then left them for the attract loop, which has no bar)."""
        self._restyle_held = True
        try:
            yield
        finally:
            self._restyle_held = False

    def _place_controls(self) -> None:
        """The bar's controls in the rows that fit their words, and the empty space above low controls."""
        if self.metrics is None:
            return
        on_attract = self.navigator.current == ATTRACT
        # Low controls matter on a tall portrait screen; in landscape everything is within reach already.
        self.access_bar.low.setVisible(self.portrait)
        low = self.presentation.low_position and self.portrait and not on_attract
        self.low_space.setVisible(low)
        if low:
            self.low_space.setFixedHeight(round(self.height() * LOW_SHARE))
        self.top_bar.fit(self.width())
        # Tab follows reading order: the bar's rows top to bottom, each left to right.
        chain_focus(self.top_bar.reading_order())

    # Bound methods, not lambdas on self: a lambda would tie the window into a reference cycle (see above); the rule
    # holds for every QObject in kiosk/ui (tests/architecture/test_no_lambda_on_self.py).
    def _language_changed(self, _language: str) -> None:
        self._retranslate()

    def _speech_availability_changed(self, _available: bool) -> None:
        self._place_controls()

    def _retranslate(self) -> None:
        self.low_note.setText(self.texts.t("access.low_note"))
        self._place_controls()  # another language's words may need another row

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt's name)
        if self.lockdown is not None:
            # Locked down, only the admin's "Close the kiosk app" ends the kiosk (it quits the application).
            event.ignore()
            log.info("close request ignored: the kiosk is locked down")
            return
        self.attract.stop()
        self.idle.watch(False)  # a closed window has no visit to end
        self.read_aloud.reset()
        self.keep_awake.release()
        super().closeEvent(event)


def _take_sheet(widget: QWidget, sheet: str) -> None:
    if widget.styleSheet() != sheet:  # setting the same sheet again would still re-polish every child
        widget.setStyleSheet(sheet)
