"""One reading of a section's Markdown, shared by `kiosk content check` and the screen that shows it.

markdown-it-py (MIT, a CommonMark parser with line numbers on every block) reads the text once; the check
reports from its tokens and the kiosk renders the same tokens to the HTML Qt shows. So the two cannot
disagree: raw HTML, links and images are found by the very rules that then draw the page.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

PAGE_ID = r"^[a-z0-9]+(-[a-z0-9]+)*$"
_PAGE_ID = re.compile(PAGE_ID)
# A page's own public address (`url =`): https only, since a phone opening it leaves the clinic's network, a
# host with a dot (a name a phone can reach, not "localhost"), no spaces; at most 300 characters keeps the code small.
PUBLIC_URL = r"^https://[^\s/?#@]+\.[^\s/?#@]+(?:[/?#]\S*)?$"
_WEB = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
# `##How it is done`: a heading without its space, which Markdown reads as a plain sentence.
BAD_HEADING = re.compile(r"^(#{1,6})(?=[^\W\d_])")  # a letter: "#1 choice" is a sentence
# The image kinds the kiosk reads: PNG and JPEG built into Qt, and SVG through the QtSvg image plug-in the kiosk
# already needs for its icons, so a line drawing stays sharp at any column width and text size.
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".svg")
IMAGE_SCHEME = "content-image:"
QR_SCHEME = "content-qr:"


@dataclass(frozen=True)
class Link:
    words: str
    target: str
    line: int

    @property
    def is_page(self) -> bool:
        return bool(_PAGE_ID.match(self.target))

    @property
    def is_web(self) -> bool:
        return bool(_WEB.match(self.target))


@dataclass(frozen=True)
class Image:
    alt: str
    target: str
    line: int


@dataclass(frozen=True)
class Finding:
    """A problem in the text, on a line counted from the file's first line."""

    line: int
    message: str
    warning: bool = False


@dataclass(frozen=True)
class Markup:
    tokens: Sequence[Token]
    links: tuple[Link, ...]
    images: tuple[Image, ...]
    findings: tuple[Finding, ...]

    @property
    def page_links(self) -> list[Link]:
        return [link for link in self.links if link.is_page]

    @property
    def web_links(self) -> list[Link]:
        return [link for link in self.links if link.is_web]


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    # html=True so raw HTML is found (and named) rather than passed on as text the author did not mean.
    return MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


def read_markup(markdown: str, first_line: int = 1) -> Markup:
    """Tokens, links, images and problems of one piece of Markdown starting on `first_line` of its file."""
    tokens = _parser().parse(markdown)
    lines = markdown.splitlines()
    links: list[Link] = []
    images: list[Image] = []
    findings: list[Finding] = []
    for number, text in enumerate(lines, start=first_line):
        bad = BAD_HEADING.match(text)
        if bad:
            marks = bad.group(1)
            findings.append(
                Finding(
                    number,
                    f"a heading needs a space after {marks}; write '{marks} {text[len(marks) :].strip()[:60]}'",
                )
            )
    for block in tokens:
        if block.type == "html_block":
            start = first_line + (block.map[0] if block.map else 0)
            findings.append(Finding(start, html_sentence(block.content)))
        for token in block.children or ():
            if token.type == "html_inline":
                where = _line_holding(lines, block.map, token.content, first_line)
                findings.append(Finding(where, html_sentence(token.content)))
        links += _links(block, lines, first_line, findings)
        images += _images(block, lines, first_line, findings)
    return Markup(tuple(tokens), tuple(links), tuple(images), tuple(findings))


def _line_holding(lines: list[str], span: list[int] | None, needle: str, first_line: int) -> int:
    """The file line of a paragraph holding `needle`: a paragraph may run over several lines."""
    start, end = span or (0, 0)
    for number in range(start, min(end, len(lines))):
        if needle and needle in lines[number]:
            return first_line + number
    return first_line + start


def html_sentence(tag: str) -> str:
    shown = " ".join(tag.split())[:40]
    return (
        f"the kiosk does not show HTML such as {shown!r}; remove it and use Markdown "
        "(a blank line starts a new paragraph, ![words](file.png) shows an image)"
    )


def _words(children: Sequence[Token], start: int) -> str:
    """The words of a link: the text tokens up to its closing token."""
    parts = []
    for token in children[start + 1 :]:
        if token.type == "link_close":
            break
        parts.append(token.content)
    return "".join(parts).strip()


def _links(block: Token, lines: list[str], first_line: int, findings: list[Finding]) -> list[Link]:
    found = []
    children = block.children or []
    for index, token in enumerate(children):
        if token.type != "link_open":
            continue
        line = _line_holding(lines, block.map, str(token.attrs.get("href", "")), first_line)
        link = Link(_words(children, index), str(token.attrs.get("href", "")), line)
        if not (link.is_page or link.is_web):
            findings.append(
                Finding(
                    line,
                    f"the kiosk cannot open the link {link.target[:80]!r}; link to another page by its id, "
                    "like [Read more](si-joint-injection), or to a web page starting with https://",
                )
            )
        found.append(link)
    return found


def _images(block: Token, lines: list[str], first_line: int, findings: list[Finding]) -> list[Image]:
    found = []
    for token in block.children or ():
        if token.type != "image":
            continue
        line = _line_holding(lines, block.map, str(token.attrs.get("src", "")), first_line)
        image = Image(token.content.strip(), str(token.attrs.get("src", "")), line)
        if not image.alt:
            findings.append(
                Finding(line, "the image has no alt text; describe it between the brackets, like ![The SI joints](...)")
            )
        if not image.target.lower().endswith(IMAGE_SUFFIXES) or "://" in image.target:
            findings.append(
                Finding(
                    line,
                    f"the kiosk shows only PNG, JPEG or SVG files stored with the content, not {image.target[:80]!r}; "
                    "save the picture as .png, .jpg or .svg next to the page",
                )
            )
        found.append(image)
    return found


def to_html(markup: Markup, scan_words: str = "", *, media: bool = True) -> str:
    """The HTML Qt shows: no raw HTML, a link's words without the dead link, images and QR codes by number.

    Images become `content-image:N` and web links `content-qr:N` (N counts from 0 in reading order); the view
    loads and scales them, so this stays free of Qt and of files. Without `media` only the words are given: a
    slide shows its picture and codes beside them, sized to the slide.
    """
    renderer = _parser().renderer
    counters = {"image": 0, "qr": 0}
    out: list[str] = []
    # The QR codes go after the paragraph holding their links, each with the link's words and address.
    pending: list[tuple[Link, int]] = []
    links = list(markup.links)
    for block in markup.tokens:
        if block.type == "html_block":
            continue
        if block.type == "inline":
            out.append(_inline(block.children or [], counters, links, pending, media))
            continue
        out.append(renderer.render([block], _parser().options, {}))
        if block.type in ("paragraph_close", "list_item_close", "heading_close", "td_close") and pending:
            out += [_qr_html(link, number, scan_words) for link, number in pending]
            pending.clear()
    out += [_qr_html(link, number, scan_words) for link, number in pending]
    return "".join(out)


def _inline(
    children: Sequence[Token],
    counters: dict[str, int],
    links: list[Link],
    pending: list[tuple[Link, int]],
    media: bool = True,
) -> str:
    parts = []
    for token in children:
        kind = token.type
        if kind == "html_inline":
            continue
        if kind in ("link_open", "link_close"):
            if kind == "link_open" and links:
                link = links.pop(0)
                if link.is_web and media:
                    pending.append((link, counters["qr"]))
                    counters["qr"] += 1
            # The link's words stay as ordinary text: a page link is a button, a web link a QR code.
            continue
        if kind == "image" and not media:
            continue
        if kind == "image":
            number = counters["image"]
            counters["image"] += 1
            alt = html.escape(token.content.strip(), quote=True)
            parts.append(f'<img src="{IMAGE_SCHEME}{number}" alt="{alt}" />')
            continue
        parts.append(_parser().renderer.render([token], _parser().options, {}))
    return "".join(parts)


def _qr_html(link: Link, number: int, scan_words: str) -> str:
    words = html.escape(link.words or link.target)
    address = html.escape(link.target)
    scan = f"<br />{html.escape(scan_words)}" if scan_words else ""
    return f'<p><img src="{QR_SCHEME}{number}" alt="{words}" /><br /><b>{words}</b>{scan}<br />{address}</p>'
