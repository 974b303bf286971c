"""Every language under resources/content translates every English page, section for section."""

from __future__ import annotations

import unicodedata

import pytest

from kiosk.content.catalog import ContentCatalog, load_catalog
from kiosk.content.model import Page
from kiosk.paths import bundled_content_dir

SOURCE = "en"
# Every folder is a language, so a new one is checked the day it is added, before any settings enable it.
# (A folder of pictures the pages share, like images/, holds no pages and is no language.)
PRESENT = tuple(
    sorted(folder.name for folder in bundled_content_dir().iterdir() if folder.is_dir() and any(folder.glob("*.md")))
)
TRANSLATIONS = tuple(language for language in PRESENT if language != SOURCE)
# A translated page must keep the English page's structure; only its words change.
SHARED_KEYS = ("kind", "order", "related", "related_section", "reviewed", "duration_seconds", "image")


@pytest.fixture(scope="module")
def every_language() -> ContentCatalog:
    return load_catalog(bundled_content_dir(), PRESENT, SOURCE)


def test_the_content_folder_holds_english_spanish_and_vietnamese() -> None:
    assert {"en", "es", "vi"} <= set(PRESENT)


def test_every_language_loads_without_errors(every_language: ContentCatalog) -> None:
    assert [str(p) for p in every_language.errors] == []


@pytest.mark.parametrize("language", TRANSLATIONS)
def test_a_translation_has_exactly_the_english_page_ids(every_language: ContentCatalog, language: str) -> None:
    assert sorted(every_language.pages[language]) == sorted(every_language.pages[SOURCE])


@pytest.mark.parametrize("language", TRANSLATIONS)
def test_each_translated_page_has_as_many_sections_as_the_english_one(
    every_language: ContentCatalog, language: str
) -> None:
    english = every_language.pages[SOURCE]

    counts = {i: len(p.sections) for i, p in every_language.pages[language].items()}

    # related_section counts sections, so a missing or extra one moves the related-page buttons.
    assert counts == {i: len(p.sections) for i, p in english.items()}


@pytest.mark.parametrize("language", TRANSLATIONS)
def test_a_translation_keeps_the_english_front_matter_apart_from_the_words(
    every_language: ContentCatalog, language: str
) -> None:
    def shared(page: Page) -> tuple[object, ...]:
        return tuple(getattr(page, key) for key in SHARED_KEYS)

    english = every_language.pages[SOURCE]

    differ = [i for i, page in every_language.pages[language].items() if shared(page) != shared(english[i])]

    assert differ == []


def test_every_vietnamese_page_is_flagged_for_clinical_review(every_language: ContentCatalog) -> None:
    vietnamese = every_language.pages["vi"]

    flagged = {page.id for page in every_language.pages_needing_review("vi")}

    assert flagged == set(vietnamese)
    assert every_language.pages_needing_review(SOURCE) == []


def test_vietnamese_pages_are_written_in_vietnamese(every_language: ContentCatalog) -> None:
    untranslated = [
        (page.id, field)
        for page in every_language.pages["vi"].values()
        for field, vi_text, en_text in _texts(page, every_language.pages[SOURCE][page.id])
        if vi_text == en_text
    ]

    assert untranslated == []


@pytest.mark.parametrize("language", PRESENT)
def test_page_text_is_stored_composed_so_tone_marks_render_and_are_read_aloud(
    every_language: ContentCatalog, language: str
) -> None:
    # Decomposed Vietnamese (a letter then combining marks) can draw marks apart from their letter in some fonts.
    decomposed = [
        page.id
        for page in every_language.pages[language].values()
        if not unicodedata.is_normalized("NFC", page.path.read_text(encoding="utf-8"))
    ]

    assert decomposed == []


def _texts(page: Page, english: Page) -> list[tuple[str, str, str]]:
    pairs = [("title", page.title, english.title), ("summary", page.summary, english.summary)]
    pairs.append(("intro", page.intro, english.intro))
    pairs += [
        (f"section {n}", f"{mine.title}\n{mine.markdown}", f"{theirs.title}\n{theirs.markdown}")
        for n, (mine, theirs) in enumerate(zip(page.sections, english.sections, strict=True), start=1)
    ]
    return pairs


@pytest.mark.parametrize("language", TRANSLATIONS)
def test_each_translation_names_the_english_it_follows_and_it_is_current(
    every_language: ContentCatalog, language: str
) -> None:
    english = every_language.pages[SOURCE]

    behind = [
        page_id
        for page_id, page in every_language.pages[language].items()
        if page.translated_from != english[page_id].fingerprint
    ]

    # After changing an English page, update its translations and their translated_from
    # (`kiosk content check --fingerprints` prints the new values).
    assert behind == []
