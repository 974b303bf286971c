"""A bulleted list of page links leaves the text for the section's cards, carrying each item's words."""

from __future__ import annotations

from kiosk.ui.screens.link_list import lift_link_lists

TEXT = """Your doctor may suggest this for pain caused by:

- **[Sacroiliitis](sacroiliitis):** one or both SI joints are swollen.
- [Pelvic pain in pregnancy](pregnancy-pelvic-pain) — changes in the body
  strain the joints.
- *[After spine surgery](after-spine-surgery)*

You can read more about each one on its own page."""


def test_a_list_of_page_links_leaves_the_text_and_gives_each_card_its_words() -> None:
    lifted = lift_link_lists(TEXT)
    assert lifted.markdown == (
        "Your doctor may suggest this for pain caused by:\n\nYou can read more about each one on its own page."
    )
    assert lifted.descriptions == {
        "sacroiliitis": "One or both SI joints are swollen.",
        "pregnancy-pelvic-pain": "Changes in the body strain the joints.",
        "after-spine-surgery": "",
    }


def test_a_list_that_also_says_other_things_stays_as_written() -> None:
    mixed = "- [Sacroiliitis](sacroiliitis): swollen joints.\n- Rest for a day after the injection."
    assert lift_link_lists(mixed).markdown == mixed and lift_link_lists(mixed).descriptions == {}


def test_web_links_and_links_later_in_an_item_are_not_page_cards() -> None:
    text = "- [Our leaflet](https://clinic.example.org/rfa)\n- Read about [sacroiliitis](sacroiliitis) first."
    assert lift_link_lists(text).descriptions == {}
