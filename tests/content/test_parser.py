"""One page file as a content author writes it: what the kiosk reads, and `file:line: message` when wrong."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kiosk.content.model import PageKind, Problem
from kiosk.content.parser import PageParseError, image_references, parse_page

from .conftest import ContentTree


def problems_of(path: Path, language: str = "en") -> list[Problem]:
    with pytest.raises(PageParseError) as caught:
        parse_page(path, language)
    return caught.value.problems


def test_a_well_formed_procedure_becomes_a_page_with_its_sections(content: ContentTree) -> None:
    path = content.write(
        "en",
        "nerve-block.md",
        "+++\n"
        'id = "nerve-block"\n'
        'title = "Nerve block"\n'
        'kind = "procedure"\n'
        "order = 3\n"
        'summary = "Medicine near a nerve."\n'
        'related = ["back-pain"]\n'
        "related_section = 1\n"
        "reviewed = 2025-03-01\n"
        "+++\n"
        "Before the first heading.\n"
        "\n"
        "## What it is\n"
        "\n"
        "A shot near a nerve.\n"
        "\n"
        "## After\n"
        "Rest for a day.\n",
    )

    page = parse_page(path, "en")

    assert (page.id, page.language, page.kind, page.title) == (
        "nerve-block",
        "en",
        PageKind.PROCEDURE,
        "Nerve block",
    )
    assert (page.order, page.summary, page.related) == (3, "Medicine near a nerve.", ("back-pain",))
    assert page.reviewed == dt.date(2025, 3, 1)
    assert page.path == path
    assert page.intro == "Before the first heading."
    assert [(s.title, s.markdown) for s in page.sections] == [
        ("What it is", "A shot near a nerve."),
        ("After", "Rest for a day."),
    ]
    assert page.related_section_index == 0


def test_without_related_section_the_links_follow_the_last_section(content: ContentTree) -> None:
    page = parse_page(content.page("en", "back-pain"), "en")

    assert len(page.sections) == 2
    assert page.related_section_index == 1


def test_a_slide_shows_its_own_headline_and_text(content: ContentTree) -> None:
    path = content.page("en", "slide-hello", kind="slide", extra="duration = 12", body="# Hello there\n\nWelcome.\n")

    page = parse_page(path, "en")

    assert page.kind == PageKind.SLIDE
    assert page.duration_seconds == 12
    assert page.headline_and_text() == ("Hello there", "Welcome.")


def test_a_page_without_a_header_says_it_must_start_with_the_fence(content: ContentTree) -> None:
    path = content.write("en", "back-pain.md", 'id = "back-pain"\ntitle = "Back pain"\n')

    assert [str(p) for p in problems_of(path)] == [
        f"{path}:1: the page must start with a '+++' line and its metadata header"
    ]


def test_an_empty_file_says_it_must_start_with_the_fence(content: ContentTree) -> None:
    path = content.write("en", "back-pain.md", "")

    assert problems_of(path) == [Problem(path, 1, "the page must start with a '+++' line and its metadata header")]


def test_a_header_that_is_never_closed_is_reported_at_its_start(content: ContentTree) -> None:
    path = content.write("en", "back-pain.md", '+++\nid = "back-pain"\ntitle = "Back pain"\n\n## Part\nText\n')

    assert problems_of(path) == [Problem(path, 1, "the metadata header is not closed by a second '+++' line")]


INVALID_TOML_PAGE = (
    "+++\n"  # line 1
    'id = "back-pain"\n'  # line 2
    'title = "Back pain"\n'  # line 3
    'kind = "condition"\n'  # line 4
    "order = = 3\n"  # line 5: the mistake
    "+++\n"
    "## Part\nText\n"
)


def test_invalid_toml_in_the_header_is_reported_as_such(content: ContentTree) -> None:
    path = content.write("en", "back-pain.md", INVALID_TOML_PAGE)

    [problem] = problems_of(path)

    assert problem.path == path
    assert problem.message.startswith("the metadata header is not valid TOML: ")
    assert 2 <= problem.line <= 6, "the line must point into the header"


def test_invalid_toml_in_the_header_points_at_the_line_with_the_mistake(content: ContentTree) -> None:
    path = content.write("en", "back-pain.md", INVALID_TOML_PAGE)

    [problem] = problems_of(path)

    assert problem.line == 5


def test_a_missing_title_is_named(content: ContentTree) -> None:
    path = content.write("en", "back-pain.md", '+++\nid = "back-pain"\nkind = "condition"\n+++\n## Part\nText\n')

    assert [str(p) for p in problems_of(path)] == [f"{path}:1: the metadata header has no title = ...; add it"]


def test_an_unknown_kind_lists_the_kinds_there_are_at_its_line(content: ContentTree) -> None:
    path = content.write(
        "en",
        "back-pain.md",
        '+++\nid = "back-pain"\ntitle = "Back pain"\nkind = "video"\n+++\n## Part\nText\n',
    )

    assert [str(p) for p in problems_of(path)] == [
        f"{path}:4: kind = 'video' is not allowed; use one of procedure, condition, slide"
    ]


def test_an_unknown_header_key_lists_the_known_keys_at_its_line(content: ContentTree) -> None:
    path = content.write(
        "en",
        "back-pain.md",
        '+++\nid = "back-pain"\ntitle = "Back pain"\nkind = "condition"\n'
        'colour = "blue"\n'  # line 5
        "+++\n## Part\nText\n",
    )

    assert [str(p) for p in problems_of(path)] == [
        f"{path}:5: colour is not a known metadata key; use only id, title, kind, order, summary, "
        "related, related_section, reviewed, duration, image, needs_clinical_review, links, image_alt, "
        "translated_from, url"
    ]


def test_an_id_that_does_not_match_the_file_name_suggests_both_names(content: ContentTree) -> None:
    path = content.write(
        "en",
        "back-pain.md",
        '+++\ntitle = "Back pain"\nid = "backpain"\nkind = "condition"\n+++\n## Part\nText\n',
    )

    assert [str(p) for p in problems_of(path)] == [
        f"{path}:3: id 'backpain' does not match the file name; rename one so both read 'back-pain' or 'backpain'"
    ]


def test_an_id_with_capitals_or_underscores_is_refused_with_an_example(content: ContentTree) -> None:
    path = content.write(
        "en",
        "Back_Pain.md",
        '+++\nid = "Back_Pain"\ntitle = "Back pain"\nkind = "condition"\n+++\n## Part\nText\n',
    )

    assert [str(p) for p in problems_of(path)] == [
        f"{path}:2: id = 'Back_Pain' is not allowed; use lowercase letters, digits and single hyphens, "
        'like "si-joint-injection"'
    ]


def test_a_quoted_review_date_that_is_not_a_date_is_refused(content: ContentTree) -> None:
    path = content.page("en", "back-pain", reviewed='"last week"')

    [problem] = problems_of(path)

    assert problem.line == 7
    assert problem.message == "reviewed = 'last week' is not allowed; use a date written YYYY-MM-DD without quotes"


def test_every_header_mistake_is_reported_at_once(content: ContentTree) -> None:
    path = content.write(
        "en",
        "back-pain.md",
        '+++\nid = "back-pain"\nkind = "video"\norder = -1\n+++\n## Part\nText\n',
    )

    assert sorted(problems_of(path)) == [
        Problem(path, 1, "the metadata header has no title = ...; add it"),
        Problem(path, 3, "kind = 'video' is not allowed; use one of procedure, condition, slide"),
        Problem(path, 4, "order = -1 is not allowed; use a whole number from 0 to 10000"),
    ]


def test_a_file_that_is_not_utf8_is_named(content: ContentTree) -> None:
    path = content.folder / "es" / "dolor.md"
    path.parent.mkdir(parents=True)
    path.write_bytes('+++\nid = "dolor"\ntitle = "Dolor lumbar"\n+++\nEspañol\n'.encode("latin-1"))

    assert [str(p) for p in problems_of(path, "es")] == [f"{path}:1: the file is not UTF-8 text; save it as UTF-8"]


def test_image_references_carry_their_line_numbers() -> None:
    text = "+++\n+++\nText\n![A spine](images/spine.png)\nMore ![x](a.png) and ![y](b.svg)\n"

    assert image_references(text) == [(4, "images/spine.png"), (5, "a.png"), (5, "b.svg")]


def test_a_problem_prints_as_file_line_message(tmp_path: Path) -> None:
    path = tmp_path / "en" / "back-pain.md"

    assert str(Problem(path, 7, "something is wrong")) == f"{path}:7: something is wrong"
    assert str(Problem(path, 1, "no review yet", warning=True)) == f"{path}:1: warning: no review yet"


def test_a_page_needs_no_clinical_review_unless_its_header_says_so(content: ContentTree) -> None:
    page = parse_page(content.page("en", "back-pain"), "en")

    assert page.needs_clinical_review is False


def test_a_machine_translated_page_carries_its_needs_clinical_review_flag(content: ContentTree) -> None:
    path = content.page("vi", "back-pain", reviewed=None, extra="needs_clinical_review = true")

    page = parse_page(path, "vi")

    assert page.needs_clinical_review is True


def test_a_quoted_needs_clinical_review_is_refused_at_its_line(content: ContentTree) -> None:
    path = content.page("vi", "back-pain", reviewed=None, extra='needs_clinical_review = "maybe"')

    assert [str(p) for p in problems_of(path, "vi")] == [
        f"{path}:7: needs_clinical_review = 'maybe' is not allowed; use true or false without quotes"
    ]
