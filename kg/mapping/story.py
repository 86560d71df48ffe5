"""Incidents, remedies, sanctions, events and figures -> triples.

Which node a mention belongs to comes from the resolver (:mod:`kg.story`,
filled by the assembler before mapping); mapped on its own, a mention gets
a node of its article. The triples are made as N-Triples text
(``TextTriple``, see kg.mapping.context): at 10,000 articles the assembly maps
290,000 story mentions, and formatting pyoxigraph terms was a quarter of it.
"""
from __future__ import annotations

from functools import lru_cache

from pyoxigraph import NamedNode

from kg.mapping.context import (_TYPE, ArticleContext, TextTriple, literal_text, number_text, plain_text, term_text,
                                typed_text)
from kg.mention import Mention
from kg.vocab import SCHEMA, SEM, SKOS, TIKG, XSD

_IN_SCHEME, _AFFECTS, _INCIDENT_TYPE, _SUSPECTED_TYPE, _REMEDY_TYPE, _OFFERED_BY, _START_DATE, _END_DATE, \
    _DURATION, _ELIGIBILITY, _AMOUNT, _STATUS, _RESPONDS_TO, _SANCTION_TYPE, _IMPOSED_ON, _IMPOSED_BY, \
    _DECIDED_ON, _EVENT_TYPE, _TIME_STAMP, _ACTOR, _CONCERNS, _MEASURE, _VALUE, _UNIT, _FIGURE_OF, _IS_LATEST = (
        term_text(p) for p in (
            SKOS.inScheme, TIKG.affects, TIKG.incidentType, TIKG.suspectedType, TIKG.remedyType,
            TIKG.offeredBy, SCHEMA.startDate, SCHEMA.endDate, SCHEMA.duration, TIKG.eligibility, SCHEMA.amount,
            TIKG.status, TIKG.respondsTo, TIKG.sanctionType, TIKG.imposedOn, TIKG.imposedBy, TIKG.decidedOn,
            TIKG.eventType, SEM.hasTimeStamp, SEM.hasActor, TIKG.concernsIncident, TIKG.measure, SCHEMA.value,
            SCHEMA.unitText, TIKG.figureOf, TIKG.isLatest))
_CONCEPT = term_text(SKOS.Concept)
_INCIDENT, _REMEDY, _SANCTION, _EVENT, _FIGURE = (term_text(c) for c in (
    TIKG.Incident, TIKG.Remedy, TIKG.Sanction, TIKG.Event, TIKG.Figure))
_TRUE, _FALSE = (typed_text(v, XSD.boolean) for v in ("true", "false"))


def date_literal(value: str) -> str:
    """``2026-01-13`` -> xsd:date, ``2026-08`` -> xsd:gYearMonth, ``2026`` -> xsd:gYear (as N-Triples)."""
    value = str(value)
    datatype = XSD.date if len(value) == 10 else XSD.gYearMonth if len(value) == 7 else XSD.gYear
    return typed_text(value, datatype)


def concept(n: str, prop: str, name: str, scheme: NamedNode) -> tuple[TextTriple, ...]:
    """``node prop tikg:name``, with the concept's scheme, so that the export stands on its own (SHACL)."""
    c = _concept(name)
    return (n, prop, c), (c, _TYPE, _CONCEPT), (c, _IN_SCHEME, term_text(scheme))


@lru_cache(maxsize=1024)
def _concept(name: str) -> str:
    return str(TIKG[name])


def _node(ctx: ArticleContext, m: Mention, kind: str, *fallback) -> tuple[str, dict]:
    """The mention's node (as its N-Triples term) and what the resolver knows about it."""
    node, attrs = ctx.resolver.answer(ctx.article.id, m)
    if node is None:
        node = ctx.iris.thing(kind, *fallback, ctx.article.id, m.start)
    return str(node), attrs


def _money(ctx: ArticleContext, span) -> str | None:
    """The money node of the money mention at ``span``, when money is mapped at all."""
    from kg.mapping import MAPPERS
    if not span or "money" not in MAPPERS:
        return None
    return str(ctx.iris.mention(ctx.article.id, "money", span[0], span[1]))


def map_incident(ctx: ArticleContext, m: Mention) -> list[TextTriple]:
    n, attrs = _node(ctx, m, "incident", m.value, m.get("family"))
    kind = m.get("type")
    triples = [(n, _TYPE, _INCIDENT), (n, _AFFECTS, str(ctx.iris.organization(m.value))),
               *concept(n, _INCIDENT_TYPE, kind, TIKG.IncidentTypeScheme)]
    stated = attrs.get("stated")
    if (kind not in stated) if stated is not None else m.get("suspected"):
        triples.extend(concept(n, _SUSPECTED_TYPE, kind, TIKG.IncidentTypeScheme))
    triples.extend(ctx.provenance(n, m))
    return triples


def map_remedy(ctx: ArticleContext, m: Mention) -> list[TextTriple]:
    n, attrs = _node(ctx, m, "remedy", m.get("org"), m.value)
    triples = [(n, _TYPE, _REMEDY), *concept(n, _REMEDY_TYPE, m.value, TIKG.RemedyTypeScheme),
               (n, _OFFERED_BY, str(ctx.iris.organization(m.get("org"))))]
    period = attrs.get("period") or {f: m.get(f) for f in ("start", "end", "duration") if m.get(f)}
    if period.get("start"):
        triples.append((n, _START_DATE, date_literal(period["start"])))
    if period.get("end"):
        triples.append((n, _END_DATE, date_literal(period["end"])))
    if period.get("duration"):
        triples.append((n, _DURATION, typed_text(period["duration"], XSD.duration)))
    if m.get("eligibility"):
        triples.append((n, _ELIGIBILITY, literal_text(m.get("eligibility"))))
    return _response(ctx, m, n, attrs, triples)


def map_sanction(ctx: ArticleContext, m: Mention) -> list[TextTriple]:
    n, attrs = _node(ctx, m, "sanction", m.get("on"), m.value)
    triples = [(n, _TYPE, _SANCTION), *concept(n, _SANCTION_TYPE, m.value, TIKG.SanctionTypeScheme),
               (n, _IMPOSED_ON, str(ctx.iris.organization(m.get("on"))))]
    by = attrs.get("by", m.get("by"))
    if by:
        triples.append((n, _IMPOSED_BY, str(ctx.iris.organization(by))))
    if m.get("date"):
        triples.append((n, _DECIDED_ON, date_literal(m.get("date"))))
    return _response(ctx, m, n, attrs, triples)


def _response(ctx: ArticleContext, m: Mention, n: str, attrs: dict, triples: list[TextTriple]) -> list[TextTriple]:
    """``triples`` with what a remedy and a sanction both state: the amount, the status, the incident
    responded to, and provenance."""
    if (money := _money(ctx, m.get("amount_span"))) is not None:
        triples.append((n, _AMOUNT, money))
    triples.append((n, _STATUS, plain_text(attrs.get("status") or m.get("status") or "decided")))
    if attrs.get("incident") is not None:
        triples.append((n, _RESPONDS_TO, str(attrs["incident"])))
    triples.extend(ctx.provenance(n, m))
    return triples


def map_event(ctx: ArticleContext, m: Mention) -> list[TextTriple]:
    n, attrs = _node(ctx, m, "event", m.value, m.get("date"))
    triples = [(n, _TYPE, _EVENT), *concept(n, _EVENT_TYPE, m.value, TIKG.EventTypeScheme),
               (n, _TIME_STAMP, date_literal(m.get("date")))]
    if m.get("actor"):
        triples.append((n, _ACTOR, str(ctx.iris.organization(m.get("actor")))))
    if attrs.get("incident") is not None:
        triples.append((n, _CONCERNS, str(attrs["incident"])))
    triples.extend(ctx.provenance(n, m))
    return triples


def map_figure(ctx: ArticleContext, m: Mention) -> list[TextTriple]:
    n, attrs = _node(ctx, m, "figure", m.value, m.get("number"))
    if attrs.get("incident") is None:
        return []
    triples = [(n, _TYPE, _FIGURE), *concept(n, _MEASURE, m.value, TIKG.FigureMeasureScheme),
               (n, _VALUE, number_text(m.get("number")))]
    if m.get("unit"):
        triples.append((n, _UNIT, plain_text(m.get("unit"))))
    triples.append((n, _FIGURE_OF, str(attrs["incident"])))
    triples.append((n, _IS_LATEST, _TRUE if attrs.get("latest") else _FALSE))
    triples.extend(ctx.provenance(n, m))
    return triples
