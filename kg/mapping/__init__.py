"""Mentions -> triples. The only code that writes RDF terms; IRIs come from :mod:`kg.iris`.

One mapper per mention kind, in one explicit table (``MAPPERS``); each is a
plain function ``(ctx, mention) -> Iterable[Triple]``.
"""
from __future__ import annotations

from typing import Callable, Iterable, Iterator

from pyoxigraph import Triple

from kg.mapping.context import ArticleContext, Resolver
from kg.mapping.core import article_triples, map_organization, map_person
from kg.mention import Mention

Mapper = Callable[[ArticleContext, Mention], Iterable[Triple]]

MAPPERS: dict[str, Mapper] = {
    "organization": map_organization,
    "person": map_person,
}


def triples_for_article(ctx: ArticleContext, mentions: list[Mention]) -> Iterator[Triple]:
    yield from article_triples(ctx)
    for mention in mentions:
        mapper = MAPPERS.get(mention.kind)
        if mapper is not None:
            yield from mapper(ctx, mention)
    yield from ctx.sentence_triples()


__all__ = ["ArticleContext", "Resolver", "MAPPERS", "triples_for_article"]
