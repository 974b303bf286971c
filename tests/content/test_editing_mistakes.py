"""The mistakes a coordinator makes editing pages, each named once at its line in a plain sentence (issue 23)."""

from __future__ import annotations

from pathlib import Path

from kiosk.content.model import Problem

from .conftest import ContentTree


def errors_in(content: ContentTree, path: Path) -> list[str]:
    catalog = content.load()
    return [f"{p.line}: {p.message}" for p in catalog.errors if p.path == path]


def test_raw_html_is_named_at_its_line(valid_content: ContentTree) -> None:
    body = "Intro.\n\n## What it is\n\nOne sentence.<br>Another.\n\n- a\n- b\n"
    path = valid_content.page("en", "back-pain", order=2, related=["nerve-block"], body=body)

    [problem] = errors_in(valid_content, path)

    assert problem.startswith("13: the kiosk does not show HTML such as '<br>'; remove it and use Markdown")


def test_a_heading_without_its_space_is_named_and_still_starts_a_section(valid_content: ContentTree) -> None:
    body = "Intro.\n\n## What it is\n\nWords.\n\n##How it helps\n\nMore words.\n"
    path = valid_content.page("en", "back-pain", order=2, related=["nerve-block"], body=body)

    assert errors_in(valid_content, path) == ["15: a heading needs a space after ##; write '## How it helps'"]
    page = valid_content.load().page("back-pain", "en")
    assert page is not None and [s.title for s in page.sections] == ["What it is", "How it helps"]


def test_a_link_the_kiosk_cannot_follow_is_named(valid_content: ContentTree) -> None:
    body = "Intro.\n\n## What it is\n\nCall [us](tel:5042497576) or see [the map](map.html).\n\n## More\n\nText.\n"
    path = valid_content.page("en", "back-pain", order=2, related=["nerve-block"], body=body)

    problems = errors_in(valid_content, path)

    assert [p.split(":", 1)[0] for p in problems] == ["13", "13"]
    assert problems[1].endswith(
        "the kiosk cannot open the link 'tel:5042497576'; link to another page by its id, like "
        "[Read more](si-joint-injection), or to a web page starting with https://"
    )


def test_a_link_to_a_page_that_does_not_exist_is_named(valid_content: ContentTree) -> None:
    body = "Intro.\n\n## What it is\n\nRead [about RFA](rfa-si-joint).\n\n## More\n\nText.\n"
    path = valid_content.page("en", "back-pain", order=2, related=["nerve-block"], body=body)

    assert errors_in(valid_content, path) == [
        "13: the link [about RFA](rfa-si-joint) names no page in this language; fix the page id or add the page"
    ]


def test_an_image_without_alt_text_is_an_error(valid_content: ContentTree) -> None:
    images = valid_content.folder / "en" / "images"
    images.mkdir()
    (images / "spine.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    body = "Intro.\n\n## What it is\n\n![](images/spine.png)\n\n## More\n\nText.\n"
    path = valid_content.page("en", "back-pain", order=2, related=["nerve-block"], body=body)

    assert errors_in(valid_content, path) == [
        "13: the image has no alt text; describe it between the brackets, like ![The SI joints](...)"
    ]


def test_a_header_picture_needs_words_too(valid_content: ContentTree) -> None:
    (valid_content.folder / "en" / "spine.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    path = valid_content.page("en", "back-pain", order=2, related=["nerve-block"], extra='image = "spine.png"')

    assert errors_in(valid_content, path) == [
        '8: the picture has no words for people who cannot see it; add image_alt = "..." describing it'
    ]


def test_curly_quotes_are_named_exactly_and_the_page_still_loads(valid_content: ContentTree) -> None:
    path = valid_content.write(
        "es",
        "back-pain.md",
        "+++\n"
        'id = "back-pain"\n'
        "title = \u201cDolor de espalda\u201d\n"  # line 3, as a word processor saves it
        'kind = "condition"\n'
        "order = 2\n"
        'related = ["nerve-block"]\n'
        "reviewed = 2025-01-15\n"
        "+++\n"
        "Intro.\n\n## Uno\n\nTexto.\n\n## Dos\n\nTexto.\n",
    )

    catalog = valid_content.load()

    assert [p for p in catalog.problems if p.path == path] == [
        Problem(
            path,
            3,
            'the title uses curly quotes \u201c \u201d; use straight quotes " (the kiosk read them as straight ones)',
            warning=True,
        )
    ]
    page = catalog.page("back-pain", "es")
    assert page is not None and page.title == "Dolor de espalda" and page.language == "es"


def test_one_typo_is_one_problem_and_the_page_stays_in_its_language(valid_content: ContentTree) -> None:
    path = valid_content.page("es", "back-pain", order=2, related=["nerve-block"], extra='summary = "Sin cerrar')

    catalog = valid_content.load()

    assert [(p.path, p.line) for p in catalog.problems] == [(path, 8)]
    page = catalog.page("back-pain", "es")
    assert page is not None and page.language == "es"


def test_two_typos_in_an_english_page_are_two_problems_and_no_missing_translation(
    valid_content: ContentTree,
) -> None:
    path = valid_content.write(
        "en",
        "back-pain.md",
        '+++\nid = "back-pain"\ntilte = "Back pain"\nkind = "condition"\norder = "two"\n'
        'related = ["nerve-block"]\nreviewed = 2025-01-15\n+++\nIntro.\n\n## A\n\nText.\n\n## B\n\nText.\n',
    )

    catalog = valid_content.load()

    assert [str(p) for p in catalog.problems] == [
        f"{path}:3: tilte is not a known metadata key; did you mean title?",
        f"{path}:5: order = 'two' is not allowed; use a whole number from 0 to 10000",
    ]
    assert catalog.page("back-pain", "en") is not None


def test_a_page_that_cannot_be_shown_is_named_once_not_as_missing_elsewhere(valid_content: ContentTree) -> None:
    path = valid_content.write("en", "back-pain.md", '+++\nid = "back-pain"\nkind = "condition"\n+++\n## A\n\nText.\n')

    catalog = valid_content.load()

    assert [str(p) for p in catalog.problems] == [f"{path}:1: the metadata header has no title = ...; add it"]


def test_a_link_block_per_section_keeps_related_as_it_was(valid_content: ContentTree) -> None:
    path = valid_content.page(
        "en",
        "nerve-block",
        kind="procedure",
        order=1,
        related=["back-pain", "leg-pain"],
        extra='related_section = 1\n\n[[links]]\nsection = 2\nheading = "Read next"\npages = ["leg-pain"]',
    )

    catalog = valid_content.load()
    page = catalog.page("nerve-block", "en")

    assert [p for p in catalog.errors if p.path == path] == []
    assert page is not None
    assert page.buttons(0) == (None, ("back-pain", "leg-pain"))
    assert page.buttons(1) == ("Read next", ("leg-pain",))


def test_a_link_block_beyond_the_last_section_is_named(valid_content: ContentTree) -> None:
    path = valid_content.page(
        "en", "back-pain", order=2, related=["nerve-block"], extra='[[links]]\nsection = 4\npages = ["leg-pain"]'
    )

    assert errors_in(valid_content, path) == [
        "8: a [[links]] block names section 4 but the page has 2 sections; use a number from 1 to 2"
    ]


# --- The translation workflow ------------------------------------------------------------------------------


def test_a_translation_with_other_sections_or_an_old_duration_is_warned(valid_content: ContentTree) -> None:
    spanish = valid_content.page("es", "back-pain", order=2, related=["nerve-block"], body="## Solo una\n\nTexto.\n")
    slide = valid_content.page("es", "slide-welcome", kind="slide", order=1, reviewed=None, extra="duration = 8")

    catalog = valid_content.load()
    english = valid_content.folder / "en"

    assert [str(p) for p in catalog.problems] == [
        f"{spanish}:1: warning: this translation has 1 sections but {english / 'back-pain.md'} has 2; "
        "give it the same '## ' sections in the same order",
        f"{slide}:7: warning: duration is 8 here but 10 in {english / 'slide-welcome.md'}; use the same number",
    ]


def test_a_translation_made_from_an_older_english_page_is_warned_with_the_new_fingerprint(
    valid_content: ContentTree,
) -> None:
    english = valid_content.load().page("back-pain", "en")
    assert english is not None
    spanish = valid_content.page(
        "es", "back-pain", order=2, related=["nerve-block"], extra=f'translated_from = "{english.fingerprint}"'
    )
    assert valid_content.load().problems == []

    valid_content.page("en", "back-pain", order=2, related=["nerve-block"], body=SECTIONED_CHANGED)
    changed = valid_content.load()
    new = changed.page("back-pain", "en")

    assert new is not None and new.fingerprint != english.fingerprint
    assert [str(p) for p in changed.problems] == [
        f"{spanish}:8: warning: {valid_content.folder / 'en' / 'back-pain.md'} has changed since this translation "
        f'was made; update the translation, then set translated_from = "{new.fingerprint}"'
    ]


SECTIONED_CHANGED = "An introduction for patients.\n\n## What it is\n\nNew words.\n\n## How it helps\n\nMore words.\n"


def test_removing_a_condition_names_the_text_that_still_mentions_it(tmp_path: Path) -> None:
    import shutil

    from kiosk.content.catalog import load_catalog
    from kiosk.paths import bundled_content_dir

    folder = tmp_path / "content"
    shutil.copytree(bundled_content_dir(), folder)
    for language in ("en", "es", "vi"):
        (folder / language / "sacroiliitis.md").unlink()

    catalog = load_catalog(folder, ("en", "es", "vi"), "en")

    mentions = [p for p in catalog.errors if "(sacroiliitis) names no page" in p.message]
    assert [(p.path.parent.name, p.path.name) for p in mentions] == [
        (language, "si-joint-injection.md") for language in ("en", "es", "vi")
    ]
