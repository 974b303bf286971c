"""Whatever a content author (or a broken disk) puts in a page, the page is read or named as file:line: problem,
and the rest of the content still loads: one bad page never stops the kiosk."""

from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kiosk.cli.main import main
from kiosk.content.catalog import load_catalog
from kiosk.content.markup import read_markup, to_html
from kiosk.content.model import Page, Problem
from kiosk.content.parser import PageHeader, PageParseError, parse_page, parse_page_text
from kiosk.ops import qt_probe
from kiosk.services.startup import load_context
from tests.cli.test_doctor_cmd import DESKTOP
from tests.toml_strategies import bare_keys, nested, quoted_keys, values

from .conftest import ContentTree

FUZZ = settings(
    max_examples=int(os.environ.get("KIOSK_FUZZ_EXAMPLES", "30")),  # raise it to hunt longer on a spare PC
    deadline=None,
    derandomize="KIOSK_FUZZ_EXAMPLES" not in os.environ,  # the same examples each run, unless hunting
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
HEADER_KEYS = list(PageHeader.model_fields)
DEEP_HEADER = (
    # The title (line 5) cannot be read, so the page cannot be shown: the one problem names that line.
    '+++\nid = "deep"\nkind = "condition"\nrelated = []\ntitle = ' + nested(5000, "[") + "\n+++\n## A\n\nText.\n"
)


def read_or_named(text: str | bytes, path: Path) -> Page | list[Problem]:
    """Parse a page: the Page, or its problems, each a line an author can act on."""
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        return parse_page(path, "en")
    except PageParseError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert problem.path == path and problem.line >= 1
            shown = str(problem)
            shown.encode("utf-8")  # printable by `kiosk content check`
            assert "Traceback" not in shown and len(shown) < 2000, shown
            assert "\n" not in shown and "\x1b" not in shown, f"the problem is not one line: {shown!r}"
        return exc.problems


@st.composite
def page_files(draw: st.DrawFn) -> str:
    """A page in the kiosk's shape: a `+++` header of known (and some unknown) keys with any values, then Markdown."""
    keys = draw(st.lists(st.sampled_from(HEADER_KEYS) | bare_keys | quoted_keys, max_size=6, unique=True))
    header = [f"{key} = {draw(values)}" for key in keys]
    body = draw(st.lists(st.one_of(st.text(max_size=30), st.text(max_size=20).map(lambda t: "## " + t)), max_size=5))
    return "\n".join(["+++", *header, "+++", *body]) + "\n"


@FUZZ
@given(text=page_files())
@example(text=DEEP_HEADER)
@example(text='+++\nid = "p"\ntitle = "x"\nkind = "slide"\norder = ' + "9" * 5000 + "\n+++\n")
@example(text='+++\nid = "p"\ntitle = "' + "t" * 5000 + '"\nkind = "slide"\n+++\n')
@example(text='+++\nid = "p"\ntitle = "P"\nkind = "slide"\n"x\\ny\\u001b[31m" = 1\n+++\n')
def test_a_page_of_any_shape_is_read_or_named(tmp_path: Path, text: str) -> None:
    read_or_named(text, tmp_path / "p.md")


@FUZZ
@given(text=st.text(max_size=300))
@example(text="+++\nx = " + "{a = " * 3000 + "\n+++\n")
def test_any_text_is_read_or_named(tmp_path: Path, text: str) -> None:
    read_or_named(text, tmp_path / "p.md")


@FUZZ
@given(data=st.binary(max_size=300))
@example(data=b"+++\norder = 0x" + b"f" * 5000 + b"\n+++\n")
def test_any_bytes_are_read_or_named(tmp_path: Path, data: bytes) -> None:
    read_or_named(data, tmp_path / "p.md")


@FUZZ
@given(
    depth=st.integers(min_value=1, max_value=30_000),
    opener=st.sampled_from(["[", "{a = "]),
    key=st.sampled_from(["related", "title", "extra"]),
)
def test_a_header_nested_to_any_depth_is_read_or_named(tmp_path: Path, depth: int, opener: str, key: str) -> None:
    text = f'+++\nid = "p"\ntitle = "P"\nkind = "slide"\n{key} = {nested(depth, opener)}\n+++\n# Hello\n'
    read_or_named(text, tmp_path / "p.md")


def test_a_header_nested_thousands_deep_is_named_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "deep.md"

    assert read_or_named(DEEP_HEADER, path) == [
        Problem(
            path,
            5,
            "the metadata header is not valid TOML: tables or lists are nested too deeply to read; "
            "settings and page headers need only a few levels",
        )
    ]


def test_parse_page_text_takes_any_text(tmp_path: Path) -> None:
    with pytest.raises(PageParseError):
        parse_page_text("+++\na = " + "[" * 100_000 + "\n+++\n", tmp_path / "p.md", "en")


# --- One bad page among good ones ------------------------------------------------------------------------------


@pytest.fixture
def one_deep_page(valid_content: ContentTree) -> Path:
    """The valid content plus one English page whose header is nested thousands of levels deep."""
    return valid_content.write("en", "deep.md", DEEP_HEADER)


def test_the_catalog_leaves_the_bad_page_out_and_keeps_the_others(
    valid_content: ContentTree, one_deep_page: Path
) -> None:
    catalog = valid_content.load()

    assert sorted(catalog.pages["en"]) == ["back-pain", "leg-pain", "nerve-block", "slide-welcome"]
    assert [problem.path for problem in catalog.errors] == [one_deep_page]


def test_the_kiosk_starts_with_the_other_pages_and_logs_the_bad_one(
    valid_content: ContentTree, one_deep_page: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings_file = tmp_path / "kiosk.toml"
    settings_file.write_text(
        f'[languages]\nenabled = ["en", "es"]\n[content]\nfolder = "{valid_content.folder.as_posix()}"\n',
        encoding="utf-8",
    )

    with caplog.at_level(logging.WARNING):
        context = load_context(str(settings_file), open_database=False, kiosk=True)

    assert context.catalog.page("nerve-block", "en") is not None
    assert context.catalog.page("deep", "en") is None
    assert f"content problem: {one_deep_page}:5: the metadata header is not valid TOML" in caplog.text


def test_content_check_names_the_bad_page(
    valid_content: ContentTree, one_deep_page: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["content", "check", str(valid_content.folder)]) == 1

    out, err = capsys.readouterr()
    assert f"{one_deep_page}:5: the metadata header is not valid TOML: tables or lists are nested too deeply" in out
    assert "Traceback" not in out + err


def test_doctor_names_the_bad_page(
    valid_content: ContentTree,
    one_deep_page: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(qt_probe, "probe_qt", lambda: DESKTOP)
    settings_file = tmp_path / "kiosk.toml"
    settings_file.write_text(
        f'[languages]\nenabled = ["en", "es"]\n[content]\nfolder = "{valid_content.folder.as_posix()}"\n',
        encoding="utf-8",
    )

    main(["--config", str(settings_file), "doctor", "--json"])

    checks = {check["name"]: check for check in json.loads(capsys.readouterr().out)["checks"]}
    assert checks["content"]["status"] == "FAIL"
    assert f"first: {one_deep_page}:5: the metadata header is not valid TOML" in checks["content"]["message"]


# --- Whole content folders ---------------------------------------------------------------------------------------

_IDS = ["alpha", "beta", "gamma"]
_HEADER_VALUES = {
    "id": st.sampled_from(_IDS).map(json.dumps),
    "title": st.text(max_size=30).map(lambda text: json.dumps(text, ensure_ascii=False)),
    "kind": st.sampled_from(["procedure", "condition", "slide"]).map(json.dumps),
    "related": st.lists(st.sampled_from(_IDS), max_size=3).map(json.dumps),
    "related_section": st.integers(min_value=-1, max_value=60).map(str),
    "image": st.sampled_from(
        ["images/none.png", "", "\\u0000", "x" * 5000, "../../../etc/passwd", "~nosuch/x.png"]
    ).map(json.dumps),
    "reviewed": st.sampled_from(["2025-01-15", "0001-01-01", "9999-12-31"]),
    "duration": st.integers(min_value=0, max_value=100).map(str),
    "needs_clinical_review": st.sampled_from(["true", "false"]),
    "image_alt": st.text(max_size=30).map(lambda text: json.dumps(text, ensure_ascii=False)),
    "translated_from": st.sampled_from(['"0123456789ab"', '"nothex"', "1"]),
    "links": st.sampled_from(["[]", '[{section = 1, pages = ["beta"]}]', "[{section = 0, pages = []}]", '"x"']),
}
# What a word processor or a web page pastes into the Markdown: HTML, odd links, headings without their space.
_MARKUP = st.sampled_from(
    [
        "<br>",
        "<img src=x>",
        "<div>\n",
        "[a](beta)",
        "[b](https://example.org/\u00e9)",
        "[c](mailto:x@y)",
        "[d]()",
        "![](",
        "##Heading",
        "#Title",
        "\u201cquoted\u201d",
        "```",
        "| a | b |\n|---|---|",
        "> quote",
        "*",
        "[",
        "]",
    ]
)
_body_lines = st.one_of(
    st.text(max_size=30),
    st.text(max_size=20).map(lambda heading: "## " + heading),
    st.sampled_from(["x" * 5000, "\u0000", "a/b", "images/none.png", "~nosuch/x"]).map(lambda t: f"![a]({t})"),
    st.lists(st.one_of(_MARKUP, st.text(max_size=8)), max_size=6).map("".join),
)


@st.composite
def content_folders(draw: st.DrawFn) -> list[tuple[str, str, str]]:
    """(language, file name, text) for a few pages: headers mostly in shape, some values anything at all."""
    files = []
    for language in draw(st.lists(st.sampled_from(["en", "es"]), min_size=1, max_size=2, unique=True)):
        for page_id in draw(st.lists(st.sampled_from(_IDS), max_size=3, unique=True)):
            header = [
                f"{key} = {draw(strategy if draw(st.integers(0, 4)) else values)}"
                for key, strategy in _HEADER_VALUES.items()
                if draw(st.integers(0, 5))
            ]
            body = draw(st.lists(_body_lines, max_size=6))
            files.append((language, f"{page_id}.md", "\n".join(["+++", *header, "+++", *body]) + "\n"))
    return files


@FUZZ
@given(files=content_folders())
def test_a_content_folder_of_any_pages_loads_and_names_each_problem(files: list[tuple[str, str, str]]) -> None:
    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        for language, name, text in files:
            (folder / language).mkdir(exist_ok=True)
            (folder / language / name).write_text(text, encoding="utf-8", errors="surrogatepass")

        catalog = load_catalog(folder, ["en", "es"], "en")

        for problem in catalog.problems:
            assert problem.line >= 1 and folder in problem.path.parents
            str(problem).encode("utf-8")
        for language, pages in catalog.pages.items():
            assert {page.path.name for page in pages.values()} <= {name for lang, name, _ in files if lang == language}


@FUZZ
@given(text=st.lists(st.one_of(_MARKUP, st.text(max_size=12), st.just("\n")), max_size=30).map("".join))
def test_any_markdown_is_read_and_drawn_and_each_problem_has_its_line(text: str) -> None:
    markup = read_markup(text, 10)

    html = to_html(markup, "Scan")
    last = 10 + max(0, len(text.splitlines()) - 1)
    for finding in markup.findings:
        assert 10 <= finding.line <= last and "\n" not in finding.message
    assert "<a " not in html and 'href="' not in html  # nothing on screen looks like a link and does nothing


def test_a_page_naming_an_impossible_image_is_named_and_kept(valid_content: ContentTree) -> None:
    path = valid_content.page("en", "odd", extra='image = "a\\u0000b"')
    valid_content.page("es", "odd")

    catalog = valid_content.load()

    assert catalog.page("odd", "en") is not None
    assert any(problem.path == path and "image 'a\\x00b' is missing" in problem.message for problem in catalog.errors)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a POSIX thing")
def test_a_pipe_or_a_folder_named_like_a_page_is_named_and_the_others_load(valid_content: ContentTree) -> None:
    pipe = valid_content.folder / "en" / "waiting.md"
    os.mkfifo(pipe)  # reading it would wait for a writer for ever
    folder = valid_content.folder / "en" / "folder.md"
    folder.mkdir()

    catalog = valid_content.load()

    assert sorted(catalog.pages["en"]) == ["back-pain", "leg-pain", "nerve-block", "slide-welcome"]
    assert {problem.path for problem in catalog.errors} == {pipe, folder}
