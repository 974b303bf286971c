"""A page's public address (`url =`) is checked as the kiosk will show it; slides may hold links and a picture."""

from __future__ import annotations

import pytest

from .conftest import ContentTree


def _problems(content: ContentTree) -> list[str]:
    return [f"{p.path.parent.name}/{p.path.name}:{p.line}: {p.message}" for p in content.load().problems]


def test_a_page_names_its_public_address(valid_content: ContentTree) -> None:
    valid_content.both("back-pain", order=2, related=["nerve-block"], extra='url = "https://clinic.example/back-pain"')

    catalog = valid_content.load()

    page = catalog.page("back-pain", "es")
    assert page is not None and page.url == "https://clinic.example/back-pain"
    assert catalog.problems == []


@pytest.mark.parametrize(
    "address",
    [
        "http://clinic.example/back-pain",  # a phone leaving the clinic's network: https only
        "clinic.example/back-pain",
        "https://localhost/back-pain",
        "https://clinic example/back-pain",
        "https://patient:secret@clinic.example/",
        "javascript:alert(1)",
    ],
)
def test_an_address_a_phone_cannot_open_safely_is_one_sentence_at_its_line(
    valid_content: ContentTree, address: str
) -> None:
    valid_content.page("en", "back-pain", order=2, related=["nerve-block"], extra=f'url = "{address}"')

    assert _problems(valid_content) == [
        f"en/back-pain.md:8: url = {address!r} is not allowed; use the page's public address starting with "
        'https://, like "https://clinic.example/si-joint"'
    ]
    page = valid_content.load().page("back-pain", "en")
    assert page is not None and page.url is None  # the page still shows, without a code


def test_a_slide_may_link_pages_and_the_web_and_show_a_picture(valid_content: ContentTree) -> None:
    (valid_content.folder / "images").mkdir()
    (valid_content.folder / "images" / "room.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="30" height="20"/>', encoding="utf-8"
    )
    body = (
        "# Hello\n\nRead [about back pain](back-pain) or [our website](https://clinic.example/).\n\n"
        "![Our waiting room](../images/room.svg)\n"
    )
    for language in ("en", "es"):
        valid_content.page(
            language, "slide-welcome", kind="slide", order=1, reviewed=None, extra="duration = 10", body=body
        )

    assert _problems(valid_content) == []


def test_what_a_slide_has_no_room_for_is_warned_at_its_line(valid_content: ContentTree) -> None:
    (valid_content.folder / "images").mkdir()
    for name in ("a", "b"):
        (valid_content.folder / "images" / f"{name}.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    body = (
        "# Hello\n\n![One](../images/a.png)\n\n![Two](../images/b.png)\n\n"
        "See [one](https://a.example/) and [two](https://b.example/).\n"
    )
    valid_content.page(
        "en",
        "slide-welcome",
        kind="slide",
        order=1,
        reviewed=None,
        extra='duration = 10\nurl = "https://clinic.example/welcome"',
        body=body,
    )

    assert [p for p in _problems(valid_content) if p.startswith("en/")] == [
        "en/slide-welcome.md:14: a slide shows one picture and this one would not be shown; remove it or put it "
        "on a page",
        "en/slide-welcome.md:16: a slide has room for 2 QR codes (the page address counts as one) and this link "
        "(https://b.example/) would not get one; remove it or put it on a page",
    ]
