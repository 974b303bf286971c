"""What the attract loop promises a patient is true of the kiosk: it once said "You do not need to type" while the
request forms ask for names, a phone number and dates typed on the on-screen keyboard."""

from __future__ import annotations

import pytest

from kiosk.content.catalog import load_catalog
from kiosk.content.model import PageKind
from kiosk.paths import bundled_content_dir
from kiosk.services.request_form import FieldKind, appointment_steps

# Ways each language says that nothing has to be typed.
NO_TYPING = {
    "en": ("not need to type", "no typing", "without typing", "don't need to type", "no need to type"),
    "es": ("no necesita escribir", "sin escribir", "no tiene que escribir"),
    "vi": ("không cần gõ", "không phải gõ"),
}


@pytest.mark.parametrize("language", sorted(NO_TYPING))
def test_no_slide_says_nothing_needs_typing_while_the_forms_ask_for_typed_answers(language: str) -> None:
    typed = [f for step in appointment_steps(["si-joint-injection"]) for f in step.fields if f.kind == FieldKind.TEXT]
    assert typed, "the appointment form asks for typed answers (names, phone)"
    catalog = load_catalog(bundled_content_dir(), ["en", "es", "vi"], "en")
    slides = catalog.of_kind(PageKind.SLIDE, language)
    assert slides
    for slide in slides:
        words = " ".join([slide.title, slide.summary, slide.intro, *(s.markdown for s in slide.sections)]).lower()
        claims = [claim for claim in NO_TYPING[language] if claim in words]
        assert claims == [], f"{slide.id} ({language}) says {claims}, but the forms need typing"
