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
WAIT_S = 30.0


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


def controls() -> list[Any]:
    return [node for node in shown(application()) if node.getRoleName() in ("radio button", "check box", "text")]


def checked(node: Any) -> bool:
    return bool(node.getState().contains(pyatspi.STATE_CHECKED))


def answer(node: Any, value: str) -> None:
    if node.getRoleName() == "text":
        node.queryEditableText().setTextContents(value)
    elif not checked(node):
        act(node, "Toggle", "Press")


def follow_up_answers(words: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(role, name or name's start, question) for each answer a patient gives; "" matches any question."""
    fields, options = words["fields"], words["options"]
    today = time.localtime()
    done_year = today.tm_year if today.tm_mon > 1 else today.tm_year - 1
    done_month = today.tm_mon - 1 if today.tm_mon > 1 else 12
    return [
        ("radio button", "*", fields["procedure"]),  # the only procedure listed, whatever its title
        ("text", f"{fields['procedure_date']}: {fields['day']}", "3"),
        ("text", f"{fields['procedure_date']}: {fields['month']}", str(done_month)),
        ("text", f"{fields['procedure_date']}: {fields['year']}", str(done_year)),
        ("text", fields["first_name"], "Ana"),
        ("text", fields["last_name"], "Nguyen"),
        ("text", f"{fields['date_of_birth']}: {fields['day']}", "14"),
        ("text", f"{fields['date_of_birth']}: {fields['month']}", "3"),
        ("text", f"{fields['date_of_birth']}: {fields['year']}", "1961"),
        ("text", fields["phone"], "(312) 555-0188"),
        ("radio button", options["phone_call"], fields["contact_method"]),
        ("check box", options["morning"], fields["contact_times"]),
        ("check box", fields["consent_contact"], ""),
        ("radio button", "7", fields["pain_before"]),
        ("radio button", "2", fields["pain_now"]),
        ("radio button", "50", fields["relief_percent"]),
        ("radio button", options["days"], fields["relief_duration"]),
        ("radio button", options["yes"], fields["relief_within_hours"]),
        ("radio button", options["yes"], fields["red_flag_bladder_or_bowel_changes"]),
        ("radio button", options["no"], fields["red_flag_leg_weakness_or_numbness"]),
        ("radio button", options["no"], fields["red_flag_fever"]),
        ("radio button", options["no"], fields["red_flag_site_redness_or_swelling"]),
        ("check box", options["question"], fields["next_steps"]),
    ]


def matches(node: Any, role: str, name: str, question: str) -> bool:
    if node.getRoleName() != role:
        return False
    if role == "text":
        return bool(node.name == name)
    # A scale's answer is heard as "7, Severe" or "50%": its number is what the patient picks.
    first = node.name.split(",")[0].strip().rstrip("%")
    named = name == "*" or node.name == name or first == name
    return named and (not question or node.description.startswith(question))


def send_follow_up(words: dict[str, Any], before_send: Callable[[], None]) -> None:
    """Answer each step's questions as they come, by role and name, and press Next until Send, then Send."""
    wanted = follow_up_answers(words)
    for _ in range(40):  # eleven steps; a slow machine may need a second look at some
        pump(0.3)
        for node in controls():
            for role, name, third in wanted:  # third: the text typed, or the question a choice answers
                if role == "text" and matches(node, role, name, ""):
                    answer(node, third)
                elif role != "text" and matches(node, role, name, third):
                    answer(node, name)
        submit = [node for node in shown(application()) if node.name == words["form"]["submit"]]
        if submit:
            before_send()
            act(submit[0], "Press")
            return
        act(find("push button", words["form"]["next"]), "Press")
    raise WalkFailedError("the follow-up never reached its Send button")


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
        # A follow-up that reports a warning sign: the instruction must be what is heard first.
        act(find("push button", chosen["nav"]["home"]), "Press")
        act(find("push button", chosen["home"]["follow_up"]), "Press")
        send_follow_up(chosen, before_send=lambda: say("follow-up review"))
        instruction = chosen["red_flag"]["instruction"]
        wait_for("the urgent instruction", lambda: any(node.name == instruction for node in shown(application())))
        say("urgent confirmation")
    except WalkFailedError as failure:
        print(json.dumps({"failed": str(failure)}), flush=True)
        return 1
    print(json.dumps({"done": True}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
