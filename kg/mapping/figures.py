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


from kg.mapping.context import ArticleContext, TextTriple, number_text, plain_text, term_text, typed_text
from kg.mention import Mention
from kg.vocab import SCHEMA, TIKG, XSD

DATE_TYPES = {"day": XSD.date, "month": XSD.gYearMonth, "year": XSD.gYear}
_DATE_VALUE, _GRANULARITY, _ANCHOR, _MODIFIER, _DURATION, _QUALIFIER, _MEASURED, _VALUE, _CURRENCY, _UNIT = (
    term_text(p) for p in (TIKG.dateValue, TIKG.granularity, TIKG.anchorDate, TIKG.dateModifier, SCHEMA.duration,
                           TIKG.qualifier, TIKG.measuredNoun, SCHEMA.value, SCHEMA.currency, SCHEMA.unitText))


def map_date(ctx: ArticleContext, m: Mention) -> list[TextTriple]:
    n, triples = ctx.mention_node(m, TIKG.TemporalExpression)
    granularity = m.get("granularity")
    if m.value and granularity in DATE_TYPES:
        triples.append((n, _DATE_VALUE, typed_text(m.value, DATE_TYPES[granularity])))
        triples.append((n, _GRANULARITY, plain_text(granularity)))
        if m.get("anchor"):
            triples.append((n, _ANCHOR, typed_text(m.get("anchor"), XSD.date)))
    if m.get("modifier"):
        triples.append((n, _MODIFIER, plain_text(m.get("modifier"))))
    return triples


def map_duration(ctx: ArticleContext, m: Mention) -> list[TextTriple]:
    n, triples = ctx.mention_node(m, TIKG.DurationExpression)
    if m.value:
        triples.append((n, _DURATION, typed_text(m.value, XSD.duration)))
    if m.get("qualifier"):
        triples.append((n, _QUALIFIER, plain_text(m.get("qualifier"))))
    return triples


def _figure_details(n: str, m: Mention, triples: list[TextTriple]) -> list[TextTriple]:
    if m.get("qualifier"):
        triples.append((n, _QUALIFIER, plain_text(m.get("qualifier"))))
    if m.get("measured"):
        triples.append((n, _MEASURED, plain_text(m.get("measured"))))
    return triples


def map_money(ctx: ArticleContext, m: Mention) -> list[TextTriple]:
    n, triples = ctx.mention_node(m, SCHEMA.MonetaryAmount)
    triples.append((n, _VALUE, number_text(m.value)))
    triples.append((n, _CURRENCY, plain_text(m.get("currency", "KRW"))))
    return _figure_details(n, m, triples)


def map_quantity(ctx: ArticleContext, m: Mention) -> list[TextTriple]:
    n, triples = ctx.mention_node(m, SCHEMA.QuantitativeValue)
    triples.append((n, _VALUE, number_text(m.value)))
    triples.append((n, _UNIT, plain_text(m.get("unit"))))
    return _figure_details(n, m, triples)
