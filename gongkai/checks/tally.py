"""Counting things by kind (计数): findings by severity, events by status."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from enum import Enum
from typing import TypeVar

Item = TypeVar("Item")
Kind = TypeVar("Kind", bound=Enum)


def tally(
    items: Iterable[Item], kind_of: Callable[[Item], Kind], kinds: type[Kind]
) -> dict[Kind, int]:
    """How many ``items`` there are of each kind, every kind listed (zero included).

    >>> from enum import Enum
    >>> class Colour(Enum):
    ...     RED = 1
    ...     BLUE = 2
    >>> tally(["a", "b", "c"], lambda s: Colour.RED if s == "a" else Colour.BLUE, Colour)
    {<Colour.RED: 1>: 1, <Colour.BLUE: 2>: 2}
    """
    counted = dict.fromkeys(kinds, 0)
    for item in items:
        counted[kind_of(item)] += 1
    return counted
