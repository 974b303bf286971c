"""Plain objects for content pages; no Qt, no files."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field
from pathlib import Path


class PageKind(enum.StrEnum):
    PROCEDURE = "procedure"
    CONDITION = "condition"
    SLIDE = "slide"


@dataclass(frozen=True)
class Section:
    """One `## ` part of a page: a heading and its Markdown."""

    title: str
    markdown: str


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
    needs_clinical_review: bool = False
    intro: str = ""
    sections: tuple[Section, ...] = field(default_factory=tuple)

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
