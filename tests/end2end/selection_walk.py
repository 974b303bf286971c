"""Two patients at the running kiosk, one after the other, with a real mouse and keyboard (xdotool) on X11.

Run with the SYSTEM Python (Debian's pyatspi finds the fields; see atspi_walk.py, whose helpers it reuses).
The first patient types a name into the appointment form, selects it with a double and a triple click and
presses Ctrl+C; the visit ends (Home); the next patient opens the form and, in the empty first-name field,
clicks the middle button and presses Ctrl+V and Shift+Insert. It prints one JSON object per line: what each
X selection (read by xclip, another X client) and the field held at each point, then {"done": true} or
{"failed": "<sentence>"}.

    /usr/bin/python3 tests/end2end/selection_walk.py STRINGS_DIR NAME
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import tomllib
from pathlib import Path
from typing import Any

import pyatspi  # type: ignore[import-not-found]  # Debian's, for the system Python
from atspi_walk import (  # type: ignore[import-not-found]  # beside this script, for the system Python
    WalkFailedError,
    act,
    answer,
    application,
    controls,
    find,
    has_state,
    matches,
    pump,
    shown,
    text_of,
    wait_for,
)


def xdotool(*words: str) -> None:
    subprocess.run(["xdotool", *words], check=True, timeout=10)
    pump(0.3)  # the kiosk handles the input before the next look


def selection(name: str) -> str:
    """What another X client gets from the PRIMARY or CLIPBOARD selection ("" when nobody owns it)."""
    done = subprocess.run(["xclip", "-o", "-selection", name], capture_output=True, text=True, timeout=10,
                          check=False)  # fmt: skip
    return done.stdout if done.returncode == 0 else ""


def selected(field: Any) -> str:
    """The text selected in the field, as AT-SPI reports it ("" when nothing is)."""
    text = field.queryText()
    if text.getNSelections() == 0:
        return ""
    start, end = text.getSelection(0)
    return str(text.getText(start, end))


def open_name_step(words: dict[str, Any]) -> Any:
    """From wherever the visit is, to the appointment form's empty first-name field."""
    act(find("push button", words["home"]["appointment"]), "Press")
    new = wait_for("the patient-status question", lambda: next(
        (node for node in controls() if matches(node, "radio button", words["options"]["new"],
                                                words["fields"]["patient_status"])), None
    ))  # fmt: skip
    answer(new, words["options"]["new"])
    # What the appointment is for, on the same step: the first reason listed (the procedure).
    reason = next(node for node in controls() if matches(node, "radio button", "*", words["fields"]["reason"]))
    answer(reason, reason.name)
    act(find("push button", words["form"]["next"]), "Press")
    find("text", words["fields"]["first_name"])
    pump(1.0)  # the step settles (the keyboard opening beside it moves the box) before the box is clicked where it is
    return find("text", words["fields"]["first_name"])


def click_into(field: Any, button: str = "1", repeat: int = 1) -> None:
    """Click the field near the start of its text, where a typed word sits."""
    box = field.queryComponent().getExtents(0)  # 0: desktop coordinates (pyatspi.DESKTOP_COORDS)
    x, y = box.x + min(box.width // 2, 30), box.y + box.height // 2
    xdotool("mousemove", str(x), str(y))  # not --sync: it waits forever when the pointer is there already
    xdotool("click", "--repeat", str(repeat), "--delay", "80", button)


def focus_on(field: Any, words: dict[str, Any]) -> Any:
    """Click into the first-name box until it has the focus, and return it as it is then.

    On a loaded machine (the suite runs on two workers) the step may still be settling when the box is first
    found, so a click aimed at where it was can land beside it and the typed keys go nowhere: aim again at where
    the box is now, at most three times."""
    for _ in range(3):
        click_into(field)
        deadline = time.monotonic() + 5.0
        while time.monotonic() < deadline:
            if has_state(field, pyatspi.STATE_FOCUSED):
                return field
            pump(0.1)
        field = find("text", words["fields"]["first_name"])
    raise WalkFailedError("the first-name box never took the focus from a click")


def main(strings_dir: str, name: str) -> int:
    words = tomllib.loads((Path(strings_dir) / "en.toml").read_text("utf-8"))

    def say(step: str, field: Any) -> None:
        pump(0.5)
        facts = {"field": text_of(field), "selected": selected(field), "primary": selection("primary"),
                 "clipboard": selection("clipboard")}  # fmt: skip
        print(json.dumps({"step": step, **facts}, ensure_ascii=False), flush=True)

    try:
        wait_for("the kiosk on the accessibility bus", application)
        act(find("push button", words["attract"]["touch_to_begin"]), "Press")
        field = open_name_step(words)
        # On a loaded machine (the suite runs on two workers) the click may land before the step has settled, or the
        # keys before the box has focus: type only into the focused box, and look once the kiosk has shown the name.
        field = focus_on(field, words)
        xdotool("type", "--delay", "60", name)
        wait_for("the typed name in its box", lambda: text_of(field) == name)
        say("typed", field)
        click_into(field, repeat=2)  # a double tap on the word selects it
        say("double click", field)
        click_into(field, repeat=3)  # a triple tap selects the whole line
        say("triple click", field)
        xdotool("key", "ctrl+a", "ctrl+c")
        say("copied", field)
        # The patient walks away from the form: Home asks first, and leaving ends what they typed.
        act(find("push button", words["nav"]["home"]), "Press")
        act(find("push button", words["form"]["leave"]), "Press")
        find("filler", words["home"]["title"])
        # The next patient, in the same form's empty first-name field.
        field = open_name_step(words)
        click_into(field)
        say("next visit", field)
        click_into(field, button="2")  # the middle button pastes X11's PRIMARY selection
        say("middle click", field)
        xdotool("key", "ctrl+v")
        xdotool("key", "shift+Insert")
        say("pasted", field)
        if any(node.name == name for node in shown(application())):
            raise WalkFailedError("the previous patient's name is on the next patient's screen")
    except (WalkFailedError, subprocess.SubprocessError) as failure:  # xdotool failing or hanging, too
        print(json.dumps({"failed": str(failure)}), flush=True)
        return 1
    print(json.dumps({"done": True}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
