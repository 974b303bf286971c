"""The "needs clinical review" listing: which enabled languages carry the flag, said in plain words for staff."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.content.catalog import ContentCatalog
from kiosk.content.model import Page, PageKind
from kiosk.i18n.review import UnreviewedTranslation, unreviewed_translations
from kiosk.i18n.strings import StringCatalog, languages_needing_review


def page(language: str, page_id: str, flagged: bool) -> Page:
    return Page(
        id=page_id,
        language=language,
        kind=PageKind.PROCEDURE,
        title=page_id,
        summary="",
        order=1,
        path=Path(f"{language}/{page_id}.md"),
        needs_clinical_review=flagged,
    )


def catalog(pages: list[Page]) -> ContentCatalog:
    found = ContentCatalog(Path("content"), ("en", "es", "vi"), "en")
    for each in pages:
        found.pages.setdefault(each.language, {})[each.id] = each
    return found


@pytest.mark.parametrize(
    ("translation", "sentence"),
    [
        (
            UnreviewedTranslation("vi", True, tuple(f"page-{n}" for n in range(12))),
            "Vietnamese: UI text and 12 pages need clinical review before patients rely on them",
        ),
        (UnreviewedTranslation("es", True), "Spanish: UI text needs clinical review before patients rely on it"),
        (
            UnreviewedTranslation("es", False, ("a",)),
            "Spanish: 1 page needs clinical review before patients rely on it",
        ),
        (
            UnreviewedTranslation("es", False, ("a", "b")),
            "Spanish: 2 pages need clinical review before patients rely on them",
        ),
        (
            UnreviewedTranslation("fr", True, ("a",)),
            "Language 'fr': UI text and 1 page need clinical review before patients rely on them",
        ),
    ],
)
def test_each_flagged_language_is_one_plain_sentence(translation: UnreviewedTranslation, sentence: str) -> None:
    assert translation.sentence() == sentence


def test_only_enabled_languages_with_a_flag_are_listed_with_their_flagged_pages() -> None:
    pages = [
        page("en", "nerve-block", False),
        page("es", "nerve-block", False),
        page("vi", "nerve-block", True),
        page("vi", "back-pain", True),
        page("vi", "leg-pain", False),
    ]

    found = unreviewed_translations(["en", "es", "vi"], catalog(pages), {"vi"})

    assert found == [UnreviewedTranslation("vi", True, ("back-pain", "nerve-block"))]
    # A language that is not enabled is not on the kiosk, so it is not listed.
    assert unreviewed_translations(["en", "es"], catalog(pages), {"vi"}) == []


def test_the_bundled_strings_flag_spanish_and_vietnamese_but_not_english() -> None:
    assert languages_needing_review(["en", "es", "vi"]) == {"es", "vi"}
    assert StringCatalog.load(["en", "es", "vi"], "en").unreviewed == {"es", "vi"}


def test_a_missing_or_broken_strings_file_is_left_to_the_check(tmp_path: Path) -> None:
    (tmp_path / "es.toml").write_text("[meta\nneeds_clinical_review = true\n", encoding="utf-8")
    (tmp_path / "vi.toml").write_text("[meta]\nneeds_clinical_review = true\n", encoding="utf-8")

    assert languages_needing_review(["en", "es", "vi"], tmp_path) == {"vi"}
