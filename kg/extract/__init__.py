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

Extractor = Callable[[Article, Found], list[Mention]]

EXTRACTORS: list[tuple[str, Extractor]] = [
    ("organizations", extract_organizations),
    ("persons", extract_persons),
]


def extract_article(article: Article) -> list[Mention]:
    """Every mention in one article, in text order."""
    found = Found()
    for _name, extractor in EXTRACTORS:
        found.extend(extractor(article, found))
    return found.all()
