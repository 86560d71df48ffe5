"""Mentions -> triples. The only code that writes RDF terms; IRIs come from :mod:`kg.iris`.

One mapper per mention kind, in one explicit table (``MAPPERS``); each is a
plain function ``(ctx, mention) -> Iterable[Triple]``.
"""
from __future__ import annotations

from typing import Callable, Iterable, Iterator

from pyoxigraph import Triple

from kg.mapping.context import ArticleContext, Resolver
from kg.mapping.core import article_triples, map_organization, map_person
from kg.mapping.figures import map_date, map_duration, map_money, map_quantity
from kg.mapping.story import map_event, map_figure, map_incident, map_remedy, map_sanction
from kg.mention import Mention

Mapper = Callable[[ArticleContext, Mention], Iterable[Triple]]

MAPPERS: dict[str, Mapper] = {
    "organization": map_organization,
    "person": map_person,
    "date": map_date,
    "duration": map_duration,
    "money": map_money,
    "quantity": map_quantity,
    "incident": map_incident,
    "remedy": map_remedy,
    "sanction": map_sanction,
    "event": map_event,
    "figure": map_figure,
}


def triples_for_article(ctx: ArticleContext, mentions: list[Mention]) -> Iterator[Triple]:
    yield from article_triples(ctx)
    for mention in mentions:
        mapper = MAPPERS.get(mention.kind)
        if mapper is not None:
            yield from mapper(ctx, mention)
    yield from ctx.sentence_triples()


__all__ = ["ArticleContext", "Resolver", "MAPPERS", "triples_for_article"]
