"""UI strings: every language says the same things, and a translator learns exactly what is missing."""

from __future__ import annotations

import string
import tomllib
import unicodedata
from pathlib import Path

import pytest

from kiosk.content.model import Problem
from kiosk.i18n.strings import StringCatalog, available_languages, check_strings, strings_dir

EN = """\
[language]
name = "English"

[nav]
back = "Back"
home = "Home"

[attract]
call_us = "Call us at {phone}"
slide_position = "Slide {number} of {count}"
"""

ES = """\
[language]
name = "Español"

[nav]
back = "Atrás"
home = "Inicio"

[attract]
call_us = "Llámenos al {phone}"
slide_position = "Diapositiva {number} de {count}"
"""


def flat_keys(table: dict[str, object], prefix: str = "") -> dict[str, str]:
    """Dotted keys of a TOML table, written independently of the kiosk's own code."""
    found: dict[str, str] = {}
    for key, value in table.items():
        if isinstance(value, dict):
            found |= flat_keys(value, f"{prefix}{key}.")
        else:
            found[f"{prefix}{key}"] = str(value)
    return found


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def bundled(language: str) -> dict[str, str]:
    return flat_keys(tomllib.loads((strings_dir() / f"{language}.toml").read_text(encoding="utf-8")))


@pytest.fixture
def strings(tmp_path: Path) -> Path:
    folder = tmp_path / "strings"
    folder.mkdir()
    (folder / "en.toml").write_text(EN, encoding="utf-8")
    (folder / "es.toml").write_text(ES, encoding="utf-8")
    return folder


# --- The bundled strings ------------------------------------------------------------------------


def test_the_kiosk_ships_english_spanish_and_vietnamese() -> None:
    assert available_languages() == ["en", "es", "vi"]


@pytest.mark.parametrize("language", available_languages())
def test_every_bundled_language_has_exactly_the_english_keys(language: str) -> None:
    assert sorted(bundled(language)) == sorted(bundled("en"))


@pytest.mark.parametrize("language", available_languages())
def test_every_bundled_string_uses_the_same_placeholders_as_english(language: str) -> None:
    english, translated = bundled("en"), bundled(language)

    mismatched = {
        key: (placeholders(english[key]), placeholders(translated[key]))
        for key in english.keys() & translated.keys()
        if placeholders(english[key]) != placeholders(translated[key])
    }

    assert mismatched == {}


def test_the_bundled_strings_pass_the_check() -> None:
    assert [str(p) for p in check_strings(available_languages(), "en")] == []


def test_each_language_names_itself_in_its_own_words() -> None:
    catalog = StringCatalog.load(["en", "es", "vi"], "en")

    assert catalog.language_name("en") == "English"
    assert catalog.language_name("es") == "Español"
    assert catalog.language_name("vi") == "Tiếng Việt"


def test_vietnamese_keeps_the_emergency_number_and_is_stored_composed() -> None:
    vietnamese = bundled("vi")

    assert "911" in vietnamese["form.emergency"] and "911" in vietnamese["red_flag.away"]
    # Composed letters (ễ as one character) match what the keyboard types and what a search folds.
    assert [key for key, text in vietnamese.items() if unicodedata.normalize("NFC", text) != text] == []
    # Every string is translated: none is left in English (the few that are the same in any language aside).
    same = {key for key, text in vietnamese.items() if text == bundled("en")[key]}
    assert same <= {
        "meta.needs_clinical_review",
        "form.error_icon",
        "keyboard.shift",
        "keyboard.backspace",
        "keyboard.letters",
        "keyboard.numbers",
        "keyboard.more_letters",
        "options.email",
        "options.percent",
        *(f"keyboard.tone_{tone}" for tone in ("sac", "huyen", "hoi", "nga", "nang")),
    }


def test_translations_no_clinician_has_checked_are_flagged() -> None:
    catalog = StringCatalog.load(["en", "es", "vi"], "en")

    assert [language for language in ("en", "es", "vi") if catalog.needs_clinical_review(language)] == ["es", "vi"]
    # [meta] is about the file, not a string to show: no screen can look it up.
    assert catalog.text("vi", "meta.needs_clinical_review") == "meta.needs_clinical_review"
    assert not any(key.startswith("meta.") for key in catalog.strings["vi"])


def test_meta_need_not_match_between_languages(strings: Path) -> None:
    (strings / "es.toml").write_text("[meta]\nneeds_clinical_review = true\n\n" + ES, encoding="utf-8")

    assert check_strings(["en", "es"], "en", strings) == []
    catalog = StringCatalog.load(["en", "es"], "en", strings)
    assert catalog.needs_clinical_review("es") and not catalog.needs_clinical_review("en")


def test_a_review_flag_that_is_not_true_or_false_is_named(strings: Path) -> None:
    (strings / "es.toml").write_text('[meta]\nneeds_clinical_review = "yes"\n\n' + ES, encoding="utf-8")

    assert [str(p) for p in check_strings(["en", "es"], "en", strings)] == [
        f"{strings / 'es.toml'}:2: [meta] needs_clinical_review must be true or false (without quotes)"
    ]
    # Only a real true flags a language; a quoted "yes" is reported, not guessed at.
    assert not StringCatalog.load(["en", "es"], "en", strings).needs_clinical_review("es")


# --- check_strings on a small folder ------------------------------------------------------------


def test_matching_files_have_no_problems(strings: Path) -> None:
    assert check_strings(["en", "es"], "en", strings) == []


def test_a_missing_key_is_named_with_the_file_to_translate_from(strings: Path) -> None:
    (strings / "es.toml").write_text(ES.replace('home = "Inicio"\n', ""), encoding="utf-8")

    assert [str(p) for p in check_strings(["en", "es"], "en", strings)] == [
        # Reported on the [nav] line, where the translator adds it.
        f"{strings / 'es.toml'}:4: missing the string 'nav.home'; translate it from en.toml"
    ]


def test_an_extra_key_is_named(strings: Path) -> None:
    (strings / "es.toml").write_text(ES + 'extra = "Sobra"\n', encoding="utf-8")

    assert check_strings(["en", "es"], "en", strings) == [
        Problem(
            strings / "es.toml",
            11,
            "string 'attract.extra' is not in en.toml; remove it or add it there",
        )
    ]


def test_a_translated_placeholder_is_named(strings: Path) -> None:
    (strings / "es.toml").write_text(ES.replace("{count}", "{total}"), encoding="utf-8")

    assert check_strings(["en", "es"], "en", strings) == [
        Problem(
            strings / "es.toml",
            10,
            "string 'attract.slide_position' must use the same {names} as en.toml",
        )
    ]


def test_a_dropped_placeholder_is_named(strings: Path) -> None:
    (strings / "es.toml").write_text(ES.replace("{phone}", "al mostrador"), encoding="utf-8")

    assert [p.message for p in check_strings(["en", "es"], "en", strings)] == [
        "string 'attract.call_us' must use the same {names} as en.toml"
    ]


def test_a_missing_language_file_says_to_copy_the_default(strings: Path) -> None:
    assert check_strings(["en", "es", "fr"], "en", strings) == [
        Problem(
            strings / "fr.toml",
            1,
            "no UI strings for the enabled language 'fr'; copy en.toml here and translate it",
        )
    ]


def test_invalid_toml_is_reported_against_its_file(strings: Path) -> None:
    (strings / "es.toml").write_text('[nav]\nback = "Atrás\n', encoding="utf-8")

    [problem] = check_strings(["en", "es"], "en", strings)

    assert problem.path == strings / "es.toml"
    assert problem.message.startswith("not valid TOML: ")


def test_invalid_toml_points_at_the_line_with_the_mistake(strings: Path) -> None:
    (strings / "es.toml").write_text('[language]\nname = "Español"\n[nav]\nback = "Atrás\n', encoding="utf-8")

    [problem] = check_strings(["en", "es"], "en", strings)

    assert problem.line == 4


# --- StringCatalog.text ------------------------------------------------------------------------


def test_text_is_given_in_the_asked_language_with_placeholders_filled(strings: Path) -> None:
    catalog = StringCatalog.load(["en", "es"], "en", strings)

    assert catalog.text("es", "nav.back") == "Atrás"
    assert catalog.text("es", "attract.slide_position", number=2, count=5) == "Diapositiva 2 de 5"
    assert catalog.text("en", "attract.call_us", phone="(504) 249-7576") == "Call us at (504) 249-7576"


def test_a_missing_string_falls_back_to_the_default_language(strings: Path) -> None:
    (strings / "es.toml").write_text(ES.replace('call_us = "Llámenos al {phone}"\n', ""), encoding="utf-8")
    catalog = StringCatalog.load(["en", "es"], "en", strings)

    assert catalog.text("es", "attract.call_us", phone="555-0100") == "Call us at 555-0100"
    assert catalog.text("es", "nav.home") == "Inicio"


def test_an_unknown_language_falls_back_to_the_default_language(strings: Path) -> None:
    catalog = StringCatalog.load(["es"], "en", strings)

    assert set(catalog.strings) == {"en", "es"}
    assert catalog.text("fr", "nav.back") == "Back"


def test_a_key_missing_everywhere_shows_the_key_itself(strings: Path) -> None:
    catalog = StringCatalog.load(["en", "es"], "en", strings)

    assert catalog.text("es", "nav.nowhere") == "nav.nowhere"


def test_available_languages_are_the_toml_files_in_the_folder(strings: Path) -> None:
    (strings / "README.txt").write_text("not a language", encoding="utf-8")
    (strings / "de.toml").write_text(EN, encoding="utf-8")

    assert available_languages(strings) == ["de", "en", "es"]
