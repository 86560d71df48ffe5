"""Views: plain functions from the RDF graph to networkx graphs (cf. networkx algorithms).

- :func:`kg.views.timeline.timeline` -> ``nx.DiGraph`` of dated nodes in time order;
- :func:`kg.views.relations.relations` -> ``nx.MultiDiGraph`` of organizations, incidents,
  remedies, sanctions, events, persons and articles with typed edges.

Both read only the data contract's terms (shared/spec/data-contract.md), so they
fill in as the extractors learn new kinds. They take a ``KnowledgeGraph``, or any
iterable of pyoxigraph ``Triple``s (a parsed Turtle file in tests). This module
holds what both need: an index of the triples and how a node is described
(kind, Korean label, dates, figures, evidence, source articles).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Iterable

import pyoxigraph as ox
from pyoxigraph import Literal, NamedNode

from kg.vocab import PROV, RDF, RDFS, SCHEMA, SEM, SKOS, TIKG, XSD

# classes -> the kind a view shows; the organization classes are schema:Organization's subclasses
ORGANIZATION_CLASSES = frozenset(
    [SCHEMA.Organization.value]
    + [TIKG[n].value for n in ("Company", "BusinessGroup", "GovernmentBody", "LegislativeBody", "InvestigationTeam",
                               "PoliceAgency", "Court", "Committee", "Association", "CivicGroup", "NewsMedia")]
    + ["https://schema.org/" + n for n in ("Corporation", "GovernmentOrganization", "NewsMediaOrganization", "NGO")])
KIND_OF_CLASS = {
    SCHEMA.NewsArticle.value: "article",
    SCHEMA.Person.value: "person",
    TIKG.Incident.value: "incident",
    TIKG.Remedy.value: "remedy",
    TIKG.Sanction.value: "sanction",
    TIKG.Event.value: "event",
    TIKG.TemporalExpression.value: "date",
    SCHEMA.MonetaryAmount.value: "money",
    SCHEMA.QuantitativeValue.value: "quantity",
    TIKG.Sentence.value: "sentence",
    **{iri: "organization" for iri in ORGANIZATION_CLASSES},
}
# when a node has several classes, the first kind in this order wins
KIND_ORDER = ("incident", "remedy", "sanction", "event", "organization", "person", "article",
              "money", "quantity", "date", "sentence")

DATE_TYPES = {XSD.date.value: "day", XSD.gYearMonth.value: "month", XSD.gYear.value: "year",
              XSD.dateTime.value: "day"}
# dates that are bookkeeping, not dates the article names (as in shared/eval/score.py)
BOOKKEEPING_DATES = frozenset(p.value for p in (SCHEMA.datePublished, TIKG.anchorDate, TIKG.crawledAt)) | {
    "https://schema.org/dateModified", "https://schema.org/dateCreated"}
START, END = SCHEMA.startDate.value, SCHEMA.endDate.value
TYPE_PROPERTIES = (TIKG.incidentType.value, TIKG.remedyType.value, TIKG.sanctionType.value,
                   TIKG.eventType.value)
# links from a node to the organization(s) it is about, most telling first (the timeline lane)
ORG_LINKS = (TIKG.affects.value, TIKG.offeredBy.value, TIKG.imposedOn.value, TIKG.imposedBy.value,
             SEM.hasActor.value, SCHEMA.worksFor.value, SCHEMA.publisher.value)


@dataclass(frozen=True, order=True)
class When:
    """A date as the article gave it: ``value`` keeps the granularity ('2025-08' stays a month)."""

    first: date      # first day it covers
    last: date       # last day it covers
    value: str       # lexical value without time: 2025-08-27, 2025-08, 2025
    granularity: str  # day, month, year

    @classmethod
    def parse(cls, literal: Literal) -> "When | None":
        granularity = DATE_TYPES.get(literal.datatype.value) if literal.datatype else None
        if granularity is None:
            return None
        text = literal.value
        try:
            if granularity == "year":
                y = int(text[:4])
                return cls(date(y, 1, 1), date(y, 12, 31), text[:4], "year")
            if granularity == "month":
                y, m = int(text[:4]), int(text[5:7])
                nxt = date(y + m // 12, m % 12 + 1, 1)
                return cls(date(y, m, 1), date.fromordinal(nxt.toordinal() - 1), text[:7], "month")
            d = date.fromisoformat(text[:10])
            return cls(d, d, text[:10], "day")
        except ValueError:
            return None


def memoized_view(view):
    """Compute a view once per graph object: the exports of one build (GraphML, GEXF, the pages,
    TimelineJS, the picture) share it instead of re-reading every triple. Views are read-only."""
    def wrapper(graph, *args, **kwargs):
        try:
            cache = graph.__dict__.setdefault("_views", {})
        except AttributeError:  # a plain list of triples, a parsed iterator: nothing to hang a cache on
            return view(graph, *args, **kwargs)
        key = (view.__name__, args, tuple(sorted(kwargs.items())))
        if key not in cache:
            cache[key] = view(graph, *args, **kwargs)
        return cache[key]
    wrapper.__doc__, wrapper.__name__, wrapper.__wrapped__ = view.__doc__, view.__name__, view
    return wrapper


def index_of(graph) -> "GraphIndex":
    """The graph's index, made once per graph object."""
    return graph if isinstance(graph, GraphIndex) else _index(graph)


def triples_of(graph) -> list[ox.Triple]:
    """The triples of a ``KnowledgeGraph``, a pyoxigraph ``Store`` or an iterable of triples."""
    if hasattr(graph, "triples"):
        return list(graph.triples)
    if isinstance(graph, ox.Store):
        return [q.triple for q in graph.quads_for_pattern(None, None, None, None)]
    return list(graph)


@lru_cache(maxsize=1)
def ontology_labels() -> dict[str, str]:
    """Korean labels of classes and concepts, read from ``ontology/tikg.ttl`` when it is at hand."""
    path = Path(__file__).resolve().parent.parent.parent / "ontology" / "tikg.ttl"
    labels: dict[str, str] = {}
    if not path.is_file():
        return labels
    for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
        if t.predicate.value in (SKOS.prefLabel.value, RDFS.label.value) and isinstance(t.object, Literal) \
                and t.object.language == "ko" and isinstance(t.subject, NamedNode):
            if t.predicate.value == SKOS.prefLabel.value or t.subject.value not in labels:
                labels[t.subject.value] = t.object.value
    return labels


def local_name(iri: str) -> str:
    return iri.rstrip("/#").rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def format_number(value: str) -> str:
    try:
        d = Decimal(value)
    except InvalidOperation:
        return value
    if d == d.to_integral_value():
        return f"{int(d):,}"
    return f"{d.normalize():,f}"


class GraphIndex:
    """Subjects' properties and incoming links, and how to describe a node for people."""

    def __init__(self, graph):
        self.out: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
        self.inc: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for t in triples_of(graph):
            s = t.subject.value
            self.out[s][t.predicate.value].append(t.object)
            if isinstance(t.object, NamedNode):
                self.inc[t.object.value][t.predicate.value].append(s)
        for props in self.out.values():
            for values in props.values():
                values.sort(key=str)
        self.kinds = {s: self._kind(s) for s in sorted(self.out)}
        self.labels = ontology_labels()

    def _kind(self, s: str) -> str | None:
        kinds = {KIND_OF_CLASS.get(c.value) for c in self.out[s].get(RDF.type.value, ())}
        return next((k for k in KIND_ORDER if k in kinds), None)

    def nodes(self, *kinds: str) -> list[str]:
        return [s for s, k in self.kinds.items() if k in kinds]

    def kind(self, s: str) -> str | None:
        return self.kinds.get(s)

    def values(self, s: str, p: str) -> list:
        return self.out.get(s, {}).get(p, [])

    def first(self, s: str, *props: str) -> str | None:
        for p in props:
            for v in self.values(s, p):
                if isinstance(v, Literal) and (v.language in (None, "ko")):
                    return v.value
        for p in props:  # any language, if no Korean or plain one
            for v in self.values(s, p):
                return v.value
        return None

    def links(self, s: str, p: str) -> list[str]:
        return [v.value for v in self.values(s, p) if isinstance(v, NamedNode)]

    # -- describing a node
    def type_labels(self, s: str) -> list[str]:
        """Korean labels of the node's incident/remedy/sanction types (concepts)."""
        return [self.labels.get(c, local_name(c)) for p in TYPE_PROPERTIES for c in self.links(s, p)]

    def label(self, s: str) -> str:
        kind = self.kind(s)
        name = self.first(s, SCHEMA.name.value, RDFS.label.value)
        if kind == "person" and name and (title := self.first(s, SCHEMA.jobTitle.value)):
            return f"{name} {title}"
        if kind in ("incident", "remedy", "sanction", "event") and not name:
            types = self.type_labels(s)
            who = [self.label(o) for o in self.orgs(s)[:1]]
            if types:
                return " ".join(who + [", ".join(types)])
        if kind in ("money", "quantity") and not name:
            return self.figure(s)
        return (name or self.first(s, SCHEMA.headline.value, TIKG.surfaceText.value, SCHEMA.text.value)
                or local_name(s))

    def figure(self, s: str) -> str:
        value = self.first(s, SCHEMA.value.value)
        unit = self.first(s, SCHEMA.currency.value, SCHEMA.unitText.value) or ""
        surface = self.first(s, TIKG.surfaceText.value)
        shown = f"{format_number(value)} {unit}".strip() if value is not None else ""
        if surface and shown:
            return f"{surface} ({shown})"
        return surface or shown or local_name(s)

    def figures(self, s: str) -> list[str]:
        """Money and quantities attached to the node, in either direction (schema:amount, schema:about)."""
        found = set()
        for p, objs in self.out.get(s, {}).items():
            found.update(o.value for o in objs if isinstance(o, NamedNode) and self.kind(o.value) in ("money", "quantity"))
        for p, subs in self.inc.get(s, {}).items():
            found.update(x for x in subs if self.kind(x) in ("money", "quantity"))
        return [self.figure(f) for f in sorted(found)]

    def orgs(self, s: str) -> list[str]:
        """Organizations the node is directly about, most telling link first."""
        seen: list[str] = []
        for p in ORG_LINKS:
            for o in self.links(s, p):
                if self.kind(o) == "organization" and o not in seen:
                    seen.append(o)
        return seen

    def dates(self, s: str) -> dict[str, list[When]]:
        """Dates the article names on this node, by predicate (bookkeeping dates left out)."""
        found: dict[str, list[When]] = {}
        for p, objs in sorted(self.out.get(s, {}).items()):
            if p in BOOKKEEPING_DATES:
                continue
            whens = [w for o in objs if isinstance(o, Literal) and (w := When.parse(o))]
            if whens:
                found[p] = sorted(whens)
        return found

    def published(self, s: str) -> When | None:
        for o in self.values(s, SCHEMA.datePublished.value):
            return When.parse(o)
        return None

    def evidence(self, s: str) -> list[str]:
        return [t for e in self.links(s, TIKG.evidence.value) if (t := self.first(e, SCHEMA.text.value))]

    def sources(self, s: str) -> list[str]:
        """Articles the node was derived from (an article is its own source)."""
        if self.kind(s) == "article":
            return [s]
        return self.links(s, PROV.wasDerivedFrom.value)

    def source_info(self, s: str) -> list[dict]:
        out = []
        for a in self.sources(s):
            url = self.links(a, SCHEMA.url.value)
            when = self.published(a)
            out.append({"iri": a, "title": self.first(a, SCHEMA.headline.value) or local_name(a),
                        "url": url[0] if url else "", "published": when.value if when else ""})
        return out

    def describe(self, s: str) -> dict:
        """Flat attributes for a view node: strings, numbers and lists of strings only, never None."""
        kind = self.kind(s) or "other"
        support = self.first(s, TIKG.supportCount.value)
        return {
            "iri": s,
            "kind": kind,
            "label": self.label(s),
            "types": self.type_labels(s),
            "figures": self.figures(s),
            "evidence": self.evidence(s),
            "sources": self.source_info(s),
            "orgs": self.orgs(s),
            "support": int(support) if support and support.isdigit() else len(self.sources(s)),
        }


@memoized_view
def _index(graph) -> GraphIndex:
    return GraphIndex(graph)
