"""Parse one page file: a TOML header between `+++` lines, then Markdown."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import reprlib
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic_core import ErrorDetails

from kiosk.content.markup import PAGE_ID, PUBLIC_URL, html_sentence
from kiosk.content.model import LinkBlock, Page, PageKind, Problem, Section, fingerprint
from kiosk.tomlfiles import TomlError, loads, read_text

FENCE = "+++"
_IMAGE = re.compile(r"!\[[^\]]*\]\(([^)\s]+)")
# A wrong value is quoted back to the author; its start is enough to find it.
_QUOTE = reprlib.Repr()
_QUOTE.maxstring = 120
_QUOTE.maxother = 120
_QUOTE.maxlevel = 3


class LinkBlockHeader(BaseModel):
    """One `[[links]]` table: buttons to other pages at the end of a section, under the author's heading."""

    model_config = ConfigDict(extra="forbid")

    section: Annotated[int, Field(ge=1, le=50)]
    pages: Annotated[list[Annotated[str, Field(pattern=PAGE_ID)]], Field(min_length=1, max_length=20)]
    heading: Annotated[str, Field(min_length=1, max_length=80)] | None = None


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
    links: list[LinkBlockHeader] = []
    image_alt: Annotated[str, Field(max_length=300)] = ""
    translated_from: Annotated[str, Field(pattern=r"^[0-9a-f]{12}$")] | None = None
    # The page's public web address: the kiosk shows it as a QR code for the patient's phone (nothing else in it).
    url: Annotated[str, Field(pattern=PUBLIC_URL, max_length=300)] | None = None


# Without these a page cannot be shown at all; any other key in error is left out and the page still loads.
REQUIRED = ("id", "title", "kind")
# What a word processor puts in place of what the author typed: curly quotes, and spaces TOML does not read.
_CURLY = {"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2018": "'", "\u2019": "'", "\u201a": "'"}
_INVISIBLE = {"\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u200b": "", "\u2060": "", "\ufeff": ""}
_HEADING = re.compile(r"^##(?!#)\s*(\S.*)$")
_TAG = re.compile(r"</?[A-Za-z][^>]*>")


class PageParseError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def parse_page(path: Path, language: str) -> Page:
    """Read a page file or raise PageParseError listing what is wrong and where."""
    page, problems = read_page(path, language)
    errors = [problem for problem in problems if not problem.warning]
    if page is None or errors:
        raise PageParseError(errors or problems)
    return page


def read_page(path: Path, language: str) -> tuple[Page | None, list[Problem]]:
    """The page as best it can be read (None if it cannot be shown at all) and its problems."""
    try:
        text = read_text(path)
    except UnicodeDecodeError:
        return None, [Problem(path, 1, "the file is not UTF-8 text; save it as UTF-8")]
    except OSError as exc:
        reason = f"the file cannot be read ({exc.strerror}); check it is a file the kiosk may read"
        return None, [Problem(path, 1, reason)]
    return read_page_text(text, path, language)


def parse_page_text(text: str, path: Path, language: str) -> Page:
    """The page, or PageParseError naming every problem (see `read_page_text` for a page kept despite some)."""
    page, problems = read_page_text(text, path, language)
    errors = [problem for problem in problems if not problem.warning]
    if page is None or errors:
        raise PageParseError(errors or problems)
    return page


def read_page_text(text: str, path: Path, language: str) -> tuple[Page | None, list[Problem]]:
    """The page as best it can be read, and each problem once.

    One mistake is one problem: a header line TOML cannot read is named and left out, a key with a wrong value
    is named and takes its default, so the page is still shown (in this language) while the author fixes it.
    Only a page without a usable id, title or kind is left out.
    """
    lines = text.splitlines()
    if not lines or lines[0].strip() != FENCE:
        return None, [Problem(path, 1, f"the page must start with a '{FENCE}' line and its metadata header")]
    try:
        end = next(i for i, line in enumerate(lines[1:], start=1) if line.strip() == FENCE)
    except StopIteration:
        return None, [Problem(path, 1, f"the metadata header is not closed by a second '{FENCE}' line")]
    header_lines = lines[1:end]
    raw, problems, dropped = _read_header(path, header_lines)
    header = _validate(path, header_lines, raw, problems, dropped)
    if header is None:
        return None, problems
    if header.id != path.stem:
        problems.append(
            Problem(
                path,
                _key_line(header_lines, "id"),
                f"id {header.id!r} does not match the file name; rename one so both read "
                f"{path.stem!r} or {header.id!r}",
            )
        )
        return None, problems
    body_start = end + 2  # the file line just after the closing fence
    intro, intro_line, sections = _split_sections(lines[end + 1 :], body_start)
    for number, line in enumerate(lines[end + 1 :], start=body_start):
        heading = _HEADING.match(line)
        if heading and not line.startswith("## "):
            problems.append(
                Problem(path, number, f"a heading needs a space after ##; write '## {line[2:].strip()[:60]}'")
            )
        tag = _TAG.search(heading.group(1)) if heading else None
        if tag:
            # A tab's words are shown as plain text: a tag would show as itself (or, in a label, as HTML).
            problems.append(Problem(path, number, html_sentence(tag.group(0))))
    blocks_line = _key_line(header_lines, "links")
    page = Page(
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
        image_alt=header.image_alt,
        link_blocks=tuple(
            LinkBlock(block.section, tuple(block.pages), block.heading, blocks_line) for block in header.links
        ),
        translated_from=header.translated_from,
        url=header.url,
        intro_line=intro_line,
        fingerprint=fingerprint(header.title, header.summary, header.duration, "\n".join(lines[end + 1 :])),
    )
    return page, problems


def _read_header(path: Path, header_lines: list[str]) -> tuple[dict[str, Any], list[Problem], set[str]]:
    """The header's keys, its problems, and the keys of lines left out because TOML could not read them."""
    problems: list[Problem] = []
    dropped: set[str] = set()
    lines = []
    for number, line in enumerate(header_lines, start=2):
        for odd, plain in _INVISIBLE.items():
            line = line.replace(odd, plain)
        if _curly_outside_strings(line):
            key = line.partition("=")[0].strip() or "line"
            for curly, straight in _CURLY.items():
                line = line.replace(curly, straight)
            problems.append(
                Problem(
                    path,
                    number,
                    f'the {_QUOTE.repr(key)[1:-1]} uses curly quotes \u201c \u201d; use straight quotes " '
                    "(the kiosk read them as straight ones)",
                    warning=True,
                )
            )
        lines.append(line)
    # Each line TOML cannot read is named once and left out, so one typo never hides the rest of the header.
    for _attempt in range(len(lines) + 1):
        try:
            return loads("\n".join(lines)), problems, dropped
        except TomlError as exc:
            problems.append(Problem(path, 1 + exc.lineno, f"the metadata header is not valid TOML: {exc.msg}"))
            index = exc.lineno - 1
            if not (0 <= index < len(lines)) or not lines[index].strip():
                break
            dropped.add(lines[index].partition("=")[0].strip())
            lines[index] = ""
    return {}, problems, dropped


def _curly_outside_strings(line: str) -> bool:
    """True when a curly quote stands where TOML needs a straight one (inside a "string" it is just a letter)."""
    quote = ""
    for char in line:
        if quote:
            if char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char in _CURLY:
            return True
        elif char == "#":
            return False
    return False


def _validate(
    path: Path, header_lines: list[str], raw: dict[str, Any], problems: list[Problem], dropped: set[str]
) -> PageHeader | None:
    known = list(PageHeader.model_fields)
    for key in list(raw):
        if key in known:
            continue
        guess = difflib.get_close_matches(key, [k for k in known if k not in raw], n=1, cutoff=0.75)
        if guess:
            # `tilte` is surely `title`: read it so, and say so once, rather than also "has no title".
            problems.append(
                Problem(
                    path, _key_line(header_lines, key), f"{key} is not a known metadata key; did you mean {guess[0]}?"
                )
            )
            raw[guess[0]] = raw.pop(key)
    id_missing = "id" not in raw
    if id_missing and re.match(PAGE_ID, path.stem):
        raw["id"] = path.stem  # named below as missing, but the page is still found by its file name
    for _attempt in range(3):
        try:
            header = PageHeader.model_validate(raw)
        except ValidationError as exc:
            errors = exc.errors()
            # A key on a line TOML could not read is already named there: not again as missing.
            named = [e for e in errors if not (e["type"] == "missing" and e["loc"] and str(e["loc"][0]) in dropped)]
            problems += [_header_problem(path, header_lines, error) for error in named]
            bad = {str(error["loc"][0]) for error in errors if error["loc"]}
            if bad & set(REQUIRED):
                return None
            raw = {key: value for key, value in raw.items() if key not in bad}
            continue
        if id_missing and "id" not in dropped:
            problems.append(Problem(path, 1, "the metadata header has no id = ...; add it"))
        return header
    return None


def image_references(text: str) -> list[tuple[int, str]]:
    """Line numbers and targets of every Markdown image in a page file."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        found += [(number, target) for target in _IMAGE.findall(line)]
    return found


def _split_sections(body: list[str], first_line: int) -> tuple[str, int, list[Section]]:
    intro: list[str] = []
    sections: list[tuple[str, int, list[str]]] = []
    for number, line in enumerate(body, start=first_line):
        # `##Title` (no space) is still a section here, as the author meant; the check names the missing space.
        heading = _HEADING.match(line)
        if heading:
            # A tag in a heading is named by the check and left out here, so only its words show.
            sections.append((" ".join(_TAG.sub(" ", heading.group(1)).split()), number + 1, []))
        elif sections:
            sections[-1][2].append(line)
        else:
            intro.append(line)
    intro_text, intro_line = _trimmed(intro, first_line)
    found = []
    for title, start, text in sections:
        markdown, text_line = _trimmed(text, start)
        found.append(Section(title, markdown, text_line))
    return intro_text, intro_line, found


def _trimmed(lines: list[str], first_line: int) -> tuple[str, int]:
    """The text without blank lines around it, and the file line it now starts on."""
    skipped = 0
    while skipped < len(lines) and not lines[skipped].strip():
        skipped += 1
    return "\n".join(lines[skipped:]).strip(), first_line + skipped


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
        "image": "a path to a PNG, JPEG or SVG picture, relative to this page's file",
        "image_alt": "text of at most 300 characters describing the picture",
        "links": 'blocks like [[links]] with section = 2, heading = "Read next", pages = ["sacroiliitis"]',
        "translated_from": "the 12 letters and digits `kiosk content check` gives for the English page",
        "needs_clinical_review": "true or false without quotes",
        "url": 'the page\'s public address starting with https://, like "https://clinic.example/si-joint"',
    }
    return Problem(
        path,
        _key_line(header_lines, key),
        f"{key} = {_QUOTE.repr(error.get('input'))} is not allowed; use {rules.get(key, 'a valid value')}",
    )
