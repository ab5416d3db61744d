"""What stands behind a computed value, as links for the indicator page.

An app above metrics that computes values (the registry's counts: stiplan.registry.indicators)
keeps in each value's provenance the ids and codes of its rows, under `"feed": <name>`, and
registers here, in its AppConfig.ready, a function that turns those provenances into links the
reader may follow. metrics never imports that app: the page asks this table.

A linker is called once per page with every value of its feed and the reader, and answers, per
value id, a `Behind`: the links to rows the reader may see, and how many other rows are behind
the value (counted, never named).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Link:
    url: str
    label: str


@dataclass(frozen=True)
class Behind:
    """What the page says about the rows behind one value: a heading (in the page's language),
    the links the reader may follow, and a sentence counting the rows they may not see."""

    heading: str
    links: list[Link] = field(default_factory=list)
    hidden: int = 0
    hidden_text: str = ""


Linker = Callable[[list, object], dict[int, Behind]]
_LINKERS: dict[str, Linker] = {}


def register(feed: str, linker: Linker) -> None:
    """`linker(values, user) → {value id: Behind}` for the values whose provenance names `feed`."""
    _LINKERS[feed] = linker


def behind(values: Iterable, user) -> dict[int, Behind]:
    """The rows behind each value fed by a registered app, for `user`: one call per feed."""
    by_feed: dict[str, list] = {}
    for value in values:
        feed = (value.provenance or {}).get("feed") if isinstance(value.provenance, dict) else None
        if feed in _LINKERS:
            by_feed.setdefault(feed, []).append(value)
    found: dict[int, Behind] = {}
    for feed, fed in by_feed.items():
        found.update(_LINKERS[feed](fed, user))
    return found
