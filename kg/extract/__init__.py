"""The extractors, in the order they run: each is a plain function
``(article, found) -> list[Mention]`` and may read what earlier ones found.

One explicit registry (cf. pySHACL's ALL_CONSTRAINT_COMPONENTS): nothing
registers itself by being imported.
"""
from __future__ import annotations

from typing import Callable

from kg.ingest import Article
from kg.mention import Found, Mention
from kg.extract.organizations import extract_organizations
from kg.extract.persons import extract_persons
from kg.extract.incidents import extract_figures, extract_incidents
from kg.extract.remedies import extract_remedies
from kg.extract.sanctions import extract_sanctions
from kg.extract.events import extract_events
from kg.extract.temporal import extract_temporal
from kg.extract.numbers import extract_numbers

Extractor = Callable[[Article, Found], list[Mention]]

EXTRACTORS: list[tuple[str, Extractor]] = [
    ("organizations", extract_organizations),
    ("persons", extract_persons),
    ("temporal", extract_temporal),  # kinds date, duration (see kg/extract/temporal.py)
    ("numbers", extract_numbers),  # kinds money, quantity; skips spans read as dates
    # the story (issue 4): after dates, durations, money and quantities, which they read
    ("incidents", extract_incidents),
    ("remedies", extract_remedies),
    ("sanctions", extract_sanctions),
    ("events", extract_events),
    ("figures", extract_figures),
]


def extract_article(article: Article) -> list[Mention]:
    """Every mention in one article, in text order."""
    found = Found()
    for _name, extractor in EXTRACTORS:
        found.extend(extractor(article, found))
    return found.all()
