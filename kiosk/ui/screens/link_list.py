"""A bulleted list of page links in a section's text becomes the section's cards, so no list is shown twice.

An author writes "- **[Sacroiliitis](sacroiliitis):** one or both SI joints are swollen." and the page ends the
section with a card for each linked page. Shown both ways, a patient read the same six conditions twice: once as
words they could not tap, then as cards. The list leaves the text and each card carries the item's own words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markdown_it.token import Token

from kiosk.content.markup import Link, read_markup

# Marks that may wrap an item's link (bold or italic names) without being part of its words.
_WRAPPERS = {"strong_open", "strong_close", "em_open", "em_close"}
# What may sit between a name and its description: "Name: words", "Name — words".
_SEPARATORS = " :;,.-\u2013\u2014\u00a0"  # and the en and em dashes


@dataclass(frozen=True)
class LiftedList:
    markdown: str  # the section's text without the list
    descriptions: dict[str, str]  # page id -> the item's words after its link ("" when it had none)


def lift_link_lists(markdown: str) -> LiftedList:
    """Take out every top-level bulleted list whose items each start with a link to a page."""
    tokens = read_markup(markdown).tokens
    lines = markdown.splitlines()
    cut: list[tuple[int, int]] = []
    descriptions: dict[str, str] = {}
    for index, token in enumerate(tokens):
        if token.type != "bullet_list_open" or token.level != 0 or token.map is None:
            continue
        items = _items(tokens, index)
        found = [_linked_item(inline) for inline in items]
        if not items or any(item is None for item in found):
            continue  # a list that also says other things stays as the author wrote it
        cut.append((token.map[0], token.map[1]))
        for item in found:
            assert item is not None
            descriptions.setdefault(item[0], item[1])
    if not cut:
        return LiftedList(markdown, {})
    dropped = {number for start, end in cut for number in range(start, end)}
    kept = [line for number, line in enumerate(lines) if number not in dropped]
    return LiftedList("\n".join(kept).strip("\n"), descriptions)


def _items(tokens: Sequence[Token], start: int) -> list[Token]:
    """The inline token of each item's first paragraph in the list opened at `start`."""
    level = tokens[start].level
    inlines: list[Token] = []
    awaiting = False
    for token in tokens[start + 1 :]:
        if token.type == "bullet_list_close" and token.level == level:
            break
        if token.type == "list_item_open" and token.level == level + 1:
            awaiting = True
        elif awaiting and token.type == "inline":
            inlines.append(token)
            awaiting = False
    return inlines


def _linked_item(inline: Token) -> tuple[str, str] | None:
    """(page id, the words after the link) when the item starts with a link to a page, else None."""
    # markdown-it leaves an empty text token before a bold opening: not words.
    children = [
        child
        for child in inline.children or ()
        if child.type not in _WRAPPERS and not (child.type == "text" and not child.content.strip())
    ]
    if not children or children[0].type != "link_open":
        return None
    link = Link("", str(children[0].attrs.get("href", "")), 0)
    if not link.is_page:
        return None
    closing = next((n for n, child in enumerate(children) if child.type == "link_close"), len(children))
    words = "".join(" " if child.type in ("softbreak", "hardbreak") else child.content for child in children[closing:])
    words = " ".join(words.split()).lstrip(_SEPARATORS)
    return link.target, words[:1].upper() + words[1:]
