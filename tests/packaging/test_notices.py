"""The third-party notices the bundle ships name every runtime dependency, its licence and its licence texts."""

from __future__ import annotations

from dependencies import runtime_dependencies
from notices import notices_text


def test_the_notices_name_every_runtime_dependency_with_its_licence_and_texts() -> None:
    dependencies = runtime_dependencies()
    text = notices_text(dependencies)
    for dependency in dependencies:
        assert f"{dependency.name} {dependency.version}: {dependency.licence}\n" in text
        for file in dependency.licence_files:
            assert file.read_text(encoding="utf-8", errors="replace").strip()[:200] in text
    assert "GPL-3.0-only for Qt Charts" in text
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in text  # Qt's and psycopg's LGPL v3
    assert "PYTHON SOFTWARE FOUNDATION LICENSE VERSION 2" in text
