"""Incidents, remedies, sanctions, events and figures -> triples.

Which node a mention belongs to comes from the resolver (:mod:`kg.story`,
filled by the assembler before mapping); mapped on its own, a mention gets
a node of its article.
"""
from __future__ import annotations

from typing import Iterator

from pyoxigraph import Literal, NamedNode

from kg.mapping.context import ArticleContext, number, text, typed, Triple
from kg.mention import Mention
from kg.vocab import RDF, SCHEMA, SEM, SKOS, TIKG, XSD


def date_literal(value: str) -> Literal:
    """``2026-01-13`` -> xsd:date, ``2026-08`` -> xsd:gYearMonth, ``2026`` -> xsd:gYear."""
    value = str(value)
    datatype = XSD.date if len(value) == 10 else XSD.gYearMonth if len(value) == 7 else XSD.gYear
    return typed(value, datatype)


def concept(node: NamedNode, prop: NamedNode, name: str, scheme: NamedNode) -> Iterator[Triple]:
    """``node prop tikg:name``, with the concept's scheme, so that the export stands on its own (SHACL)."""
    c = TIKG[name]
    yield Triple(node, prop, c)
    yield Triple(c, RDF.type, SKOS.Concept)
    yield Triple(c, SKOS.inScheme, scheme)


def _node(ctx: ArticleContext, m: Mention, kind: str, *fallback) -> tuple[NamedNode, dict]:
    node = ctx.resolver.node_for(ctx.article.id, m)
    attrs = getattr(ctx.resolver, "attrs_for", lambda *_: {})(ctx.article.id, m)
    if node is None:
        node = ctx.iris.thing(kind, *fallback, ctx.article.id, m.start)
    return node, attrs


def _money(ctx: ArticleContext, span) -> NamedNode | None:
    """The money node of the money mention at ``span``, when money is mapped at all."""
    from kg.mapping import MAPPERS
    if not span or "money" not in MAPPERS:
        return None
    return ctx.iris.mention(ctx.article.id, "money", span[0], span[1])


def map_incident(ctx: ArticleContext, m: Mention) -> Iterator[Triple]:
    node, attrs = _node(ctx, m, "incident", m.value, m.get("family"))
    yield Triple(node, RDF.type, TIKG.Incident)
    yield Triple(node, TIKG.affects, ctx.iris.organization(m.value))
    yield from concept(node, TIKG.incidentType, m.get("type"), TIKG.IncidentTypeScheme)
    stated = attrs.get("stated")
    if (m.get("type") not in stated) if stated is not None else m.get("suspected"):
        yield from concept(node, TIKG.suspectedType, m.get("type"), TIKG.IncidentTypeScheme)
    yield from ctx.provenance(node, m)


def map_remedy(ctx: ArticleContext, m: Mention) -> Iterator[Triple]:
    node, attrs = _node(ctx, m, "remedy", m.get("org"), m.value)
    yield Triple(node, RDF.type, TIKG.Remedy)
    yield from concept(node, TIKG.remedyType, m.value, TIKG.RemedyTypeScheme)
    yield Triple(node, TIKG.offeredBy, ctx.iris.organization(m.get("org")))
    period = attrs.get("period") or {f: m.get(f) for f in ("start", "end", "duration") if m.get(f)}
    if period.get("start"):
        yield Triple(node, SCHEMA.startDate, date_literal(period["start"]))
    if period.get("end"):
        yield Triple(node, SCHEMA.endDate, date_literal(period["end"]))
    if period.get("duration"):
        yield Triple(node, SCHEMA.duration, typed(period["duration"], XSD.duration))
    if m.get("eligibility"):
        yield Triple(node, TIKG.eligibility, text(m.get("eligibility")))
    if (money := _money(ctx, m.get("amount_span"))) is not None:
        yield Triple(node, SCHEMA.amount, money)
    yield Triple(node, TIKG.status, text(attrs.get("status") or m.get("status") or "decided"))
    if attrs.get("incident") is not None:
        yield Triple(node, TIKG.respondsTo, attrs["incident"])
    yield from ctx.provenance(node, m)


def map_sanction(ctx: ArticleContext, m: Mention) -> Iterator[Triple]:
    node, attrs = _node(ctx, m, "sanction", m.get("on"), m.value)
    yield Triple(node, RDF.type, TIKG.Sanction)
    yield from concept(node, TIKG.sanctionType, m.value, TIKG.SanctionTypeScheme)
    yield Triple(node, TIKG.imposedOn, ctx.iris.organization(m.get("on")))
    by = attrs.get("by", m.get("by"))
    if by:
        yield Triple(node, TIKG.imposedBy, ctx.iris.organization(by))
    if (money := _money(ctx, m.get("amount_span"))) is not None:
        yield Triple(node, SCHEMA.amount, money)
    if m.get("date"):
        yield Triple(node, TIKG.decidedOn, date_literal(m.get("date")))
    yield Triple(node, TIKG.status, text(attrs.get("status") or m.get("status") or "decided"))
    if attrs.get("incident") is not None:
        yield Triple(node, TIKG.respondsTo, attrs["incident"])
    yield from ctx.provenance(node, m)


def map_event(ctx: ArticleContext, m: Mention) -> Iterator[Triple]:
    node, attrs = _node(ctx, m, "event", m.value, m.get("date"))
    yield Triple(node, RDF.type, TIKG.Event)
    yield from concept(node, TIKG.eventType, m.value, TIKG.EventTypeScheme)
    yield Triple(node, SEM.hasTimeStamp, date_literal(m.get("date")))
    if m.get("actor"):
        yield Triple(node, SEM.hasActor, ctx.iris.organization(m.get("actor")))
    if attrs.get("incident") is not None:
        yield Triple(node, TIKG.concernsIncident, attrs["incident"])
    yield from ctx.provenance(node, m)


def map_figure(ctx: ArticleContext, m: Mention) -> Iterator[Triple]:
    node, attrs = _node(ctx, m, "figure", m.value, m.get("number"))
    if attrs.get("incident") is None:
        return
    yield Triple(node, RDF.type, TIKG.Figure)
    yield from concept(node, TIKG.measure, m.value, TIKG.FigureMeasureScheme)
    yield Triple(node, SCHEMA.value, number(m.get("number")))
    if m.get("unit"):
        yield Triple(node, SCHEMA.unitText, text(m.get("unit")))
    yield Triple(node, TIKG.figureOf, attrs["incident"])
    yield Triple(node, TIKG.isLatest, typed("true" if attrs.get("latest") else "false", XSD.boolean))
    yield from ctx.provenance(node, m)
