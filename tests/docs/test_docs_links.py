"""The README and the pages under docs/ lead somewhere: every relative link reaches a file and, after a #, a heading.

Pages move between folders and headings get renamed; a reader who follows a dead link from the README is lost.
The pages are parsed with markdown-it-py (the CommonMark parser, with tables), so links inside code are not links.
"""

from __future__ import annotations

import itertools
import re
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")])
IMAGES = sorted(path for path in (ROOT / "docs" / "images").glob("*") if path.is_file())
IMAGE_LIMIT = 300 * 1024  # a screenshot in the docs is a picture to read, not a repository's weight
# Paths of this repository that the pages name in code spans (`kiosk/storage/models.py`), so renames are caught too.
REPO_PATH = re.compile(r"^(?:kiosk|tests|resources|db|docs|\.ci)/[\w./-]*$")


@cache
def _tokens(page: Path) -> list[Token]:
    return MarkdownIt("commonmark").enable("table").parse(page.read_text(encoding="utf-8"))


def _inline_children(page: Path) -> list[Token]:
    return [child for token in _tokens(page) if token.type == "inline" for child in token.children or []]


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens.

    GitHub documents the rule but publishes no Python library for it; this is the rule of its github-slugger
    (keep letters, digits, underscores, hyphens and spaces), in one line.
    """
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


@cache
def anchors(page: Path) -> frozenset[str]:
    """Every heading's anchor in the page; a repeated heading gets -1, -2 ... as on GitHub."""
    seen: dict[str, int] = {}
    found = set()
    tokens = _tokens(page)
    for opening, inline in itertools.pairwise(tokens):
        if opening.type != "heading_open":
            continue
        text = "".join(child.content for child in inline.children or [] if child.type in {"text", "code_inline"})
        base = slug(text)
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return frozenset(found)


def links(page: Path) -> list[str]:
    targets = []
    for child in _inline_children(page):
        if child.type == "link_open":
            targets.append(str(child.attrs["href"]))
        elif child.type == "image":
            targets.append(str(child.attrs["src"]))
    return targets


def _problem(page: Path, target: str, root: Path = ROOT) -> str | None:
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None  # a web address: not this repository's to keep
    path = (page.parent / unquote(parts.path)).resolve() if parts.path else page
    if not path.exists():
        return f"{page.relative_to(root)}: the link {target!r} leads to no file"
    if parts.fragment and (path.suffix != ".md" or parts.fragment not in anchors(path)):
        return f"{page.relative_to(root)}: the link {target!r} names no heading of {path.relative_to(root)}"
    return None


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(ROOT)))
def test_every_relative_link_reaches_a_file_and_a_heading(page: Path) -> None:
    problems = [problem for target in links(page) if (problem := _problem(page, target))]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(ROOT)))
def test_every_repository_path_a_page_names_exists(page: Path) -> None:
    named = {child.content for child in _inline_children(page) if child.type == "code_inline"}
    missing = sorted(path for path in named if REPO_PATH.match(path) and not (ROOT / path).exists())
    assert not missing, f"{page.relative_to(ROOT)} names paths that do not exist: {', '.join(missing)}"


def test_every_picture_in_docs_is_shown_and_small() -> None:
    shown = {(page.parent / unquote(urlsplit(target).path)).resolve() for page in PAGES for target in links(page)}
    assert IMAGES, "docs/images holds the screenshots the pages show"
    for image in IMAGES:
        assert image.resolve() in shown, f"{image.relative_to(ROOT)} is shown on no page: link it or remove it"
        assert image.stat().st_size < IMAGE_LIMIT, f"{image.relative_to(ROOT)} is over 300 KB: crop or shrink it"


def test_the_checker_finds_a_dead_link_and_a_missing_heading(tmp_path: Path) -> None:
    """The check itself, on made-up pages: a good link passes, a dead file and a dead anchor are each named."""
    (tmp_path / "guide.md").write_text("# Guide\n\n## PostgreSQL: roles\n\n## Health check: `kiosk doctor`\n")
    page = tmp_path / "index.md"
    page.write_text(
        "[ok](guide.md#postgresql-roles) [ok](guide.md#health-check-kiosk-doctor) [web](https://example.org/x)\n"
        "`[not a link](nowhere.md)`\n\n```\n[not a link either](nowhere.md)\n```\n"
        "| a | b |\n| --- | --- |\n| [gone](gone.md) | [no heading](guide.md#roles) |\n"
    )
    problems = [problem for target in links(page) if (problem := _problem(page, target, root=tmp_path))]
    assert problems == [
        "index.md: the link 'gone.md' leads to no file",
        "index.md: the link 'guide.md#roles' names no heading of guide.md",
    ]
