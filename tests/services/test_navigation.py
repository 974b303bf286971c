"""Where a patient is, and where Back, Home and the idle reset take them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.services.navigation import ATTRACT, FORM_SCREENS, HOME, Navigator, Route, Screen

PROCEDURES = Route(Screen.PROCEDURES)


def procedure(page_id: str = "si-joint-injection", section: int = 0) -> Route:
    return Route(Screen.PROCEDURE, page_id, section)


def condition(page_id: str = "sacroiliitis", section: int = 0) -> Route:
    return Route(Screen.CONDITION, page_id, section)


def heard(navigator: Navigator) -> list[Route]:
    routes: list[Route] = []
    navigator.subscribe(routes.append)
    return routes


def visit(navigator: Navigator, *routes: Route) -> None:
    for route in routes:
        navigator.go(route)


def test_the_kiosk_starts_on_the_attract_loop_with_nothing_to_go_back_to() -> None:
    navigator = Navigator()

    assert navigator.current == ATTRACT
    assert not navigator.can_go_back


def test_back_walks_the_visit_in_reverse() -> None:
    navigator = Navigator()
    visit(navigator, HOME, PROCEDURES, procedure(), condition())

    navigator.back()
    assert navigator.current == procedure()
    navigator.back()
    assert navigator.current == PROCEDURES
    navigator.back()
    assert navigator.current == HOME
    assert not navigator.can_go_back


def test_back_from_home_stays_home_and_never_shows_the_attract_loop() -> None:
    navigator = Navigator()
    navigator.home()

    navigator.back()

    assert navigator.current == HOME


def test_back_from_the_first_screen_after_attract_does_nothing() -> None:
    navigator = Navigator()
    navigator.go(procedure())  # a slide may lead straight to a page

    navigator.back()

    assert navigator.current == procedure()


def test_home_forgets_the_visit_so_back_cannot_return_into_it() -> None:
    navigator = Navigator()
    visit(navigator, HOME, PROCEDURES, procedure(), condition())

    navigator.home()

    assert navigator.current == HOME
    assert not navigator.can_go_back


def test_another_section_of_the_same_page_replaces_it_so_back_leaves_the_page() -> None:
    navigator = Navigator()
    visit(navigator, HOME, PROCEDURES, procedure(section=0), procedure(section=2), procedure(section=4))

    assert navigator.current == procedure(section=4)
    navigator.back()

    assert navigator.current == PROCEDURES


def test_the_same_section_of_another_page_is_a_new_step() -> None:
    navigator = Navigator()
    visit(navigator, HOME, condition("sacroiliitis"), condition("after-spine-surgery"))

    navigator.back()

    assert navigator.current == condition("sacroiliitis")


def test_the_idle_reset_returns_to_the_attract_loop_and_forgets_the_visit() -> None:
    navigator = Navigator()
    visit(navigator, HOME, PROCEDURES, procedure())

    navigator.reset()

    assert navigator.current == ATTRACT
    assert not navigator.can_go_back
    navigator.go(procedure())
    navigator.back()
    assert navigator.current == procedure()


def test_going_to_attract_is_the_same_as_a_reset() -> None:
    navigator = Navigator()
    visit(navigator, HOME, PROCEDURES, ATTRACT, HOME)

    assert not navigator.can_go_back


def test_listeners_hear_every_change_in_order() -> None:
    navigator = Navigator()
    routes = heard(navigator)

    visit(navigator, HOME, PROCEDURES, procedure(), procedure(section=1))
    navigator.back()
    navigator.home()
    navigator.reset()

    assert routes == [HOME, PROCEDURES, procedure(), procedure(section=1), PROCEDURES, HOME, ATTRACT]


def test_every_listener_is_told() -> None:
    navigator = Navigator()
    first, second = heard(navigator), heard(navigator)

    navigator.home()

    assert first == second == [HOME]


def test_staying_put_or_an_impossible_back_tells_no_one() -> None:
    navigator = Navigator()
    routes = heard(navigator)
    navigator.home()

    navigator.go(HOME)
    navigator.back()
    navigator.home()

    assert routes == [HOME]


# --- Route names, as `kiosk screenshot --screen` spells them ---------------------------------------


@pytest.mark.parametrize(
    ("name", "route"),
    [
        ("attract", ATTRACT),
        ("home", HOME),
        ("follow-up", Route(Screen.FOLLOW_UP)),
        ("procedure/si-joint-injection", procedure()),
        ("procedure/x/3", Route(Screen.PROCEDURE, "x", 2)),
        ("condition/sacroiliitis/1", condition()),
    ],
)
def test_a_route_name_is_read_with_sections_counted_from_one(name: str, route: Route) -> None:
    assert Route.parse(name) == route


def test_the_first_section_is_left_out_of_a_route_name() -> None:
    assert procedure(section=0).name == "procedure/si-joint-injection"
    assert procedure(section=2).name == "procedure/si-joint-injection/3"


def test_an_unknown_screen_is_refused() -> None:
    with pytest.raises(ValueError, match="'settings' is not a valid Screen"):
        Route.parse("settings")


page_ids = st.from_regex(r"[a-z0-9]+(-[a-z0-9]+)*", fullmatch=True)
PAGE_SCREENS = [screen for screen in Screen if screen not in FORM_SCREENS]
routes = st.one_of(
    st.builds(Route, st.sampled_from(Screen)),
    st.builds(Route, st.sampled_from(PAGE_SCREENS), page_ids, st.integers(min_value=0, max_value=10_000)),
    # Forms have no page, only a step: appointment/3.
    st.builds(Route, st.sampled_from(sorted(FORM_SCREENS)), st.none(), st.integers(min_value=0, max_value=50)),
)


@given(routes)
def test_a_route_name_reads_back_as_the_same_route(route: Route) -> None:
    assert Route.parse(route.name) == route


@given(routes)
def test_a_route_name_is_stable(route: Route) -> None:
    assert Route.parse(route.name).name == route.name


steps = st.lists(
    st.one_of(
        routes.map(lambda route: ("go", route)),
        st.sampled_from([("back", None), ("home", None), ("reset", None)]),
    ),
    max_size=30,
)


@given(steps)
def test_no_sequence_of_taps_lets_back_reach_the_attract_loop(
    sequence: list[tuple[str, Route | None]],
) -> None:
    navigator = Navigator()
    routes_heard = heard(navigator)
    for action, route in sequence:
        before = navigator.current
        if action == "go":
            assert route is not None
            navigator.go(route)
        elif action == "back":
            navigator.back()
            assert navigator.current != ATTRACT or before == ATTRACT
        elif action == "home":
            navigator.home()
            assert navigator.current == HOME
        else:
            navigator.reset()
            assert navigator.current == ATTRACT
        if navigator.current != before:
            assert routes_heard[-1] == navigator.current
