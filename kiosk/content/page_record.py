"""The pages once read from a content folder, so a removed page's name left in another page's text is found.

A clinic's content folder is not kept in git, so once `conditions/piriformis.md` is deleted nothing else remembers
that "Piriformis syndrome" was a page. Every reading of the folder (`kiosk content check`,
start-up, `kiosk doctor`) writes each page's id and title into `pages-seen.toml` beside the language folders; a later
reading treats a remembered page that is gone as removed, and warns where another page's text still names it.
An entry stays until the page returns or the coordinator deletes its line (a name meant to stay as plain words).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from kiosk.content.model import Page, PageKind, Problem
from kiosk.tomlfiles import TomlError, loads, read_text

RECORD_NAME = "pages-seen.toml"
_HEADER = (
    "# Written by the kiosk whenever it reads these pages: every page it has seen here, by language, so that\n"
    "# `kiosk content check` can warn when a page's text still names one that was removed.\n"
    "# Delete a line to forget that page (say its name is meant to stay in the text as plain words).\n"
)
# Shorter names ("Back", "Pain") would be found in every page: only names this long are looked for.
_SHORTEST = 5
# A link's words are its own business: a link to a missing page is already named as an error.
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")


@dataclass(frozen=True)
class RemovedPage:
    language: str
    page_id: str
    title: str


def read_record(folder: Path) -> dict[str, dict[str, str]]:
    """Titles by language and page id, as last written; an unreadable record is no record (never a failure)."""
    try:
        raw = loads(read_text(folder / RECORD_NAME))
    except (OSError, UnicodeError, TomlError):
        return {}
    return {
        str(language): {str(key): str(title) for key, title in pages.items() if isinstance(title, str)}
        for language, pages in raw.items()
        if isinstance(pages, dict)
    }


def write_record(
    folder: Path, pages: Mapping[str, Mapping[str, Page]], remembered: Mapping[str, Mapping[str, str]]
) -> bool:
    """Remember every page now present, keeping the removed ones already remembered; False if it cannot be written.

    Slides are left out: a slide's title is a headline, not the name of something a page would mention. The file
    is written only when it gains or changes a line, so reading an unchanged folder writes nothing.
    """
    record = {language: dict(known) for language, known in remembered.items()}
    for language, found in pages.items():
        known = record.setdefault(language, {})
        known.update({page.id: page.title for page in found.values() if page.kind != PageKind.SLIDE})
    if record == remembered:
        return True
    lines = [_HEADER]
    for language in sorted(record):
        lines.append(f"\n[{_quoted(language)}]\n")
        lines += [f"{_quoted(page_id)} = {_quoted(title)}\n" for page_id, title in sorted(record[language].items())]
    try:
        (folder / RECORD_NAME).write_text("".join(lines), encoding="utf-8")
    except OSError:  # a read-only folder: the check still runs, it only cannot remember
        return False
    return True


def _quoted(text: str) -> str:
    """A TOML basic string, letters kept readable: JSON's escapes are TOML's, bar DEL, which TOML wants escaped."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def removed_pages(
    record: Mapping[str, Mapping[str, str]], pages: Mapping[str, Mapping[str, Page]], unreadable: Iterable[str] = ()
) -> list[RemovedPage]:
    """Remembered pages gone from every language (a page missing from one language only is a missing translation,
    named as such) and not merely unreadable (its file's own problem is named)."""
    present = {page_id for found in pages.values() for page_id in found} | set(unreadable)
    return [
        RemovedPage(language, page_id, title)
        for language, known in record.items()
        if language in pages
        for page_id, title in known.items()
        if page_id not in present
    ]


def names_of(title: str) -> list[str]:
    """The ways a page's title is written in running text: whole, and without a bracketed short form.

    "Sacroiliac (SI) joint injection" is also looked for as "Sacroiliac joint injection".
    """
    plain = " ".join(re.sub(r"\([^)]*\)", " ", title).split())
    return [name for name in dict.fromkeys([" ".join(title.split()), plain]) if len(name) >= _SHORTEST]


def mentions(page: Page, removed: Iterable[RemovedPage]) -> Iterable[Problem]:
    """Each line of the page's summary and text that names a removed page in plain words, once per page named."""
    gone = [item for item in removed if item.language == page.language and item.page_id != page.id]
    if not gone:
        return
    lines = [(_line_of_summary(page), page.summary)]
    lines += _numbered(page.intro, page.intro_line)
    for section in page.sections:
        lines += _numbered(section.markdown, section.line)
    for item in gone:
        patterns = [re.compile(rf"(?<!\w){re.escape(name)}(?!\w)", re.IGNORECASE) for name in names_of(item.title)]
        for number, text in lines:
            plain = _LINK.sub(" ", text)
            if any(pattern.search(plain) for pattern in patterns):
                yield Problem(
                    page.path,
                    number,
                    f"the text still names {item.title!r}, whose page ({item.page_id}) was removed; take the words "
                    f"out or add the page again (if the name is meant to stay, delete its line from {RECORD_NAME})",
                    warning=True,
                )
                break


def _numbered(markdown: str, first_line: int) -> list[tuple[int, str]]:
    return list(enumerate(markdown.splitlines(), start=first_line))


def _line_of_summary(page: Page) -> int:
    try:
        lines = read_text(page.path).splitlines()
    except (OSError, UnicodeError):
        return 1
    for number, line in enumerate(lines, start=1):
        if line.strip().startswith("summary"):
            return number
    return 1
