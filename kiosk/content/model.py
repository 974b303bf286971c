"""Plain objects for content pages; no Qt, no files."""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from kiosk.content.markup import Markup, read_markup


class PageKind(enum.StrEnum):
    PROCEDURE = "procedure"
    CONDITION = "condition"
    SLIDE = "slide"


@dataclass(frozen=True)
class Section:
    """One `## ` part of a page: a heading and its Markdown."""

    title: str
    markdown: str
    # The file line the Markdown starts on, so a problem in it is named at its own line.
    line: int = 1

    @cached_property
    def markup(self) -> Markup:
        return read_markup(self.markdown, self.line)


@dataclass(frozen=True)
class LinkBlock:
    """Buttons to other pages at the end of one section, under their own heading (None: one for their kind)."""

    section: int  # 1-based, as the author counts
    pages: tuple[str, ...]
    heading: str | None = None
    line: int = 1


@dataclass(frozen=True)
class Page:
    id: str
    language: str
    kind: PageKind
    title: str
    summary: str
    order: int
    path: Path
    related: tuple[str, ...] = ()
    # The section (1-based) whose end shows the related-page buttons; None = the last.
    related_section: int | None = None
    reviewed: dt.date | None = None
    duration_seconds: int | None = None
    image: str | None = None
    # True until a clinician has checked this translation; set in the page's front matter.
    needs_clinical_review: bool = False
    intro: str = ""
    sections: tuple[Section, ...] = field(default_factory=tuple)
    image_alt: str = ""
    link_blocks: tuple[LinkBlock, ...] = ()
    # The English page's fingerprint (see `fingerprint`) this translation was made from.
    translated_from: str | None = None
    intro_line: int = 1
    fingerprint: str = ""
    # The page's public web address (https), shown as a QR code so a patient can read it again at home.
    url: str | None = None

    @cached_property
    def intro_markup(self) -> Markup:
        return read_markup(self.intro, self.intro_line)

    def section_text(self, index: int) -> str:
        """The Markdown shown for one section: the first also carries the page's picture and introduction."""
        parts = []
        if index == 0 and self.image:
            parts.append(f"![{self.image_alt}]({self.image})")
        if index == 0 and self.intro:
            parts.append(self.intro)
        if 0 <= index < len(self.sections):
            parts.append(self.sections[index].markdown)
        return "\n\n".join(parts)

    def buttons(self, index: int) -> tuple[str | None, tuple[str, ...]]:
        """The heading (None: one for the pages' kind) and page ids of the buttons ending section `index` (0-based).

        `related` keeps its old meaning (one block at `related_section`, or the last section); a `[[links]]` block
        names its own section and heading; a link to a page written in the section's text adds its button there.
        """
        heading: str | None = None
        ids: list[str] = []
        if self.related and index == self.related_section_index:
            ids += self.related
        for block in self.link_blocks:
            if block.section - 1 == index:
                ids += block.pages
                heading = block.heading or heading
        markups = [self.intro_markup] if index == 0 else []
        if 0 <= index < len(self.sections):
            markups.append(self.sections[index].markup)
        ids += [link.target for markup in markups for link in markup.page_links]
        return heading, tuple(dict.fromkeys(i for i in ids if i != self.id))

    @property
    def related_section_index(self) -> int:
        """0-based index of the section that ends with the related-page buttons."""
        last = max(0, len(self.sections) - 1)
        return last if self.related_section is None else min(self.related_section - 1, last)

    def headline_and_text(self) -> tuple[str, str]:
        """A slide's `# ` heading (or its title) and the Markdown under it."""
        first, _, rest = self.intro.partition("\n")
        if first.startswith("# "):
            return first[2:].strip(), rest.strip()
        return self.title, self.intro

    @property
    def markdown(self) -> str:
        """The whole body again, for pages shown in one piece (slides, short pages)."""
        parts = [self.intro] if self.intro else []
        parts += [f"## {section.title}\n\n{section.markdown}" for section in self.sections]
        return "\n\n".join(parts)


def fingerprint(title: str, summary: str, duration: int | None, body: str) -> str:
    """What a translator translates, as 12 hex digits: a translation names it to say which English it follows."""
    words = "\n".join([title, summary, str(duration or ""), " ".join(body.split())])
    return hashlib.sha256(words.encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True, order=True)
class Problem:
    """A content problem, printed as `file:line: what is wrong`."""

    path: Path
    line: int
    message: str
    warning: bool = False

    def __str__(self) -> str:
        prefix = "warning: " if self.warning else ""
        return f"{self.path}:{self.line}: {prefix}{self.message}"
