"""Parse one page file: a TOML header between `+++` lines, then Markdown."""

from __future__ import annotations

import datetime as dt
import re
import reprlib
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic_core import ErrorDetails

from kiosk.content.model import Page, PageKind, Problem, Section
from kiosk.tomlfiles import TomlError, loads, read_text

FENCE = "+++"
PAGE_ID = r"^[a-z0-9]+(-[a-z0-9]+)*$"
_IMAGE = re.compile(r"!\[[^\]]*\]\(([^)\s]+)")
# A wrong value is quoted back to the author; its start is enough to find it.
_QUOTE = reprlib.Repr()
_QUOTE.maxstring = 120
_QUOTE.maxother = 120
_QUOTE.maxlevel = 3


class PageHeader(BaseModel):
    """The metadata a content author writes at the top of a page."""

    model_config = ConfigDict(extra="forbid")

    id: Annotated[str, Field(pattern=PAGE_ID)]
    title: Annotated[str, Field(min_length=1, max_length=120)]
    kind: PageKind
    order: Annotated[int, Field(ge=0, le=10_000)] = 100
    summary: Annotated[str, Field(max_length=160)] = ""
    related: list[Annotated[str, Field(pattern=PAGE_ID)]] = []
    related_section: Annotated[int, Field(ge=1, le=50)] | None = None
    reviewed: dt.date | None = None
    duration: Annotated[int, Field(ge=3, le=60)] | None = None
    image: str | None = None
    # A translation no clinician has checked yet (say a machine translation); the staff console lists these.
    needs_clinical_review: bool = False


class PageParseError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def parse_page(path: Path, language: str) -> Page:
    """Read a page file or raise PageParseError listing what is wrong and where."""
    try:
        text = read_text(path)
    except UnicodeDecodeError:
        raise PageParseError([Problem(path, 1, "the file is not UTF-8 text; save it as UTF-8")]) from None
    except OSError as exc:
        raise PageParseError(
            [
                Problem(
                    path,
                    1,
                    f"the file cannot be read ({exc.strerror}); check it is a file the kiosk may read",
                )
            ]
        ) from None
    return parse_page_text(text, path, language)


def parse_page_text(text: str, path: Path, language: str) -> Page:
    lines = text.splitlines()
    if not lines or lines[0].strip() != FENCE:
        raise PageParseError([Problem(path, 1, f"the page must start with a '{FENCE}' line and its metadata header")])
    try:
        end = next(i for i, line in enumerate(lines[1:], start=1) if line.strip() == FENCE)
    except StopIteration:
        raise PageParseError(
            [Problem(path, 1, f"the metadata header is not closed by a second '{FENCE}' line")]
        ) from None
    header_lines = lines[1:end]
    header_text = "\n".join(header_lines)
    try:
        raw = loads(header_text)
    except TomlError as exc:
        line = 1 + exc.lineno  # the header starts on the file's second line
        raise PageParseError([Problem(path, line, f"the metadata header is not valid TOML: {exc.msg}")]) from None
    try:
        header = PageHeader.model_validate(raw)
    except ValidationError as exc:
        raise PageParseError([_header_problem(path, header_lines, error) for error in exc.errors()]) from None
    intro, sections = _split_sections(lines[end + 1 :])
    if header.id != path.stem:
        raise PageParseError(
            [
                Problem(
                    path,
                    _key_line(header_lines, "id"),
                    f"id {header.id!r} does not match the file name; rename one so both read "
                    f"{path.stem!r} or {header.id!r}",
                )
            ]
        )
    return Page(
        id=header.id,
        language=language,
        kind=header.kind,
        title=header.title,
        summary=header.summary,
        order=header.order,
        path=path,
        related=tuple(header.related),
        related_section=header.related_section,
        reviewed=header.reviewed,
        duration_seconds=header.duration,
        image=header.image,
        needs_clinical_review=header.needs_clinical_review,
        intro=intro,
        sections=tuple(sections),
    )


def image_references(text: str) -> list[tuple[int, str]]:
    """Line numbers and targets of every Markdown image in a page file."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        found += [(number, target) for target in _IMAGE.findall(line)]
    return found


def _split_sections(body: list[str]) -> tuple[str, list[Section]]:
    intro: list[str] = []
    sections: list[tuple[str, list[str]]] = []
    for line in body:
        if line.startswith("## "):
            sections.append((line[3:].strip(), []))
        elif sections:
            sections[-1][1].append(line)
        else:
            intro.append(line)
    return (
        "\n".join(intro).strip(),
        [Section(title, "\n".join(text).strip()) for title, text in sections],
    )


def _key_line(header_lines: list[str], key: str) -> int:
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
    for number, line in enumerate(header_lines, start=2):
        if pattern.match(line):
            return number
    return 1


def _header_problem(path: Path, header_lines: list[str], error: ErrorDetails) -> Problem:
    loc = error["loc"]
    key = str(loc[0]) if loc else ""
    # A quoted key may hold a line break or a terminal escape: quote it back, so the problem stays one line.
    shown = key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _QUOTE.repr(key)
    kind = error["type"]
    if kind == "missing":
        return Problem(path, 1, f"the metadata header has no {key} = ...; add it")
    if kind == "extra_forbidden":
        return Problem(
            path,
            _key_line(header_lines, key),
            f"{shown} is not a known metadata key; use only {', '.join(PageHeader.model_fields)}",
        )
    rules = {
        "id": 'lowercase letters, digits and single hyphens, like "si-joint-injection"',
        "kind": "one of " + ", ".join(k.value for k in PageKind),
        "order": "a whole number from 0 to 10000",
        "related": 'a list of page ids, like ["sacroiliitis"]',
        "related_section": "the number of the section (counting from 1) that ends with the links",
        "reviewed": "a date written YYYY-MM-DD without quotes",
        "duration": "a whole number of seconds from 3 to 60",
        "title": "text of 1 to 120 characters",
        "summary": "text of at most 160 characters",
        "image": "a path to an image, relative to the content folder",
        "needs_clinical_review": "true or false without quotes",
    }
    return Problem(
        path,
        _key_line(header_lines, key),
        f"{key} = {_QUOTE.repr(error.get('input'))} is not allowed; use {rules.get(key, 'a valid value')}",
    )
