"""The PEG's interference questions show the PEG's own end words, in every language, never the pain scale's."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from kiosk.i18n.strings import StringCatalog
from kiosk.services.request_form import follow_up_steps
from kiosk.ui.forms.fields import ScaleField
from kiosk.ui.texts import UiTexts

_ENDS = {
    "en": ("0 · Does not interfere", "10 · Completely interferes"),
    "es": ("0 · No interfiere", "10 · Interfiere por completo"),
    "vi": ("0 · Không cản trở", "10 · Cản trở hoàn toàn"),
}


@pytest.mark.parametrize("language", sorted(_ENDS))
def test_the_interference_scales_read_does_not_interfere_to_completely_interferes(qtbot: QtBot, language: str) -> None:
    texts = UiTexts(StringCatalog.load(["en", "es", "vi"], "en"), ("en", "es", "vi"), "en")
    texts.set_language(language)
    pain = next(step for step in follow_up_steps(["si-joint-injection"]) if step.id == "pain")
    for spec in pain.fields:
        scale = ScaleField(spec, texts)
        qtbot.add_widget(scale)
        ends = (scale.low_words.text(), scale.high_words.text())
        if spec.key.startswith("peg_"):
            assert ends == _ENDS[language]
            # The number is never the only meaning: a middle answer has words too, as on the pain scale.
            assert scale.words_for(5) != texts.number(5)
        else:
            assert ends != _ENDS[language]
