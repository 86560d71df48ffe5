"""Mentions -> triples. The only code that writes RDF terms; IRIs come from :mod:`kg.iris`.

One mapper per mention kind, in one explicit table (``MAPPERS``); each is a
plain function ``(ctx, mention) -> Iterable[TextTriple]``: triples made as their
N-Triples terms (see kg.mapping.context), since they are only ever written out;
``as_terms`` reads one as pyoxigraph terms (the Python API, tests).
"""
from __future__ import annotations

from itertools import chain
from typing import Callable, Iterable, Iterator


from kg.mapping.context import ArticleContext, Resolver, TextTriple
from kg.mapping.core import article_triples, map_organization, map_person
from kg.mapping.figures import map_date, map_duration, map_money, map_quantity
from kg.mapping.story import map_event, map_figure, map_incident, map_remedy, map_sanction
from kg.mention import Mention

Mapper = Callable[[ArticleContext, Mention], Iterable[TextTriple]]

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


def triples_for_article(ctx: ArticleContext, mentions: list[Mention]) -> Iterator[TextTriple]:
    """Everything one article says: its node, every mention's triples and the sentences they cite
    (``sentence_triples`` starts once the mentions are mapped, which cite them)."""
    return chain(article_triples(ctx), mapped(ctx, mentions), ctx.sentence_triples())


def local_triples(ctx: ArticleContext, mentions: list[Mention]) -> Iterator[TextTriple]:
    """What an article says without the story mentions (those need the whole build; see kg.render)."""
    return triples_for_article(ctx, mentions)


def story_triples(ctx: ArticleContext, mentions: list[Mention]) -> Iterator[TextTriple]:
    """The story mentions' triples, and the sentences they cite that ``ctx.article.sentences`` holds
    (an :class:`kg.render.ArticleStub` holds only those no local mention cites)."""
    return chain(mapped(ctx, mentions), ctx.sentence_triples(only=ctx.article.sentences.keys()))


def mapped(ctx: ArticleContext, mentions: list[Mention]) -> Iterator[TextTriple]:
    """Every mention's triples, chained in C: an article has ~600, and each generator they pass through
    costs a resume per triple."""
    return chain.from_iterable(MAPPERS[m.kind](ctx, m) for m in mentions if m.kind in MAPPERS)


__all__ = ["ArticleContext", "Resolver", "MAPPERS", "triples_for_article", "local_triples", "story_triples"]
