"""A coordinator deletes a page; the check names every line of the other pages that still names it (issue 23)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from kiosk.content.catalog import load_catalog
from kiosk.content.model import Page, PageKind
from kiosk.content.page_record import RECORD_NAME, read_record, write_record
from kiosk.paths import bundled_content_dir

from .conftest import ContentTree

MENTIONING = (
    "An introduction for patients.\n\n## What it is\n\nPlain words.\n\n## How it helps\n\n"
    "- Back pain from the joint.\n- Pain from piriformis syndrome, a tight muscle in the buttock.\n"
)


def _warnings(content: ContentTree) -> list[str]:
    return [f"{p.path.parent.name}/{p.path.name}:{p.line}: {p.message}" for p in content.load().problems if p.warning]


def _with_piriformis(content: ContentTree) -> None:
    content.both("piriformis-syndrome", title="Piriformis syndrome", related=["nerve-block"])
    content.both(
        "nerve-block",
        kind="procedure",
        order=1,
        related=["back-pain", "leg-pain"],
        extra="related_section = 1",
        body=MENTIONING,
    )
    content.load()  # the kiosk, the check or doctor reads the folder: the page is remembered


def test_text_naming_a_deleted_condition_is_warned_at_its_line(valid_content: ContentTree) -> None:
    _with_piriformis(valid_content)
    for language in ("en", "es"):
        (valid_content.folder / language / "piriformis-syndrome.md").unlink()

    found = [w for w in _warnings(valid_content) if "piriformis" in w.lower()]

    assert found == [
        f"{language}/nerve-block.md:19: the text still names 'Piriformis syndrome', whose page (piriformis-syndrome) "
        f"was removed; take the words out or add the page again (if the name is meant to stay, delete its line "
        f"from {RECORD_NAME})"
        for language in ("en", "es")
    ]
    # A warning: the kiosk still starts and shows the page, and nothing is an error.
    assert valid_content.load().errors == []


def test_the_warning_goes_once_the_words_are_out_or_the_line_is_deleted(valid_content: ContentTree) -> None:
    _with_piriformis(valid_content)
    for language in ("en", "es"):
        (valid_content.folder / language / "piriformis-syndrome.md").unlink()
    valid_content.page("en", "nerve-block", kind="procedure", order=1, related=["back-pain", "leg-pain"])

    assert [w.split(":")[0] for w in _warnings(valid_content) if "piriformis" in w.lower()] == ["es/nerve-block.md"]

    record = valid_content.folder / RECORD_NAME
    lines = record.read_text(encoding="utf-8").splitlines(keepends=True)
    record.write_text("".join(line for line in lines if "piriformis" not in line), encoding="utf-8")

    assert [w for w in _warnings(valid_content) if "piriformis" in w.lower()] == []


def test_a_page_missing_from_one_language_is_a_missing_translation_not_a_removed_page(
    valid_content: ContentTree,
) -> None:
    _with_piriformis(valid_content)
    (valid_content.folder / "es" / "piriformis-syndrome.md").unlink()

    problems = [str(p) for p in valid_content.load().problems if "piriformis" in str(p).lower()]

    assert len(problems) == 1 and "missing the 'es' translation" in problems[0]


def test_a_link_to_the_removed_page_is_one_error_not_also_a_warning(valid_content: ContentTree) -> None:
    _with_piriformis(valid_content)
    linked = MENTIONING.replace("piriformis syndrome,", "[piriformis syndrome](piriformis-syndrome),")
    valid_content.page("en", "nerve-block", kind="procedure", order=1, related=["back-pain", "leg-pain"], body=linked)
    valid_content.load()
    for language in ("en", "es"):
        (valid_content.folder / language / "piriformis-syndrome.md").unlink()

    english = [
        p.message for p in valid_content.load().problems if p.path.parent.name == "en" and "piriformis" in p.message
    ]

    assert english == [
        "the link [piriformis syndrome](piriformis-syndrome) names no page in this language; "
        "fix the page id or add the page"
    ]


def test_a_short_form_in_brackets_is_found_without_it(valid_content: ContentTree) -> None:
    valid_content.both("rfa", title="Radiofrequency (RF) ablation", related=["nerve-block"])
    valid_content.page(
        "en", "back-pain", order=2, related=["nerve-block"], body=MENTIONING + "\nAsk about radiofrequency ablation.\n"
    )
    valid_content.load()
    for language in ("en", "es"):
        (valid_content.folder / language / "rfa.md").unlink()

    assert [w.split(": ", 1)[0] for w in _warnings(valid_content) if "Radiofrequency" in w] == ["en/back-pain.md:20"]


def test_the_bundled_pages_record_is_current_and_reading_them_changes_nothing(tmp_path: Path) -> None:
    record = bundled_content_dir() / RECORD_NAME
    before = record.read_bytes()

    catalog = load_catalog(bundled_content_dir(), ("en", "es", "vi"), "en")

    assert record.read_bytes() == before
    text = before.decode("utf-8")
    for pages in catalog.pages.values():
        for page in pages.values():
            assert (f'"{page.id}" = "{page.title}"' in text) == (page.kind != "slide")


def test_a_damaged_record_is_no_record_and_is_written_afresh(valid_content: ContentTree) -> None:
    record = valid_content.folder / RECORD_NAME
    record.write_text('[en\n"back-pain" = 3\n\u0000', encoding="utf-8")

    catalog = valid_content.load()

    assert catalog.errors == []
    assert '"back-pain" = "Back pain"' in record.read_text(encoding="utf-8")


@given(st.text(st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=80))
def test_any_title_is_remembered_as_it_was_written(title: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        page = Page("some-page", "en", PageKind.CONDITION, title, "", 1, Path(folder) / "en" / "some-page.md")
        write_record(Path(folder), {"en": {page.id: page}}, {})

        assert read_record(Path(folder)) == {"en": {"some-page": title}}
