"""Lineage of organisation units across reorganisations (sáp nhập, chia tách, giải thể).

A unit is valid on [valid_from, valid_to]. Links say that on some date a unit's duties went to
another unit: merge, split, rename or abolition (to the units that take over), or a transfer of
one named function (chuyển giao chức năng) while the rest goes elsewhere.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

TRANSFER = "transfer"


@dataclass(frozen=True)
class UnitSpan:
    code: str
    valid_from: date
    valid_to: date | None = None

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True)
class Link:
    source: str
    target: str
    on: date
    kind: str
    function: str = ""


class Lineage:
    """The graph of units and links, with the questions the plan needs answered."""

    def __init__(self, units: list[UnitSpan], links: list[Link]):
        self.units = {u.code: u for u in units}
        self.forward: dict[str, list[Link]] = defaultdict(list)
        self.backward: dict[str, list[Link]] = defaultdict(list)
        for link in sorted(links, key=lambda k: (k.on, k.source, k.target)):
            self.forward[link.source].append(link)
            self.backward[link.target].append(link)

    def valid_on(self, day: date) -> list[str]:
        return sorted(c for c, u in self.units.items() if u.valid_on(day))

    def successors(self, code: str, day: date, function: str = "") -> list[str]:
        """The units that hold `code`'s duties (or its `function`) on `day`, in link order."""
        return self._successors(code, day, function, frozenset())

    def _successors(self, code: str, day: date, function: str, seen: frozenset) -> list[str]:
        unit = self.units.get(code)
        if unit is None or code in seen:
            return []
        if unit.valid_on(day):
            return [code]
        if day < unit.valid_from:
            return []
        links = [k for k in self.forward[code] if k.on <= day]
        chosen = [k for k in links if function and k.kind == TRANSFER and k.function == function]
        if not chosen:
            chosen = [k for k in links if k.kind != TRANSFER]
        out: list[str] = []
        for link in chosen:
            for succ in self._successors(link.target, day, function, seen | {code}):
                if succ not in out:
                    out.append(succ)
        return out

    def predecessors(self, code: str) -> list[str]:
        """Every unit whose duties flowed, wholly or partly, into `code` (transfers excluded)."""
        out: list[str] = []
        stack = [code]
        while stack:
            current = stack.pop()
            for link in self.backward[current]:
                if link.kind != TRANSFER and link.source not in out and link.source != code:
                    out.append(link.source)
                    stack.append(link.source)
        return out

    def history(self, code: str) -> list[Link]:
        """Links into and out of `code`, oldest first."""
        return sorted(self.backward[code] + self.forward[code], key=lambda k: (k.on, k.source))
