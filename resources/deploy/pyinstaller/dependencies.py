"""Which third-party distributions the kiosk runs on, under which licence, and whether GPL v3 lets us ship them.

Build-time tooling (the bundle spec, tests/packaging and record_windows_wheels.py import it), kept out of the
`kiosk` package because it needs `packaging`, which the test extra brings (through pytest and PyInstaller) but
a clinic PC does not have.
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from packaging.licenses import InvalidLicenseExpression, canonicalize_license_expression
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import NormalizedName, canonicalize_name

ROOT_DISTRIBUTION = "clinic-kiosk"
OUR_LICENCE = "GPL-3.0-or-later"

# Licences whose code a GPL-3.0-or-later program may include and pass on (the FSF's list of GPL-compatible
# licences). An OR expression needs one of these, an AND expression all of them.
GPL3_COMPATIBLE = frozenset(
    {
        "0BSD",
        "Apache-2.0",
        "BSD-2-Clause",
        "BSD-3-Clause",
        "BSL-1.0",
        "CC0-1.0",
        "GPL-2.0-or-later",
        "GPL-3.0-only",
        "GPL-3.0-or-later",
        "HPND",
        "ISC",
        "LGPL-2.1-only",
        "LGPL-2.1-or-later",
        "LGPL-3.0-only",
        "LGPL-3.0-or-later",
        "MIT",
        "MIT-0",
        "MPL-2.0",
        "PostgreSQL",
        "PSF-2.0",
        "Python-2.0",
        "Unlicense",
        "X11",
        "Zlib",
    }
)

# Trove classifiers of distributions that state no SPDX licence (older metadata), to their SPDX identifier.
CLASSIFIER_LICENCES = {
    "License :: OSI Approved :: MIT License": "MIT",
    "License :: OSI Approved :: BSD License": "BSD-3-Clause",
    "License :: OSI Approved :: Apache Software License": "Apache-2.0",
    "License :: OSI Approved :: ISC License (ISCL)": "ISC",
    "License :: OSI Approved :: Python Software Foundation License": "PSF-2.0",
    "License :: OSI Approved :: Mozilla Public License 2.0 (MPL 2.0)": "MPL-2.0",
    "License :: OSI Approved :: The Unlicense (Unlicense)": "Unlicense",
    "License :: OSI Approved :: zlib/libpng License": "Zlib",
    "License :: OSI Approved :: GNU Lesser General Public License v3 (LGPLv3)": "LGPL-3.0-only",
    "License :: OSI Approved :: GNU Lesser General Public License v3 or later (LGPLv3+)": "LGPL-3.0-or-later",
    "License :: OSI Approved :: GNU General Public License v3 (GPLv3)": "GPL-3.0-only",
    "License :: OSI Approved :: GNU General Public License v3 or later (GPLv3+)": "GPL-3.0-or-later",
    "License :: OSI Approved :: GNU General Public License v2 (GPLv2)": "GPL-2.0-only",
    "License :: Public Domain": "CC0-1.0",
}

# Read by a person from the distribution's own files, because its metadata names no licence at all.
# Each entry says where; re-check it when the version range in pyproject.toml moves.
KNOWN_LICENCES = {
    # sqlcipher3 0.6.x: LICENSE in the wheel is pysqlite's zlib licence; the SQLCipher library linked into the
    # wheel is Zetetic's BSD-style licence (https://www.zetetic.net/sqlcipher/license/).
    "sqlcipher3": "Zlib AND BSD-3-Clause",
    # fhir.resources 8.x and fhir-core 1.x (one author's pair): metadata says only "BSD license" and the wheels carry
    # no licence file; the LICENSE in github.com/nazrulworld/fhir.resources is the 3-clause BSD text.
    "fhir-resources": "BSD-3-Clause",
    "fhir-core": "BSD-3-Clause",
}

# Words a distribution's files use for its licence texts (PEP 639 puts them under .dist-info/licenses/).
_LICENCE_FILE_WORDS = ("LICENSE", "LICENCE", "COPYING", "NOTICE", "AUTHORS")


@dataclass(frozen=True)
class Dependency:
    name: str
    version: str
    licence: str  # an SPDX expression where the metadata gives one, else the metadata's words, else "unknown"
    licence_files: tuple[Path, ...] = ()


def here() -> dict[str, str]:
    """This machine's marker values (packaging types them loosely; every one is a string)."""
    return cast(dict[str, str], default_environment())


def needed(requirement: Requirement, environment: Mapping[str, str], extras: Iterable[str]) -> bool:
    """Whether `requirement` applies on `environment` when its dependent was asked for with `extras`."""
    if requirement.marker is None:
        return True
    return any(requirement.marker.evaluate({**environment, "extra": extra}) for extra in ("", *extras))


def walk(
    roots: Iterable[Requirement],
    requirements_of: Callable[[Requirement], list[Requirement]],
    environment: Mapping[str, str],
) -> list[NormalizedName]:
    """Every distribution `roots` need on `environment`, following each one's requirements (extras included).

    `requirements_of` answers for one requirement (its name and extras), so the same walk serves the installed
    distributions here and the Windows wheels pip reports for record_windows_wheels.py.
    """
    extras_seen: dict[NormalizedName, set[str]] = {}
    pending = [r for r in roots if needed(r, environment, ())]
    while pending:
        requirement = pending.pop()
        name = canonicalize_name(requirement.name)
        if name in extras_seen and set(requirement.extras) <= extras_seen[name]:
            continue
        extras = extras_seen.setdefault(name, set())
        extras.update(requirement.extras)
        pending += [r for r in requirements_of(requirement) if needed(r, environment, extras)]
    return sorted(extras_seen)


def _installed_requirements(requirement: Requirement) -> list[Requirement]:
    try:
        distribution = importlib.metadata.distribution(requirement.name)
    except importlib.metadata.PackageNotFoundError:
        raise LookupError(
            f"{requirement.name} is needed by the kiosk but not installed here; run `pip install -e '.[test]'`."
        ) from None
    return [Requirement(line) for line in distribution.requires or []]


def licence_from(name: str, expression: str | None, licence: str | None, classifiers: Iterable[str]) -> str:
    """A licence as an SPDX expression where the metadata allows, else its words, else "unknown".

    The metadata fields come from an installed distribution here, or from pip's report on a Windows wheel.
    """
    if canonicalize_name(name) in KNOWN_LICENCES:
        return KNOWN_LICENCES[canonicalize_name(name)]
    for stated in (expression, licence):
        if not stated or not stated.strip():
            continue
        try:
            return str(canonicalize_license_expression(stated.strip()))
        except InvalidLicenseExpression:
            # Older metadata puts a name ("BSD") or the whole text here; keep a short name, skip a full text.
            if "\n" not in stated.strip() and len(stated) < 80:
                return stated.strip()
    from_classifiers = sorted(
        {
            CLASSIFIER_LICENCES.get(c, c.rsplit(" :: ", 1)[-1])
            for c in classifiers
            if c.startswith("License ::") and c != "License :: OSI Approved"
        }
    )
    return " AND ".join(from_classifiers) if from_classifiers else "unknown"


def licence_of(distribution: importlib.metadata.Distribution) -> str:
    metadata = distribution.metadata
    return licence_from(
        metadata["Name"],
        (metadata.get_all("License-Expression") or [None])[0],
        (metadata.get_all("License") or [None])[0],
        metadata.get_all("Classifier") or [],
    )


def licence_files(distribution: importlib.metadata.Distribution) -> tuple[Path, ...]:
    """The licence texts the distribution ships (PEP 639 `License-File`, or files named like one)."""
    found = []
    for file in distribution.files or []:
        parts = file.parts
        in_dist_info = parts[0].endswith(".dist-info")
        if (
            in_dist_info
            and (len(parts) == 2 or parts[1] == "licenses")
            and parts[-1].upper().startswith(_LICENCE_FILE_WORDS)
        ):
            found.append(Path(str(distribution.locate_file(file))))
    return tuple(sorted(found))


def runtime_dependencies(root: str = ROOT_DISTRIBUTION) -> list[Dependency]:
    """Every distribution the installed `root` needs at run time on this machine, itself left out."""
    roots = _installed_requirements(Requirement(root))
    names = walk(roots, _installed_requirements, here())
    dependencies = []
    for name in names:
        distribution = importlib.metadata.distribution(name)
        dependencies.append(
            Dependency(
                name=distribution.metadata["Name"],
                version=distribution.version,
                licence=licence_of(distribution),
                licence_files=licence_files(distribution),
            )
        )
    return dependencies


def _compatible(expression: str, allowed: frozenset[str]) -> bool:
    """Whether an SPDX expression leaves a GPL-3.0-or-later program a licence it may use.

    Hand-written because the only parser on PyPI (license-expression) would become a dependency for one test,
    and `packaging` validates expressions but gives no tree. Precedence as SPDX: WITH, then AND, then OR.
    """
    tokens = expression.replace("(", " ( ").replace(")", " ) ").split()
    position = 0

    def peek() -> str:
        return tokens[position] if position < len(tokens) else ""

    def take() -> str:
        nonlocal position
        position += 1
        return tokens[position - 1]

    def term() -> bool:
        if peek() == "(":
            take()
            value = either()
            take()  # ")"
            return value
        licence = take()
        if peek() == "WITH":  # an exception only ever grants more (e.g. a linking exception)
            take()
            take()
        return licence in allowed

    def both() -> bool:
        value = term()
        while peek() == "AND":
            take()
            value = term() and value
        return value

    def either() -> bool:
        value = both()
        while peek() == "OR":
            take()
            value = both() or value
        return value

    try:
        return either() and position == len(tokens)
    except IndexError:
        return False


def incompatible(dependencies: Iterable[Dependency], allowed: frozenset[str] = GPL3_COMPATIBLE) -> list[str]:
    """One sentence per dependency whose licence does not let a GPL-3.0-or-later program ship it."""
    return [
        f"{d.name} {d.version} is under {d.licence!r}, which is not on the list of licences {OUR_LICENCE} can "
        f"include: replace it, or if its licence is in fact compatible, add it to GPL3_COMPATIBLE or "
        f"KNOWN_LICENCES in resources/deploy/pyinstaller/dependencies.py with the reason."
        for d in dependencies
        if not _compatible(d.licence, allowed)
    ]
