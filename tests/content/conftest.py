"""A small content tree in tmp_path: resources/content/<lang>/<id>.md pages with a `+++` TOML header."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from kiosk.content.catalog import ContentCatalog, load_catalog

SECTIONED_BODY = "An introduction for patients.\n\n## What it is\n\nPlain words.\n\n## How it helps\n\nMore words.\n"
SLIDE_BODY = "# A headline\n\nOne short sentence.\n"


@dataclass
class ContentTree:
    """Writes page files the way a content author would and loads them like the kiosk does."""

    folder: Path

    def write(self, language: str, file_name: str, text: str) -> Path:
        """Write a page file exactly as given and return its path."""
        path = self.folder / language / file_name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def page(
        self,
        language: str,
        page_id: str,
        *,
        kind: str = "condition",
        title: str | None = None,
        order: int = 100,
        related: Sequence[str] = (),
        extra: str = "",
        reviewed: str | None = "2025-01-15",
        body: str | None = None,
    ) -> Path:
        """Write a valid page; `extra` adds header lines just before the closing `+++`."""
        header = [
            "+++",
            f'id = "{page_id}"',
            f'title = "{title or page_id.replace("-", " ").capitalize()}"',
            f'kind = "{kind}"',
            f"order = {order}",
            "related = [" + ", ".join(f'"{r}"' for r in related) + "]",
        ]
        if reviewed is not None:
            header.append(f"reviewed = {reviewed}")
        if extra:
            header.append(extra.rstrip("\n"))
        header.append("+++")
        if body is None:
            body = SLIDE_BODY if kind == "slide" else SECTIONED_BODY
        return self.write(language, f"{page_id}.md", "\n".join(header) + "\n" + body)

    def both(self, page_id: str, **options: Any) -> tuple[Path, Path]:
        """The same page in English and Spanish."""
        return (
            self.page("en", page_id, **options),
            self.page("es", page_id, **options),
        )

    def load(self, languages: Sequence[str] = ("en", "es"), default: str = "en") -> ContentCatalog:
        return load_catalog(self.folder, languages, default)


@pytest.fixture
def content(tmp_path: Path) -> ContentTree:
    """An empty content folder at tmp_path/resources/content."""
    folder = tmp_path / "resources" / "content"
    folder.mkdir(parents=True)
    return ContentTree(folder)


@pytest.fixture
def valid_content(content: ContentTree) -> ContentTree:
    """One procedure, two conditions and a slide, in English and Spanish, with no problems."""
    content.both(
        "nerve-block",
        kind="procedure",
        order=1,
        related=["back-pain", "leg-pain"],
        extra="related_section = 1",
    )
    content.both("back-pain", order=2, related=["nerve-block"])
    content.both("leg-pain", order=1, related=["nerve-block"])
    content.both("slide-welcome", kind="slide", order=1, reviewed=None, extra="duration = 10")
    return content
