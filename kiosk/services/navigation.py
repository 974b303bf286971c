"""Where the patient is and how they got there: Back, Home and the idle reset."""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass


class Screen(enum.StrEnum):
    ATTRACT = "attract"
    HOME = "home"
    PROCEDURES = "procedures"
    PROCEDURE = "procedure"
    CONDITION = "condition"
    APPOINTMENT = "appointment"
    FOLLOW_UP = "follow-up"
    CONFIRMATION = "confirmation"


# Screens where a patient types about themselves: shorter idle time, wiped on leaving.
FORM_SCREENS = frozenset({Screen.APPOINTMENT, Screen.FOLLOW_UP})


@dataclass(frozen=True)
class Route:
    screen: Screen
    page_id: str | None = None
    section: int = 0

    @property
    def name(self) -> str:
        """The route as `kiosk screenshot --screen` spells it."""
        if self.page_id is None:
            return f"{self.screen.value}/{self.section + 1}" if self.section else self.screen.value
        suffix = f"/{self.section + 1}" if self.section else ""
        return f"{self.screen.value}/{self.page_id}{suffix}"

    @classmethod
    def parse(cls, name: str) -> Route:
        """Read `home`, `procedure/<id>` or `procedure/<id>/<section number>`."""
        screen_name, _, rest = name.partition("/")
        screen = Screen(screen_name)
        if not rest:
            return cls(screen)
        if screen in FORM_SCREENS and rest.isdigit():  # a step of a form: appointment/3
            return cls(screen, None, int(rest) - 1)
        page_id, _, section = rest.partition("/")
        number = int(section) if section else 1
        if number < 1:
            raise ValueError(f"section numbers start at 1, not {number}")
        return cls(screen, page_id, number - 1)


ATTRACT = Route(Screen.ATTRACT)
HOME = Route(Screen.HOME)


class Navigator:
    """A history of routes; listeners hear every change of the current route."""

    def __init__(self) -> None:
        self._history: list[Route] = [ATTRACT]
        self._listeners: list[Callable[[Route], None]] = []

    @property
    def current(self) -> Route:
        return self._history[-1]

    @property
    def can_go_back(self) -> bool:
        return len(self._history) > 2  # never "back" into the attract loop

    def subscribe(self, listener: Callable[[Route], None]) -> None:
        self._listeners.append(listener)

    def go(self, route: Route) -> None:
        if route == self.current:
            return
        if route == HOME:
            self._history = [ATTRACT, HOME]
        elif route == ATTRACT:
            self._history = [ATTRACT]
        elif self.current.screen == route.screen and self.current.page_id == route.page_id:
            # Another section of the same page replaces, so Back leaves the page.
            self._history[-1] = route
        else:
            self._history.append(route)
        self._notify()

    def back(self) -> None:
        if self.can_go_back:
            self._history.pop()
            self._notify()

    def home(self) -> None:
        self.go(HOME)

    def reset(self) -> None:
        """Forget the whole visit: the next patient starts on the attract loop."""
        self._history = [ATTRACT]
        self._notify()

    def _notify(self) -> None:
        for listener in list(self._listeners):
            listener(self.current)
