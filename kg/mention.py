"""What extractors find: a frozen, picklable record per mention (cf. textacy/spaCy spans).

Extractors find, the mapping writes: an extractor returns mentions and never
builds triples or IRIs; :mod:`kg.mapping` turns mentions into RDF.
"""
from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any, Iterable


@dataclass(frozen=True)
class Mention:
    kind: str  # organization, person, date, duration, money, quantity, incident, remedy, sanction, event
    start: int  # character offsets in Article.body
    end: int
    surface: str  # the text as written, body[start:end]
    value: Any  # kind-specific and hashable (an org key, a number, a resolved date ...)
    rule: str  # id of the resource rule that matched
    attrs: tuple[tuple[str, Any], ...] = field(default=())  # further kind-specific facts, sorted by name

    def get(self, name: str, default: Any = None) -> Any:
        for key, value in self.attrs:
            if key == name:
                return value
        return default

    def attr_map(self) -> dict[str, Any]:
        """The attrs as a dict, each name with the value :meth:`get` reads: for code that reads several
        (one dict, then look-ups, took half the time of five ``get``)."""
        return dict(reversed(self.attrs))

    @property
    def key(self) -> tuple[str, int, int]:
        """Identifies the mention within its article."""
        return (self.kind, self.start, self.end)


def make_attrs(**values: Any) -> tuple[tuple[str, Any], ...]:
    """Attributes in a stable order, with ``None`` values left out."""
    return tuple(sorted((k, v) for k, v in values.items() if v is not None))


_TEXT_ORDER = attrgetter("start", "end", "kind")


class Found:
    """The mentions found so far in one article, by kind; later extractors read earlier ones."""

    def __init__(self, mentions: Iterable[Mention] = ()):
        self._by_kind: dict[str, list[Mention]] = {}
        self._sorted: dict[tuple[str, ...], list[Mention]] = {}
        self._starts: dict[tuple[str, ...], list[int]] = {}
        self.extend(mentions)

    def extend(self, mentions: Iterable[Mention]) -> None:
        added = set()
        for m in mentions:
            self._by_kind.setdefault(m.kind, []).append(m)
            added.add(m.kind)
        # forget only the sorted lists that now miss something: later extractors read earlier kinds
        for kinds in [k for k in self._sorted if added.intersection(k)]:
            del self._sorted[kinds]
            self._starts.pop(kinds, None)

    def of(self, *kinds: str) -> list[Mention]:
        """Mentions of these kinds in text order (sorted once per kinds until more are added; do not mutate)."""
        found = self._sorted.get(kinds)
        if found is None:
            found = sorted((m for k in kinds for m in self._by_kind.get(k, ())), key=_TEXT_ORDER)
            self._sorted[kinds] = found
        return found

    def starting_in(self, start: int, end: int, *kinds: str) -> list[Mention]:
        """Mentions of these kinds that start in ``[start, end)``, in text order.

        The same as filtering :meth:`of` by ``start <= m.start < end``, found by
        bisection: the story extractors ask this once per sentence or clause.
        """
        found = self.of(*kinds)
        starts = self._starts.get(kinds)
        if starts is None:
            starts = self._starts[kinds] = [m.start for m in found]
        return found[bisect_left(starts, start):bisect_left(starts, end)]

    def count(self, kind: str) -> int:
        return len(self._by_kind.get(kind, ()))

    def all(self) -> list[Mention]:
        return self.of(*sorted(self._by_kind))
