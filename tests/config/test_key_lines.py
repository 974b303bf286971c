"""The line finder behind settings errors finds each key where it is written, in any layout TOML allows."""

from __future__ import annotations

import os
import tomllib

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from kiosk.config.key_lines import key_lines
from tests.toml_strategies import bare_keys, quoted_keys, values

literal_keys = st.text(st.characters(blacklist_characters="'\n\r", blacklist_categories=["Cs", "Cc"]), max_size=8).map(
    lambda key: f"'{key}'"
)
keys = st.lists(st.one_of(bare_keys, quoted_keys, literal_keys), min_size=1, max_size=3)
# Values that span lines, or hold text that looks like a key or a table header.
tricky_values = st.sampled_from(
    [
        '"""\nname = 1\n[idle]\n"""',
        "'''\n[clinic]\nphone = 2\n'''",
        '"""a \\""" [x] = 1"""',
        '""""quoted""""',
        "[\n  1, # a = 2\n  2,\n]",
        '[\n  "[x]",\n  { a = 1 },\n]',
        '"# not a comment"',
        '{ a = "b = c", d = [1, 2] }',
    ]
)
spacing = st.sampled_from(["", " ", "  ", "\t"])
between = st.sampled_from(["", "# a comment", "   ", "# [commented.out]", "#key = 1"])


def key_name(token: str) -> str:
    try:
        return str(tomllib.loads(f"[t]\n{token} = 1")["t"].popitem()[0])
    except tomllib.TOMLDecodeError:  # a quoted key holding a character TOML refuses (DEL, say): not a key
        assume(False)
        raise


@st.composite
def documents(draw: st.DrawFn) -> tuple[str, dict[tuple[str, ...], int]]:
    """A TOML text and, for each table header and key written, the 1-based line that first writes it."""
    lines: list[str] = []
    expected: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    for _ in range(draw(st.integers(1, 8))):
        lines += draw(st.lists(between, max_size=2))
        tokens = draw(keys)
        name = tuple(key_name(token) for token in tokens)
        written = f"{draw(spacing)}.{draw(spacing)}".join(tokens)
        number = len(lines) + 1
        if draw(st.booleans()):
            table, full = name, name
            lines.append(f"{draw(spacing)}[{draw(spacing)}{written}{draw(spacing)}]{draw(spacing)}")
        else:
            full = table + name
            value = draw(st.one_of(values, tricky_values))
            lines += f"{draw(spacing)}{written}{draw(spacing)}={draw(spacing)}{value}".split("\n")
        for length in range(1, len(full) + 1):  # a dotted name also writes the tables it goes through
            expected.setdefault(full[:length], number)
    return "\n".join(lines) + "\n", expected


@settings(
    max_examples=int(os.environ.get("KIOSK_FUZZ_EXAMPLES", "200")),
    deadline=None,
    derandomize="KIOSK_FUZZ_EXAMPLES" not in os.environ,
    suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow],
)
@given(document=documents())
def test_every_table_and_key_is_found_on_the_line_that_writes_it(
    document: tuple[str, dict[tuple[str, ...], int]],
) -> None:
    text, expected = document
    try:
        tomllib.loads(text)
    except (tomllib.TOMLDecodeError, ValueError, RecursionError):
        assume(False)  # the finder only ever reads a file tomllib accepted

    found = key_lines(text)

    for name, line in expected.items():
        assert found.get(name) == line, (name, text)


def test_windows_line_ends_count_as_one_line() -> None:
    text = '[clinic]\r\nname = "a"\r\n\r\n[clinic.hours]\r\nmonday = "closed"\r\n'

    assert key_lines(text)[("clinic", "hours", "monday")] == 5
