"""Dates, durations, money and quantities: one node per mention, with how it was read.

- ``date`` -> ``a tikg:TemporalExpression``; ``tikg:dateValue`` typed by
  granularity (xsd:date / xsd:gYearMonth / xsd:gYear), ``tikg:anchorDate``,
  ``tikg:granularity``, ``tikg:dateModifier`` where vague. A vague expression
  without a value gets no ``dateValue`` (the scorer counts every date literal).
- ``duration`` -> ``a tikg:DurationExpression``; ``schema:duration`` (xsd:duration).
- ``money`` -> ``a schema:MonetaryAmount``; ``schema:value`` (integer won),
  ``schema:currency "KRW"``.
- ``quantity`` -> ``a schema:QuantitativeValue``; ``schema:value``, ``schema:unitText``.

``tikg:qualifier`` keeps 약/여/이상/가량 and ``tikg:measuredNoun`` the noun the
figure follows (서버, 피해자), so a reader can check what it counts.
"""
from __future__ import annotations

from typing import Iterator


from kg.mapping.context import ArticleContext, number, text, typed, Triple
from kg.mention import Mention
from kg.vocab import SCHEMA, TIKG, XSD

DATE_TYPES = {"day": XSD.date, "month": XSD.gYearMonth, "year": XSD.gYear}


def map_date(ctx: ArticleContext, m: Mention) -> Iterator[Triple]:
    node, triples = ctx.mention_node(m, TIKG.TemporalExpression)
    yield from triples
    granularity = m.get("granularity")
    if m.value and granularity in DATE_TYPES:
        yield Triple(node, TIKG.dateValue, typed(m.value, DATE_TYPES[granularity]))
        yield Triple(node, TIKG.granularity, text(granularity))
        if m.get("anchor"):
            yield Triple(node, TIKG.anchorDate, typed(m.get("anchor"), XSD.date))
    if m.get("modifier"):
        yield Triple(node, TIKG.dateModifier, text(m.get("modifier")))


def map_duration(ctx: ArticleContext, m: Mention) -> Iterator[Triple]:
    node, triples = ctx.mention_node(m, TIKG.DurationExpression)
    yield from triples
    if m.value:
        yield Triple(node, SCHEMA.duration, typed(m.value, XSD.duration))
    if m.get("qualifier"):
        yield Triple(node, TIKG.qualifier, text(m.get("qualifier")))


def _figure_details(node, m: Mention) -> Iterator[Triple]:
    if m.get("qualifier"):
        yield Triple(node, TIKG.qualifier, text(m.get("qualifier")))
    if m.get("measured"):
        yield Triple(node, TIKG.measuredNoun, text(m.get("measured")))


def map_money(ctx: ArticleContext, m: Mention) -> Iterator[Triple]:
    node, triples = ctx.mention_node(m, SCHEMA.MonetaryAmount)
    yield from triples
    yield Triple(node, SCHEMA.value, number(m.value))
    yield Triple(node, SCHEMA.currency, text(m.get("currency", "KRW")))
    yield from _figure_details(node, m)


def map_quantity(ctx: ArticleContext, m: Mention) -> Iterator[Triple]:
    node, triples = ctx.mention_node(m, SCHEMA.QuantitativeValue)
    yield from triples
    yield Triple(node, SCHEMA.value, number(m.value))
    yield Triple(node, SCHEMA.unitText, text(m.get("unit")))
    yield from _figure_details(node, m)
