"""The whole content folder: the bundled pages, and every check `kiosk content check` prints."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kiosk.content.catalog import ContentCatalog, load_catalog
from kiosk.content.model import PageKind, Problem
from kiosk.paths import bundled_content_dir

from .conftest import ContentTree


def shown_language(catalog: ContentCatalog, page_id: str, language: str) -> str:
    """The language of the page a patient who chose `language` is shown."""
    page = catalog.page(page_id, language)
    assert page is not None, page_id
    return page.language


LANGUAGES = ("en", "es")
IMAGE_ADVICE = "add the file or fix the path (relative to this page's file)"


# --- The bundled demo content --------------------------------------------------------------------


@pytest.fixture(scope="module")
def bundled() -> ContentCatalog:
    return load_catalog(bundled_content_dir(), LANGUAGES, "en")


def test_the_bundled_content_has_no_errors(bundled: ContentCatalog) -> None:
    assert [str(p) for p in bundled.errors] == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_language_has_one_procedure_six_conditions_and_a_few_slides(
    bundled: ContentCatalog, language: str
) -> None:
    [procedure] = bundled.of_kind(PageKind.PROCEDURE, language)
    conditions = bundled.of_kind(PageKind.CONDITION, language)
    slides = bundled.of_kind(PageKind.SLIDE, language)

    assert procedure.language == language
    assert len(procedure.sections) == 6
    assert len(conditions) == 6
    assert 4 <= len(slides) <= 6
    assert all(page.language == language for page in [*conditions, *slides])


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_related_page_of_the_bundled_content_exists(bundled: ContentCatalog, language: str) -> None:
    pages = bundled.pages[language]

    missing = [(page.id, target) for page in pages.values() for target in page.related if target not in pages]

    assert missing == []


def test_the_bundled_languages_have_the_same_pages_of_the_same_kinds(bundled: ContentCatalog) -> None:
    english, spanish = (bundled.pages[language] for language in LANGUAGES)

    assert {i: p.kind for i, p in english.items()} == {i: p.kind for i, p in spanish.items()}


# --- A small valid tree ----------------------------------------------------------------------------


def test_a_complete_tree_loads_without_any_problem(valid_content: ContentTree) -> None:
    catalog = valid_content.load()

    assert catalog.problems == []
    assert sorted(catalog.pages["es"]) == ["back-pain", "leg-pain", "nerve-block", "slide-welcome"]


def test_of_kind_sorts_by_order_then_title(content: ContentTree) -> None:
    content.page("en", "zebra-pain", order=1, title="Zebra pain")
    content.page("en", "apple-pain", order=1, title="Apple pain")
    content.page("en", "first-pain", order=0, title="Zulu first")
    content.page("en", "a-procedure", kind="procedure", order=0)

    catalog = content.load(languages=("en",))

    assert [p.id for p in catalog.of_kind(PageKind.CONDITION, "en")] == [
        "first-pain",
        "apple-pain",
        "zebra-pain",
    ]


def test_a_page_falls_back_to_the_default_language(valid_content: ContentTree) -> None:
    valid_content.page("en", "neck-pain", related=["nerve-block"])

    catalog = valid_content.load()

    assert shown_language(catalog, "back-pain", "es") == "es"
    assert shown_language(catalog, "neck-pain", "es") == "en"
    assert shown_language(catalog, "back-pain", "fr") == "en"
    assert catalog.page("no-such-page", "es") is None
    assert "neck-pain" in [p.id for p in catalog.of_kind(PageKind.CONDITION, "es")]


def test_related_pages_come_in_the_page_language_and_can_be_filtered(valid_content: ContentTree) -> None:
    catalog = valid_content.load()
    procedure = catalog.page("nerve-block", "es")
    assert procedure is not None

    related = catalog.related(procedure)

    assert [(p.id, p.language) for p in related] == [("back-pain", "es"), ("leg-pain", "es")]
    assert catalog.related(procedure, PageKind.PROCEDURE) == []


# --- Problems, each at its file and line --------------------------------------------------------


def test_a_broken_page_is_reported_and_the_others_still_load(valid_content: ContentTree) -> None:
    broken = valid_content.write("es", "leg-pain.md", 'id = "leg-pain"\n')

    catalog = valid_content.load()

    assert Problem(broken, 1, "the page must start with a '+++' line and its metadata header") in catalog.errors
    assert "back-pain" in catalog.pages["es"]
    assert "leg-pain" not in catalog.pages["es"]


def test_a_copied_page_that_keeps_the_old_id_is_caught_by_the_file_name_check(
    valid_content: ContentTree,
) -> None:
    # Two files with one id: the id must equal the file name, so the copy is refused by that check
    # and the duplicate-id check in the catalog never gets to see it.
    original = valid_content.folder / "en" / "back-pain.md"
    copy = valid_content.folder / "en" / "back-pain-2.md"
    shutil.copy(original, copy)

    catalog = valid_content.load()

    assert [str(p) for p in catalog.problems] == [
        f"{copy}:2: id 'back-pain' does not match the file name; rename one so both read 'back-pain-2' or 'back-pain'"
    ]
    assert catalog.pages["en"]["back-pain"].path == original


def test_the_same_id_in_two_sub_folders_is_a_duplicate(valid_content: ContentTree) -> None:
    # Authors may sort pages into sub-folders; an id must still be unique in its language.
    original = valid_content.folder / "en" / "back-pain.md"
    copy = valid_content.folder / "en" / "conditions" / "back-pain.md"
    copy.parent.mkdir()
    shutil.copy(original, copy)

    catalog = valid_content.load()

    assert [str(p) for p in catalog.errors] == [
        f"{copy}:2: id 'back-pain' is already used by back-pain.md; give each page its own id"
    ]
    assert catalog.pages["en"]["back-pain"].path == original


def test_a_related_page_that_does_not_exist_is_reported_at_the_related_line(
    valid_content: ContentTree,
) -> None:
    path = valid_content.page("en", "back-pain", order=2, related=["nerve-block", "neck-pain"])

    catalog = valid_content.load()

    assert [str(p) for p in catalog.problems] == [
        f"{path}:6: related page 'neck-pain' does not exist in this language; fix the id or add the page"
    ]


def test_a_page_related_to_itself_is_reported(valid_content: ContentTree) -> None:
    path = valid_content.page("es", "back-pain", order=2, related=["nerve-block", "back-pain"])

    catalog = valid_content.load()

    assert catalog.problems == [Problem(path, 6, "a page cannot be related to itself; remove its own id")]


def test_a_missing_translation_names_the_file_to_write_and_its_source(valid_content: ContentTree) -> None:
    (valid_content.folder / "es" / "leg-pain.md").unlink()
    valid_content.page("es", "nerve-block", kind="procedure", order=1, related=["back-pain"])
    folder = valid_content.folder

    catalog = valid_content.load()

    assert [str(p) for p in catalog.problems] == [
        f"{folder / 'es' / 'leg-pain.md'}:1: "
        f"missing the 'es' translation of {folder / 'en' / 'leg-pain.md'}; translate the page into this file"
    ]


def test_a_page_only_in_a_second_language_asks_for_the_default_language_version(
    valid_content: ContentTree,
) -> None:
    spanish = valid_content.page("es", "dolor-de-cuello")

    catalog = valid_content.load()

    assert catalog.problems == [
        Problem(
            valid_content.folder / "en" / "dolor-de-cuello.md",
            1,
            f"missing the 'en' translation of {spanish}; translate the page into this file",
        )
    ]


def test_a_translation_of_another_kind_is_reported_at_its_kind_line(valid_content: ContentTree) -> None:
    path = valid_content.page("es", "leg-pain", kind="procedure", order=1, related=["nerve-block"])

    catalog = valid_content.load()

    assert [str(p) for p in catalog.problems] == [
        f"{path}:4: kind differs from {valid_content.folder / 'en' / 'leg-pain.md'}; use 'condition'"
    ]


IMAGE_BODY = (
    "Intro text.\n"  # line 9 (the header takes lines 1-8)
    "\n"
    "## What it is\n"
    "\n"
    "![A spine](images/none.png)\n"  # line 13
)


def test_a_missing_image_is_reported_at_its_line(valid_content: ContentTree) -> None:
    path = valid_content.page("en", "back-pain", order=2, related=["nerve-block"], body=IMAGE_BODY)
    assert path.read_text(encoding="utf-8").splitlines()[12] == "![A spine](images/none.png)"

    catalog = valid_content.load()

    assert [str(p) for p in catalog.errors] == [f"{path}:13: image 'images/none.png' is missing; {IMAGE_ADVICE}"]


def test_an_image_next_to_the_page_passes_wherever_the_kiosk_was_started(
    valid_content: ContentTree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for language in ("en", "es"):
        images = valid_content.folder / language / "images"
        images.mkdir()
        (images / "none.png").write_bytes(b"\x89PNG\r\n\x1a\n")
        valid_content.page(language, "back-pain", order=2, related=["nerve-block"], body=IMAGE_BODY)
    monkeypatch.chdir(tmp_path)  # not the content folder: the systemd unit sets no working folder

    catalog = valid_content.load()

    assert catalog.errors == []


def test_a_missing_header_image_is_reported_at_the_image_line(valid_content: ContentTree) -> None:
    path = valid_content.page(
        "es", "back-pain", order=2, related=["nerve-block"], extra='image = "art/hi.png"\nimage_alt = "Una sala"'
    )

    catalog = valid_content.load()

    assert [str(p) for p in catalog.problems] == [f"{path}:8: image 'art/hi.png' is missing; {IMAGE_ADVICE}"]


def test_a_slide_may_name_a_page_by_a_link(valid_content: ContentTree) -> None:
    # The slide says where to read more (tests/ui/test_slide_media.py): the link is checked as a page's is.
    path = valid_content.page(
        "en",
        "slide-welcome",
        kind="slide",
        order=1,
        reviewed=None,
        extra="duration = 10",
        body="# Hello\n\nRead [about us](back-pain) and [more](no-such-page).\n",
    )

    catalog = valid_content.load()

    assert [str(p) for p in catalog.problems] == [
        f"{path}:11: the link [more](no-such-page) names no page in this language; fix the page id or add the page"
    ]


def test_related_section_beyond_the_last_section_is_reported_at_its_line(valid_content: ContentTree) -> None:
    path = valid_content.page(
        "en",
        "nerve-block",
        kind="procedure",
        order=1,
        related=["back-pain", "leg-pain"],
        extra="related_section = 5",
    )

    catalog = valid_content.load()

    assert [str(p) for p in catalog.problems] == [
        f"{path}:8: related_section is 5 but the page has 2 sections; use a number from 1 to 2"
    ]


@pytest.mark.parametrize("kind", ["procedure", "condition"])
def test_a_page_without_sections_is_reported(content: ContentTree, kind: str) -> None:
    path = content.page("en", "short-page", kind=kind, body="Only an introduction, no headings.\n")

    catalog = content.load(languages=("en",))

    assert [str(p) for p in catalog.problems] == [
        f"{path}:1: the page has no sections; start each one with a '## ' heading line"
    ]


def test_a_slide_needs_no_sections_and_no_review_date(content: ContentTree) -> None:
    content.page("en", "slide-hello", kind="slide", reviewed=None)

    assert content.load(languages=("en",)).problems == []


def test_a_missing_language_folder_is_reported(content: ContentTree) -> None:
    content.page("en", "back-pain")

    catalog = content.load(languages=("en", "es"))

    assert (
        Problem(
            content.folder / "es",
            1,
            "no pages for the enabled language 'es'; add this folder or remove the language from languages.enabled",
        )
        in catalog.problems
    )
    assert catalog.pages["es"] == {}
    assert shown_language(catalog, "back-pain", "es") == "en"


def test_a_missing_content_folder_is_one_problem(tmp_path: Path) -> None:
    folder = tmp_path / "nowhere"

    catalog = load_catalog(folder, LANGUAGES, "en")

    assert [str(p) for p in catalog.problems] == [
        f"{folder}:1: the content folder does not exist; check content.folder"
    ]


def test_no_review_date_is_a_warning_not_an_error(content: ContentTree) -> None:
    path = content.page("en", "back-pain", reviewed=None)

    catalog = content.load(languages=("en",))

    assert catalog.errors == []
    assert [str(p) for p in catalog.problems] == [
        f"{path}:1: warning: no medical review date; once a clinician has checked this page add reviewed = YYYY-MM-DD"
    ]


def test_problems_are_listed_by_file_then_line(valid_content: ContentTree) -> None:
    late = valid_content.page("es", "back-pain", order=2, related=["neck-pain"], body=IMAGE_BODY)
    early = valid_content.write("en", "a-broken.md", "no header\n")

    catalog = valid_content.load()

    assert [(p.path, p.line) for p in catalog.errors] == [
        (early, 1),
        (late, 6),
        (late, 13),
    ]


def test_a_folder_named_like_a_page_is_a_problem_not_a_crash(valid_content: ContentTree) -> None:
    odd = valid_content.folder / "en" / "drafts.md"
    odd.mkdir()

    catalog = valid_content.load()

    assert [p.path for p in catalog.errors] == [odd]


# --- Translations no clinician has checked ---------------------------------------------------------


def test_pages_needing_review_lists_only_that_language_flagged_pages_in_menu_order(content: ContentTree) -> None:
    flag = "needs_clinical_review = true"
    for language in ("en", "vi"):
        content.page(language, "slide-welcome", kind="slide", order=1, reviewed=None, extra="duration = 10")
        content.page(language, "leg-pain", order=2)
        content.page(language, "back-pain", order=1)
        content.page(language, "nerve-block", kind="procedure", order=5)
    content.page("vi", "slide-welcome", kind="slide", order=1, reviewed=None, extra=f"duration = 10\n{flag}")
    content.page("vi", "leg-pain", order=2, reviewed=None, extra=flag)
    content.page("vi", "nerve-block", kind="procedure", order=5, reviewed=None, extra=flag)

    catalog = content.load(languages=("en", "vi"))

    assert [p.id for p in catalog.pages_needing_review("vi")] == ["nerve-block", "leg-pain", "slide-welcome"]
    assert catalog.pages_needing_review("en") == []
    assert catalog.pages_needing_review("fr") == []


def test_a_page_needing_clinical_review_is_one_warning_at_the_flag_line(content: ContentTree) -> None:
    content.page("en", "back-pain")
    path = content.page("vi", "back-pain", reviewed=None, extra="needs_clinical_review = true")

    catalog = content.load(languages=("en", "vi"))

    assert catalog.errors == []
    assert [str(p) for p in catalog.problems] == [
        f"{path}:7: warning: this translation has not been checked by a clinician; once one has, remove "
        "needs_clinical_review and add reviewed = YYYY-MM-DD"
    ]
