"""What extractors find: a frozen, picklable record per mention (cf. textacy/spaCy spans).

Extractors find, the mapping writes: an extractor returns mentions and never
builds triples or IRIs; :mod:`kg.mapping` turns mentions into RDF.
"""
from __future__ import annotations

from dataclasses import dataclass, field
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

    @property
    def key(self) -> tuple[str, int, int]:
        """Identifies the mention within its article."""
        return (self.kind, self.start, self.end)


def make_attrs(**values: Any) -> tuple[tuple[str, Any], ...]:
    """Attributes in a stable order, with ``None`` values left out."""
    return tuple(sorted((k, v) for k, v in values.items() if v is not None))


class Found:
    """The mentions found so far in one article, by kind; later extractors read earlier ones."""

    def __init__(self, mentions: Iterable[Mention] = ()):
        self._by_kind: dict[str, list[Mention]] = {}
        self._sorted: dict[tuple[str, ...], list[Mention]] = {}
        self.extend(mentions)

    def extend(self, mentions: Iterable[Mention]) -> None:
        for m in mentions:
            self._by_kind.setdefault(m.kind, []).append(m)
        self._sorted.clear()

    def of(self, *kinds: str) -> list[Mention]:
        """Mentions of these kinds in text order (sorted once per kinds until more are added; do not mutate)."""
        found = self._sorted.get(kinds)
        if found is None:
            found = sorted((m for k in kinds for m in self._by_kind.get(k, ())), key=lambda m: (m.start, m.end, m.kind))
            self._sorted[kinds] = found
        return found

    def all(self) -> list[Mention]:
        return self.of(*sorted(self._by_kind))
