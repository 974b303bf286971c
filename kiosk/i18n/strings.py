"""The UI string catalog: resources/strings/<lang>.toml, keys shared by all languages.

One catalog of TOML files instead of Qt Linguist .ts/.qm files: translators edit
plain text, `kiosk content check` can point at the exact missing key, and no
compile step stands between an edit and the kiosk.
"""

from __future__ import annotations

import re
import string
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.content.model import Problem
from kiosk.paths import resources_dir
from kiosk.tomlfiles import error_line, error_message, read_text

# Staff read the console and the command line in English, so they name languages in English.
ENGLISH_NAMES = {"en": "English", "es": "Spanish", "vi": "Vietnamese"}


def strings_dir() -> Path:
    return resources_dir() / "strings"


def available_languages(folder: Path | None = None) -> list[str]:
    return sorted(path.stem for path in (folder or strings_dir()).glob("*.toml"))


# The top-level table about a strings file rather than in it: never shown, never compared between languages.
META_TABLE = "meta"


def _ui_strings(table: Mapping[str, object]) -> dict[str, str]:
    """A strings file's UI strings by dotted key, without its [meta] table."""
    return _flatten({key: value for key, value in table.items() if key != META_TABLE})


def _review_flag(table: Mapping[str, object]) -> object:
    meta = table.get(META_TABLE, {})
    return meta.get("needs_clinical_review", False) if isinstance(meta, Mapping) else meta


def _flatten(table: Mapping[str, object], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat |= _flatten(value, f"{name}.")
        else:
            flat[name] = str(value)
    return flat


@dataclass(frozen=True)
class StringCatalog:
    """Strings by language; a missing string falls back to the default language."""

    strings: Mapping[str, Mapping[str, str]]
    default_language: str
    # Languages whose [meta] says no clinician has checked the translation yet.
    unreviewed: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def load(cls, languages: Iterable[str], default_language: str, folder: Path | None = None) -> StringCatalog:
        folder = folder or strings_dir()
        strings = {}
        unreviewed = set()
        for language in {*languages, default_language}:
            path = folder / f"{language}.toml"
            table = tomllib.loads(read_text(path))
            strings[language] = _ui_strings(table)
            # Only a real `true` flags a language; check_strings reports any other value.
            if _review_flag(table) is True:
                unreviewed.add(language)
        return cls(strings, default_language, frozenset(unreviewed))

    def text(self, language: str, key: str, **values: object) -> str:
        template = self.strings.get(language, {}).get(key)
        if template is None:
            template = self.strings[self.default_language].get(key, key)
        return template.format(**values) if values else template

    def language_name(self, language: str) -> str:
        """A language's name written in that language, for its switch button."""
        return self.text(language, "language.name")

    def needs_clinical_review(self, language: str) -> bool:
        """Whether the language's UI text is a translation no clinician has checked yet ([meta] in its file)."""
        return language in self.unreviewed


def languages_needing_review(languages: Iterable[str], folder: Path | None = None) -> set[str]:
    """The languages whose strings file flags its text for clinical review; unreadable files are check_strings' job."""
    folder = folder or strings_dir()
    flagged = set()
    for language in languages:
        try:
            table = tomllib.loads(read_text(folder / f"{language}.toml"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            continue
        if _review_flag(table) is True:
            flagged.add(language)
    return flagged


def check_strings(languages: Iterable[str], default_language: str, folder: Path | None = None) -> list[Problem]:
    """Report unreadable files and keys missing from (or unknown to) a language."""
    folder = folder or strings_dir()
    tables: dict[str, dict[str, str]] = {}
    problems: list[Problem] = []
    for language in sorted({*languages, default_language}):
        path = folder / f"{language}.toml"
        text = ""
        try:
            text = read_text(path)
            table = tomllib.loads(text)
            tables[language] = _ui_strings(table)
            if not isinstance(_review_flag(table), bool):
                problems.append(
                    Problem(
                        path,
                        _key_lines(text).get(f"{META_TABLE}.needs_clinical_review", 1),
                        "[meta] needs_clinical_review must be true or false (without quotes)",
                    )
                )
        except FileNotFoundError:
            problems.append(
                Problem(
                    path,
                    1,
                    f"no UI strings for the enabled language {language!r}"
                    f"; copy {default_language}.toml here and translate it",
                )
            )
        except tomllib.TOMLDecodeError as exc:
            problems.append(Problem(path, error_line(exc, text), f"not valid TOML: {error_message(exc)}"))
    reference = tables.get(default_language, {})
    for language, table in tables.items():
        path = folder / f"{language}.toml"
        lines = _key_lines(read_text(path))
        for key in sorted(reference.keys() - table.keys()):
            # A missing key is reported where its table starts, where it should be added.
            line = lines.get(key.rpartition(".")[0], 1)
            problems.append(
                Problem(path, line, f"missing the string {key!r}; translate it from {default_language}.toml")
            )
        for key in sorted(table.keys() - reference.keys()):
            problems.append(
                Problem(
                    path,
                    lines.get(key, 1),
                    f"string {key!r} is not in {default_language}.toml; remove it or add it there",
                )
            )
        for key in sorted(reference.keys() & table.keys()):
            if _fields(reference[key]) != _fields(table[key]):
                problems.append(
                    Problem(
                        path,
                        lines.get(key, 1),
                        f"string {key!r} must use the same {{names}} as {default_language}.toml",
                    )
                )
    return problems


_TABLE = re.compile(r"^\s*\[([^\]]+)\]")
_KEY = re.compile(r"^\s*([A-Za-z0-9_-]+)\s*=")


def _key_lines(text: str) -> dict[str, int]:
    """The line of every `[table]` and `key =` in a strings file, by dotted name."""
    found: dict[str, int] = {}
    table = ""
    for number, line in enumerate(text.splitlines(), start=1):
        if match := _TABLE.match(line):
            table = match.group(1).strip()
            found.setdefault(table, number)
        elif match := _KEY.match(line):
            found.setdefault(f"{table}.{match.group(1)}" if table else match.group(1), number)
    return found


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}
