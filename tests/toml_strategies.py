"""Hypothesis strategies for TOML as people (and broken disks) write it: every type, odd text, deep nesting."""

from __future__ import annotations

import json

from hypothesis import strategies as st

# json.dumps writes a TOML basic string for most text; what it gets wrong is itself a test of the loader.
_strings = st.text(max_size=40).map(lambda text: json.dumps(text, ensure_ascii=False))
_odd_strings = st.sampled_from(
    [
        *['"\\u0000"', '"\\ud800"', '"a\\u0000b"', '"~nosuchuser/x"', '"~"', '"/dev/null"', '"/proc/1/mem"', '"."'],
        *[
            '""',
            '"' + "x" * 5000 + '"',
            '"\u202e\u200b\ufeff"',
            '"sqlite:///\\u0000"',
            '"postgresql+psycopg://u:p@[::1"',
        ],
    ]
)
_integers = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.integers(min_value=19, max_value=6000).map(lambda digits: "9" * digits),
    st.integers(min_value=17, max_value=3000).map(lambda digits: "0x" + "f" * digits),
    st.sampled_from(["0", "-1", "+0", "1_000", "0o777", "0b1"]),
)
_floats = st.floats().map(repr)  # inf and nan are TOML too
_dates = st.one_of(
    st.dates().map(lambda day: day.isoformat()),
    st.datetimes().map(lambda moment: moment.isoformat()),
    st.sampled_from(["0001-01-01", "9999-12-31", "9999-12-31T23:59:59Z", "0000-01-01", "2024-02-30", "25:00:00"]),
)
_scalars = st.one_of(_strings, _odd_strings, _integers, _floats, _dates, st.sampled_from(["true", "false"]))
bare_keys = st.from_regex(r"[A-Za-z0-9_-]{1,12}", fullmatch=True)
# A quoted key can hold anything a string can: spaces, line breaks, terminal escapes.
quoted_keys = st.one_of(st.text(max_size=12), st.sampled_from(["a\nb", "\x1b[31mred", " "])).map(
    lambda key: json.dumps(key, ensure_ascii=False)
)
values = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4).map(lambda items: "[" + ", ".join(items) + "]"),
        st.dictionaries(bare_keys, inner, max_size=3).map(
            lambda table: "{" + ", ".join(f"{key} = {value}" for key, value in table.items()) + "}"
        ),
    ),
    max_leaves=8,
)


def nested(depth: int, opener: str) -> str:
    """A value nested `depth` levels deep in lists ("[") or inline tables ("{a = ")."""
    closer = {"[": "]", "{a = ": "}"}[opener]
    return opener * depth + "1" + closer * depth
