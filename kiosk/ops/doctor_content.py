"""Doctor's content check: the problems `kiosk content check` names, and how the kiosk comes to show an edit."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.ops.doctor import Check, fail, ok, warn

if TYPE_CHECKING:
    from kiosk.config.settings import Settings

# The kiosk reads the pages once, when it starts: an edit reaches patients only after a restart.
LISTED = (
    "run `kiosk content check` to list them, correct each file, then restart the kiosk "
    "(it reads the pages when it starts)"
)


def content_check(settings: Settings) -> Check:
    """The check `kiosk content check` runs, for the enabled languages, worded for IT."""
    from kiosk.content.catalog import load_catalog
    from kiosk.i18n.strings import check_strings
    from kiosk.services.startup import content_folder

    languages = settings.languages
    folder = content_folder(settings)
    catalog = load_catalog(folder, languages.enabled, languages.default)
    problems = sorted(catalog.problems + check_strings(languages.enabled, languages.default))
    errors = [p for p in problems if not p.warning]
    warnings = [p for p in problems if p.warning]
    pages = sum(len(p) for p in catalog.pages.values())
    if errors:
        return fail("content", f"{len(errors)} problem(s) in {folder}, first: {errors[0]}", LISTED)
    if warnings:
        return warn("content", f"{pages} pages in {folder}, {len(warnings)} warning(s), first: {warnings[0]}", LISTED)
    return ok(
        "content",
        f"{pages} pages in {len(languages.enabled)} languages in {folder}; restart the kiosk to show edits",
    )
