"""A screen reader's walk through the running kiosk, over AT-SPI, by role and accessible name only.

Run with the SYSTEM Python, which has Debian's pyatspi (python3-pyatspi, gir1.2-atspi-2.0); it imports
nothing of the kiosk's. The words it looks for come from the kiosk's own string files, so a walk in
Vietnamese asks for Vietnamese names. It prints one JSON object per line: {"step": ..., "heard": [...]}
for each step done, what a screen reader would have spoken (focus changes and the name and description of
what got focus, and announcements), and a last line {"done": true} or {"failed": "<sentence>"}.

    /usr/bin/python3 tests/end2end/atspi_walk.py STRINGS_DIR LANGUAGE
"""

from __future__ import annotations

import json
import sys
import time
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyatspi  # type: ignore[import-not-found]  # Debian's, for the system Python only

APP_NAME = "Clinic kiosk"
WAIT_S = 20.0


class WalkFailedError(Exception):
    pass


class Ear:
    """What a screen reader would say: every focus change (name, role, description) and announcement."""

    def __init__(self) -> None:
        self.heard: list[str] = []
        pyatspi.Registry.registerEventListener(self._focus, "object:state-changed:focused")
        pyatspi.Registry.registerEventListener(self._announce, "object:announcement")

    def _focus(self, event: Any) -> None:
        if event.detail1:
            source = event.source
            with_words = [source.name, source.getRoleName(), source.description]
            self.heard.append(", ".join(word for word in with_words if word))

    def _announce(self, event: Any) -> None:
        self.heard.append(str(event.any_data))

    def take(self) -> list[str]:
        heard, self.heard = self.heard, []
        return heard


def pump(seconds: float) -> None:
    """Let AT-SPI deliver events for a while (the listeners run from GLib's loop)."""
    from gi.repository import GLib  # type: ignore[import-not-found]

    context = GLib.MainContext.default()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        context.iteration(False)
        time.sleep(0.01)


def application() -> Any:
    for app in pyatspi.Registry.getDesktop(0):
        if app is not None and app.name == APP_NAME:
            return app
    return None


def showing(node: Any) -> bool:
    try:
        state = node.getState()
    except Exception:  # the object went away while we looked
        return False
    return bool(state.contains(pyatspi.STATE_SHOWING) and state.contains(pyatspi.STATE_VISIBLE))


def shown(root: Any) -> Iterator[Any]:
    for child in root:
        if child is not None and showing(child):
            yield child
            yield from shown(child)


def wait_for(what: str, look: Callable[[], Any]) -> Any:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        found = look()
        if found:
            return found
        pump(0.1)
    raise WalkFailedError(f"waited {WAIT_S:.0f} s for {what}")


def find(role: str, name: str) -> Any:
    def look() -> Any:
        app = application()
        if app is None:
            return None
        return next((node for node in shown(app) if node.getRoleName() == role and node.name == name), None)

    return wait_for(f"a {role} named {name!r}", look)


def act(node: Any, *actions: str) -> None:
    interface = node.queryAction()
    names = [interface.getName(index) for index in range(interface.nActions)]
    for index, name in enumerate(names):
        if name in actions:
            interface.doAction(index)
            return
    raise WalkFailedError(f"{node.getRoleName()} {node.name!r} offers {names}, not {list(actions)}")


def focused() -> Any:
    app = application()
    return next((node for node in shown(app) if node.getState().contains(pyatspi.STATE_FOCUSED)), None)


def main(strings_dir: str, language: str) -> int:
    words = {lang: tomllib.loads((Path(strings_dir) / f"{lang}.toml").read_text("utf-8")) for lang in ("en", language)}
    ear = Ear()
    wait_for("the kiosk on the accessibility bus", application)

    def say(step: str, **facts: object) -> None:
        pump(0.5)
        print(json.dumps({"step": step, "heard": ear.take(), **facts}, ensure_ascii=False), flush=True)

    try:
        en, chosen = words["en"], words[language]
        # The attract loop: a screen reader or switch user starts the visit with the screen's own action.
        attract = find("push button", en["attract"]["touch_to_begin"])
        act(attract, "Press")
        find("filler", en["home"]["title"])
        say("home")
        if language != "en":
            act(find("radio button", chosen["language"]["name"]), "Toggle", "Press")
            find("filler", chosen["home"]["title"])
            say("language", title=chosen["home"]["title"])
        act(find("push button", chosen["home"]["appointment"]), "Press")
        find("push button", chosen["form"]["next"])
        say("appointment form")
        act(find("push button", chosen["form"]["next"]), "Press")  # nothing answered yet
        pump(0.5)
        where = focused()
        say(
            "error",
            focused=where.name if where is not None else None,
            description=where.description if where is not None else None,
        )
    except WalkFailedError as failure:
        print(json.dumps({"failed": str(failure)}), flush=True)
        return 1
    print(json.dumps({"done": True}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
