"""A screen reader's walk through the running kiosk, over AT-SPI, by role and accessible name only.

Run with the SYSTEM Python, which has Debian's pyatspi (python3-pyatspi, gir1.2-atspi-2.0); it imports
nothing of the kiosk's. The words it looks for come from the kiosk's own string files, so a walk in
Vietnamese asks for Vietnamese names. It prints one JSON object per line: {"step": ..., "heard": [...]}
for each step done, what a screen reader would have spoken (focus changes and the name and description of
what got focus, and announcements), and a last line {"done": true} or {"failed": "<sentence>"}.

    /usr/bin/python3 tests/end2end/atspi_walk.py STRINGS_DIR LANGUAGE IDLE_SECONDS
"""

from __future__ import annotations

import json
import sys
import time
import tomllib
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyatspi  # type: ignore[import-not-found]  # Debian's, for the system Python only

APP_NAME = "Clinic kiosk"
WAIT_S = 30.0
STAY_PAST_S = 5  # how long past the idle time the patient works through the screen reader, with no warning
LAST_NAME = "Nguyễn"  # a Vietnamese name, typed on the on-screen keyboard in every language
KEYBOARD_NAME = [""]  # the keyboard's accessible name in the walk's language (set by main)
KEYBOARD: list[Any] = []  # the keyboard's node, while it is on the screen (see on_screen_keyboard)
# Combining marks that make a letter of its own on the keyboard (ê, ă, ơ), and the five Vietnamese tones.
LETTER_MARKS = {"\u0302": "mark_circumflex", "\u0306": "mark_breve", "\u031b": "mark_horn"}
TONES = {"\u0301": "sac", "\u0300": "huyen", "\u0309": "hoi", "\u0303": "nga", "\u0323": "nang"}


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

    def has_heard(self, *words: str) -> bool:
        said = " ".join(self.heard)
        return all(word in said for word in words)

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


def settle(look: Callable[[], Any], at_most: float) -> Any:
    """Let AT-SPI deliver events until look() finds what it looks for, or at most that long; what it found, if any.

    For what a fixed pause used to wait for: the walk goes on as soon as the kiosk has done it."""
    deadline = time.monotonic() + at_most
    found = look()
    while not found and time.monotonic() < deadline:
        pump(0.05)
        found = look()
    return found


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


def has_state(node: Any, state: Any) -> bool:
    try:
        return bool(node.getState().contains(state))
    except Exception:  # the object went away while we looked (a step changed under us)
        return False


def focused() -> Any:
    app = application()
    return next((node for node in shown(app) if has_state(node, pyatspi.STATE_FOCUSED)), None)


def controls() -> list[Any]:
    return [node for node in shown(application()) if node.getRoleName() in ("radio button", "check box", "text")]


def checked(node: Any) -> bool:
    return has_state(node, pyatspi.STATE_CHECKED)


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
        *_about_you(words),
        ("radio button", "7", fields["pain_before"]),
        ("radio button", "2", fields["pain_now"]),
        ("radio button", "3", fields["peg_enjoyment"]),
        ("radio button", "4", fields["peg_activity"]),
        ("radio button", "50", fields["relief_percent"]),
        ("radio button", options["days"], fields["relief_duration"]),
        ("radio button", options["yes"], fields["relief_within_hours"]),
        # The warning signs are one checklist: the sign the patient has had is ticked, the others left as they are.
        ("check box", fields["red_flag_bladder_or_bowel_changes"], fields["warning_intro"]),
        ("check box", options["question"], fields["next_steps"]),
    ]


def _about_you(words: dict[str, Any], birth_day: str = "14") -> list[tuple[str, str, str]]:
    fields, options = words["fields"], words["options"]
    return [
        ("text", fields["first_name"], "Ana"),
        ("keys", fields["last_name"], LAST_NAME),  # typed key by key on the on-screen keyboard, as a switch user does
        ("text", f"{fields['date_of_birth']}: {fields['day']}", birth_day),
        ("text", f"{fields['date_of_birth']}: {fields['month']}", "2"),
        ("text", f"{fields['date_of_birth']}: {fields['year']}", "1961"),
        ("text", fields["phone"], "(312) 555-0188"),
        ("radio button", options["phone_call"], fields["contact_method"]),
        ("check box", options["morning"], fields["contact_times"]),
        ("check box", fields["consent_contact"], ""),
    ]


def appointment_answers(words: dict[str, Any], birth_day: str) -> list[tuple[str, str, str]]:
    fields, options = words["fields"], words["options"]
    return [
        ("radio button", options["new"], fields["patient_status"]),
        *_about_you(words, birth_day),
        ("radio button", "*", fields["reason"]),  # the first reason listed: the procedure
        ("check box", options["tuesday"], fields["preferred_days"]),
    ]


def matches(node: Any, role: str, name: str, question: str) -> bool:
    if node.getRoleName() != ("text" if role == "keys" else role):
        return False
    if role in ("text", "keys"):
        return bool(node.name == name)
    # A scale's answer is heard as "7, Severe" or "50%": its number is what the patient picks.
    first = node.name.split(",")[0].strip().rstrip("%")
    named = name == "*" or node.name == name or first == name
    return named and (not question or node.description.startswith(question))


def text_of(node: Any) -> str:
    return str(node.queryText().getText(0, -1))


def on_screen_keyboard() -> Any:
    """The keyboard's own node: found once on the whole screen, then each key is looked for under it alone."""
    if KEYBOARD and showing(KEYBOARD[0]) and KEYBOARD[0].name == KEYBOARD_NAME[0]:
        return KEYBOARD[0]
    keyboard = next((node for node in shown(application()) if node.getRoleName() == "filler"
                     and node.name == KEYBOARD_NAME[0]), None)  # fmt: skip
    KEYBOARD[:] = [keyboard] if keyboard is not None else []
    return keyboard


def keyboard_key(name: str) -> Any:
    keyboard = on_screen_keyboard()
    if keyboard is None:
        return None
    return next((key for key in shown(keyboard) if key.name == name), None)


def type_with_keys(words: dict[str, Any], field: Any, text: str) -> None:
    """Type as a switch user does: the field gets the focus by its action, then each letter is a key's Press."""
    keyboard = words["keyboard"]
    act(field, "SetFocus")
    # Its move-on key says "Done" on a step's last box, else "Next box" (the last name has the date of birth after it).
    wait_for(
        "the on-screen keyboard",
        lambda: keyboard_key(keyboard["done_name"]) or keyboard_key(keyboard["next_name"]),
    )
    for letter in text:
        base, *marks = list(unicodedata.normalize("NFD", letter))
        vowel_marks = [mark for mark in marks if mark in LETTER_MARKS]
        tones = [mark for mark in marks if mark in TONES]
        key = base
        if vowel_marks:
            marked = " ".join(keyboard[LETTER_MARKS[mark]] for mark in vowel_marks)
            key = keyboard["letter_marked"].format(letter=base, marks=marked)
        press_key(keyboard, key)
        for tone in tones:
            press_key(keyboard, keyboard[f"tone_{TONES[tone]}_name"])
    settle(lambda: unicodedata.normalize("NFC", text_of(field)) == text, 2.0)
    if unicodedata.normalize("NFC", text_of(field)) != text:
        raise WalkFailedError(f"typed {text!r} on the keyboard, but the field holds {text_of(field)!r}")


def press_key(keyboard: dict[str, str], name: str) -> None:
    """Press the key of that name; if it is not on the page shown, turn to the page (or case) that has it."""
    # The Vietnamese page is a key away on a Vietnamese screen, and behind the accents picker (its key named by either
    # string) on an English or Spanish one.
    turns = (
        None,
        keyboard["vietnamese"],
        keyboard["more_letters_name"],
        keyboard["vietnamese"],
        keyboard["other_letters"],
        keyboard["vietnamese"],
        keyboard["letters_name"],
        keyboard["shift_name"],
    )
    for turn in turns:
        if turn is not None:
            page = keyboard_key(turn)
            if page is None:
                continue
            act(page, "Press", "Toggle")
            pump(0.2)
        key = keyboard_key(name)
        if key is not None:
            act(key, "Press")
            pump(0.15)
            return
    raise WalkFailedError(f"no key named {name!r} on any page of the on-screen keyboard")


def error_heard(words: dict[str, Any]) -> Any:
    """The control holding the focus, when what it says is one of the kiosk's error sentences."""
    where = focused()
    if where is None:
        return None
    sentences = [sentence for sentence in words["errors"].values() if sentence]
    return where if any(sentence in (where.description or "") for sentence in sentences) else None


def fill_and_send(
    words: dict[str, Any],
    wanted: list[tuple[str, str, str]],
    before_send: Callable[[], None],
    on_error: Callable[[Any], list[tuple[str, str, str]]] | None = None,
    on_step: Callable[[str], None] | None = None,
) -> None:
    """Answer each step's questions as they come, by role and name, and press Next until Send, then Send.

    When Next stays on a step with an error heard, on_error hears it and gives the corrected answers."""
    for _ in range(40):  # up to eleven steps; a slow machine may need a second look at some
        pump(0.1)
        shown_now = controls()
        for node in shown_now:
            for role, name, third in wanted:  # third: the text typed, or the question a choice answers
                if role == "keys" and matches(node, role, name, "") and text_of(node) != third:
                    type_with_keys(words, node, third)
                elif role == "text" and matches(node, role, name, ""):
                    answer(node, third)
                elif name == "*" and matches(node, role, name, third):
                    # Any one answer will do: the first offered, unless one is already chosen.
                    if not any(checked(other) for other in shown_now if matches(other, role, name, third)):
                        answer(node, name)
                elif role not in ("text", "keys") and matches(node, role, name, third):
                    answer(node, name)
        if on_step is not None:
            on_step(step_name())
        submit = [node for node in shown(application()) if node.name == words["form"]["submit"]]
        if submit:
            pump(1.5)  # what the review step itself says is heard before Send, not mixed with what follows
            before_send()
            act(submit[0], "Press")
            return
        before = step_name()
        act(find("push button", words["form"]["next"]), "Press")
        settle(moved_on(words, before), 2.0)
        where = error_heard(words)
        if where is not None:
            if on_error is None:
                raise WalkFailedError(f"an unexpected error was heard: {where.name}: {where.description}")
            wanted = on_error(where)
    raise WalkFailedError("the form never reached its Send button")


def moved_on(words: dict[str, Any], before: str) -> Callable[[], Any]:
    """On to the next step, or an error heard where the focus lands (31 February): whichever comes first."""
    return lambda: step_name() != before or error_heard(words)


def step_name() -> str:
    """The form's own name says where the patient is: "Request an appointment. Step 2 of 7: Your name"."""
    steps = [node.name for node in shown(application()) if node.getRoleName() == "filler" and ". " in node.name]
    return steps[0] if steps else ""


def stay_active_through_accessibility(words: dict[str, Any], seconds: float) -> None:
    """A patient who works only through the screen reader, for longer than the idle time, is never timed out.

    An edit every 5 s, as a patient pausing between words; the warning is looked for every half second, so the walk
    needs to outlast the idle time by a few seconds only to see a warning that should not come."""
    field = find("text", words["fields"]["first_name"])
    deadline = time.monotonic() + seconds
    typed = 0
    while time.monotonic() < deadline:
        typed += 1
        field.queryEditableText().setTextContents("Ana"[: 1 + typed % 3])
        next_edit = min(deadline, time.monotonic() + 5.0)
        while time.monotonic() < next_edit:
            pump(0.5)
            if any(node.name == words["idle"]["title"] for node in shown(application())):
                raise WalkFailedError(f"the time-out warning came after {typed} edits through accessibility")


def height(node: Any) -> int:
    return int(node.queryComponent().getExtents(pyatspi.DESKTOP_COORDS).height)


def labels() -> list[Any]:
    return [node for node in shown(application()) if node.getRoleName() == "label"]


def main(strings_dir: str, language: str, idle_seconds: int) -> int:
    words = {lang: tomllib.loads((Path(strings_dir) / f"{lang}.toml").read_text("utf-8")) for lang in ("en", language)}
    en, chosen = words["en"], words[language]
    KEYBOARD_NAME[0] = chosen["keyboard"]["name"]
    began = time.monotonic()  # each step says when it was done: where a slow walk spent its time
    ear = Ear()
    wait_for("the kiosk on the accessibility bus", application)

    def say(step: str, **facts: object) -> None:
        pump(0.5)
        at_s = round(time.monotonic() - began, 1)
        print(json.dumps({"step": step, "at_s": at_s, "heard": ear.take(), **facts}, ensure_ascii=False), flush=True)

    def start_visit() -> None:
        # The attract loop: a screen reader or switch user starts the visit with the screen's own action.
        act(find("push button", en["attract"]["touch_to_begin"]), "Press")
        find("filler", en["home"]["title"])
        if language != "en":
            act(find("radio button", chosen["language"]["name"]), "Toggle", "Press")
            find("filler", chosen["home"]["title"])

    try:
        start_visit()
        say("home", title=chosen["home"]["title"])
        # A bigger text size, chosen through the control's own action: the words on the screen grow.
        before = height(find("label", chosen["home"]["title"]))
        large = find("radio button", chosen["access"]["text_large"])
        act(large, "Toggle", "Press")
        settle(lambda: height(find("label", chosen["home"]["title"])) > before, 3.0)
        say("text size", checked=checked(large), before=before, after=height(find("label", chosen["home"]["title"])))
        read_a_procedure_section(chosen, say)
        send_an_appointment(chosen, say, idle_seconds)
        # Done: the next patient's screen. The walk starts its second visit the same way.
        act(find("push button", chosen["confirm"]["done"]), "Press")
        wait_for("the start of the next visit", lambda: any(
            node.name in (en["attract"]["touch_to_begin"], chosen["home"]["title"]) for node in shown(application())
        ))  # fmt: skip
        if any(node.name == en["attract"]["touch_to_begin"] for node in shown(application())):
            start_visit()
        # A follow-up: the patient stops to think, hears the time-out warning, asks for more time, and goes on.
        act(find("push button", chosen["home"]["follow_up"]), "Press")
        procedure = wait_for("the procedure question", lambda: next(
            (node for node in controls() if matches(node, "radio button", "*", chosen["fields"]["procedure"])), None
        ))  # fmt: skip
        answer(procedure, "*")
        say("follow-up form")
        warned_at = time.monotonic()
        deadline = warned_at + idle_seconds + 30
        while not any(node.name == chosen["idle"]["title"] for node in shown(application())):
            if time.monotonic() > deadline:
                raise WalkFailedError(f"no time-out warning after {idle_seconds + 30} s without activity")
            pump(0.5)
        # The warning is heard as it opens: its question, and the focus on the button that keeps the page.
        settle(lambda: ear.has_heard(chosen["idle"]["title"], chosen["idle"]["more_time"]), 3.0)
        say("time-out warning", after_s=round(time.monotonic() - warned_at))
        act(find("push button", chosen["idle"]["more_time"]), "Press")
        pump(0.5)
        say("more time", kept=checked(procedure))
        fill_and_send(chosen, follow_up_answers(chosen), before_send=lambda: say("follow-up review"))
        instruction = chosen["red_flag"]["instruction"]
        wait_for("the urgent instruction", lambda: any(node.name == instruction for node in shown(application())))
        say("urgent confirmation")
    except WalkFailedError as failure:
        app = application()
        on_screen = [f"{node.getRoleName()} {node.name}" for node in shown(app)][:80] if app is not None else []
        print(json.dumps({"failed": str(failure), "heard": ear.take(), "shown": on_screen}, ensure_ascii=False),
              flush=True)  # fmt: skip
        return 1
    print(json.dumps({"done": True}), flush=True)
    return 0


def read_a_procedure_section(words: dict[str, Any], say: Callable[..., None]) -> None:
    """Home → the procedures → the first one → its third section, chosen by the section tab's own action."""
    act(find("push button", words["home"]["learn"]), "Press")
    listing = find("filler", words["procedures"]["title"])
    procedure = wait_for("a procedure to read about", lambda: next(
        (node for node in shown(listing) if node.getRoleName() == "push button"), None
    ))  # fmt: skip
    title = procedure.name
    act(procedure, "Press")
    find("filler", title)
    page = words["page"]
    # Normal text shows the sections as tabs; large text (chosen earlier in the walk) as a "Section 2 of 6 ◂ ▸"
    # stepper. A screen-reader user takes whichever is there, as here.
    way = wait_for("the page's sections or its stepper", lambda: next((
        node for node in shown(application())
        if (node.getRoleName(), node.name) in {("filler", page["sections"]), ("push button", page["next_section_name"])}
    ), None))  # fmt: skip
    if way.getRoleName() == "filler":
        section = [node for node in shown(way) if node.getRoleName() == "radio button"][2]
        act(section, "Toggle", "Press")
        pump(0.5)
        name, chosen = section.name, checked(section)
    else:
        for _ in range(2):
            act(way, "Press")
            pump(0.5)
        third = page["section_of"].split("{number}")[0] + "3"
        position = wait_for("the stepper at the third section", lambda: next(
            (node for node in shown(application()) if node.name and node.name.startswith(third)), None
        ))  # fmt: skip
        before, after = page["text_area"].split("{section}")
        area = wait_for("the third section's text", lambda: next((
            node for node in labels()
            if node.name.startswith(before) and node.name.endswith(after) and len(node.name) > len(before + after)
        ), None))  # fmt: skip
        name, chosen = area.name[len(before) : len(area.name) - len(after)], bool(position)
    text = find("label", page["text_area"].format(section=name))
    say("procedure section", page=title, section=name, chosen=chosen,
        heading=any(node.name == name for node in labels()), text=text_of(text))  # fmt: skip
    act(find("push button", words["nav"]["home"]), "Press")
    find("filler", words["home"]["title"])


def send_an_appointment(words: dict[str, Any], say: Callable[..., None], idle_seconds: int) -> None:
    """The whole appointment request, with an error heard and corrected on the way, to the code read back."""
    act(find("push button", words["home"]["appointment"]), "Press")
    find("push button", words["form"]["next"])
    say("appointment form")
    act(find("push button", words["form"]["next"]), "Press")  # nothing answered yet
    settle(lambda: error_heard(words), 2.0)
    where = focused()
    say("error", focused=where.name if where is not None else None,
        description=where.description if where is not None else None)  # fmt: skip
    stayed: list[str] = []

    def on_step(step: str) -> None:
        # On the name step ("About you") the patient works only through the screen reader for longer than the idle
        # time.
        if step.endswith(words["steps"]["about_you"]) and not stayed:  # not "About your appointment"
            stay_active_through_accessibility(words, idle_seconds + STAY_PAST_S)
            find("text", words["fields"]["first_name"]).queryEditableText().setTextContents("Ana")
            stayed.append(step)
            say("stayed active", seconds=idle_seconds + STAY_PAST_S)

    def on_error(where: Any) -> list[tuple[str, str, str]]:
        say("birth date error", focused=where.name, description=where.description)
        return appointment_answers(words, birth_day="14")

    def before_send() -> None:
        say("appointment review", where=step_name(), name_shown=any(LAST_NAME in node.name for node in labels()))

    # 31 February first: the date is not a real one, and the patient hears so and puts it right.
    fill_and_send(words, appointment_answers(words, birth_day="31"), before_send, on_error, on_step)
    wait_for("the confirmation", lambda: any(
        node.name == words["confirm"]["title"] for node in shown(application())
    ))  # fmt: skip
    names = [node.name for node in labels()]
    intro = words["confirm"]["code_intro"]
    code = next((names[index + 1] for index, name in enumerate(names[:-1]) if name == intro), None)
    say("appointment confirmation", code=code)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
