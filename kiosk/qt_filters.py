"""One rule for every Qt event filter written in Python: a filter whose Python half is gone lets events pass.

Why: when Python's cycle collector frees a window (a console or screen dropped without being closed, then a
`gc.collect()`), it first clears the attributes of every object in the cycle, the window's filters included,
and only then deletes the C++ window. Deleting it sends events (hide, child removed, destroy) to every
application-wide filter, among them the cleared ones, which still exist in C++ and still run their Python
`eventFilter`: each call raised AttributeError ("'IdleLock' object has no attribute 'timer'") on the Qt
event loop. A filter with no attributes left has nothing to decide, so it lets the event through unchanged.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

_Filter = TypeVar("_Filter", bound=Callable[..., bool])


def teardown_safe(event_filter: _Filter) -> _Filter:
    """Decorate an `eventFilter` override: it runs only while its object still has its attributes."""

    @functools.wraps(event_filter)
    def guarded(self: Any, watched: Any, event: Any) -> bool:
        if not vars(self):  # cleared by the cycle collector while Qt still delivers events
            return False
        return event_filter(self, watched, event)

    return guarded  # type: ignore[return-value]
