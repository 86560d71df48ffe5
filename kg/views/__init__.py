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

from kg.gc_pause import paused_gc
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
        return _lexical_when(literal.value, granularity)


@lru_cache(maxsize=65536)
def _lexical_when(text: str, granularity: str) -> When | None:
    """The :class:`When` of a lexical date value at a granularity; made once per distinct pair (Whens are frozen)."""
    try:
        if granularity == "year":
            y = int(text[:4])
            return When(date(y, 1, 1), date(y, 12, 31), text[:4], "year")
        if granularity == "month":
            y, m = int(text[:4]), int(text[5:7])
            nxt = date(y + m // 12, m % 12 + 1, 1)
            return When(date(y, m, 1), date.fromordinal(nxt.toordinal() - 1), text[:7], "month")
        d = date.fromisoformat(text[:10])
        return When(d, d, text[:10], "day")
    except ValueError:
        return None


def memoized_view(view):
    """Compute a view once per graph object: the exports of one build (GraphML, GEXF, the pages,
    TimelineJS, the picture) share it instead of re-reading every triple. Views are read-only."""
    def wrapper(graph, *args, **kwargs):
        try:
            cache = graph.__dict__.setdefault("_views", {})
        except AttributeError:  # a plain list of triples, a parsed iterator: nothing to hang a cache on
            with paused_gc():
                return view(graph, *args, **kwargs)
        key = (view.__name__, args, tuple(sorted(kwargs.items())))
        if key not in cache:
            with paused_gc():
                cache[key] = view(graph, *args, **kwargs)
        return cache[key]
    wrapper.__doc__, wrapper.__name__, wrapper.__wrapped__ = view.__doc__, view.__name__, view
    return wrapper


def release_view(graph, view) -> None:
    """Forget ``graph``'s memoized ``view`` (every variant) and empty it, for a process that has written
    what needed it. Emptied, because a networkx graph sits in reference cycles (its cached node and edge
    views) that only a full collection would free: seconds, with the index's millions of objects."""
    cache = getattr(graph, "__dict__", {}).get("_views", {})
    for key in [k for k in cache if k[0] == view.__name__]:
        cache.pop(key).clear()


def view_source(graph):
    """What an export's views read: a build's :meth:`~kg.graph.KnowledgeGraph.view_graph` (the triples
    the views show, without the mention and sentence nodes they do not), else ``graph`` itself."""
    return graph.view_graph() if hasattr(graph, "view_graph") else graph


def index_of(graph) -> "GraphIndex":
    """The graph's index, made once per graph object."""
    return graph if isinstance(graph, GraphIndex) else _index(graph)


def triples_of(graph) -> Iterable[ox.Triple]:
    """The triples of a ``KnowledgeGraph``, a view graph, a pyoxigraph ``Store`` or an iterable of triples
    (to be read once)."""
    if hasattr(graph, "triples"):
        return graph.triples
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


@lru_cache(maxsize=65536)
def format_number(value: str) -> str:
    try:
        d = Decimal(value)
    except InvalidOperation:
        return value
    if d == d.to_integral_value():
        return f"{int(d):,}"
    return f"{d.normalize():,f}"


# subject -> property -> values; subject -> properties with a date-typed literal; subject -> kind
IndexPart = tuple[dict[str, dict[str, list]], dict[str, set[str]], dict[str, "str | None"]]


def index_part(triples: Iterable, share_links: bool = False) -> IndexPart:
    """(subject -> property -> values sorted by N-Triples text, subject -> properties with a date-typed literal,
    subject -> its kind) of ``triples``: what :class:`GraphIndex` is made of.

    Each triple's terms come as new objects: one string is kept for each property IRI (at 10,000 articles
    the copies took 0.12 GB, and dropping them costs no time), and with ``share_links`` one object for
    each IRI linked to (an article, a sentence, a class: 0.12 GB more, for 0.4 s on the shared lines and
    none on the articles' own, which the view process indexes while the story is assembled)."""
    out: dict[str, dict[str, list]] = {}
    dated: dict[str, set[str]] = {}
    properties: dict[str, str] = {}
    linked: dict[NamedNode, NamedNode] = {}
    last, props = None, {}   # a subject's triples usually come together: look it up once per run
    for t in triples:
        s, p, o = t.subject.value, t.predicate.value, t.object
        p = properties.setdefault(p, p)
        if share_links and type(o) is NamedNode:
            o = linked.setdefault(o, o)
        if s != last:
            props = out.get(s)
            if props is None:
                props = out[s] = {}
            last = s
        values = props.get(p)
        if values is None:
            props[p] = [o]
        else:
            values.append(o)
        if type(o) is Literal and o.datatype.value in DATE_TYPES:
            if s in dated:
                dated[s].add(p)
            else:
                dated[s] = {p}
    for props in out.values():
        for values in props.values():
            if len(values) > 1:
                values.sort(key=str)
    return out, dated, {s: kind_of(props) for s, props in out.items()}


def kind_of(props: dict[str, list]) -> str | None:
    """The kind a view shows for a subject with properties ``props`` (its classes', see KIND_ORDER)."""
    classes = props.get(_TYPE, ())
    if len(classes) == 1:
        return KIND_OF_CLASS.get(classes[0].value)
    kinds = {KIND_OF_CLASS.get(c.value) for c in classes}
    return next((k for k in KIND_ORDER if k in kinds), None)


def merged_parts(parts: list[IndexPart]) -> IndexPart:
    """The parts as one, as if indexed together in their order (they are changed). Subjects are usually in
    one part only (a build's shared and article lines are about different nodes); one in several has its
    values joined and sorted again."""
    out, dated, kinds = parts[0] if parts else ({}, {}, {})
    for more_out, more_dated, more_kinds in parts[1:]:
        if out.keys().isdisjoint(more_out):  # one merge in C
            out, kinds = {**out, **more_out}, {**kinds, **more_kinds}
        else:
            for s, props in more_out.items():
                known = out.get(s)
                if known is None:
                    out[s], kinds[s] = props, more_kinds[s]
                    continue
                for p, values in props.items():
                    joined = known.setdefault(p, [])
                    joined.extend(values)
                    joined.sort(key=str)
                kinds[s] = kind_of(known)
        for s, properties in more_dated.items():
            dated.setdefault(s, set()).update(properties)
    return out, dated, kinds


class GraphIndex:
    """Subjects' properties and incoming links, and how to describe a node for people.

    The index is read-only once made: what describing a node needs more than once (labels, dates,
    figures, source articles) is computed on first use and kept.
    """

    def __init__(self, graph=None, parts: "list[IndexPart] | None" = None):
        """The index of ``graph``'s triples, or of ``parts`` (:func:`index_part` of pieces of a graph, in the
        graph's order: a process can index the articles' lines before the shared ones exist)."""
        out, dated, kinds = merged_parts(parts if parts is not None else [index_part(triples_of(graph))])
        self.out = out
        self._inc: dict[str, dict[str, list[str]]] | None = None
        self._citing: dict[str, list[str]] | None = None
        self._dated = dated
        self.kinds = {s: kinds[s] for s in sorted(out)}
        self.labels = ontology_labels()
        self._label: dict[str, str] = {}
        self._dates: dict[str, dict[str, list[When]]] = {}
        self._orgs: dict[str, list[str]] = {}
        self._figure: dict[str, str] = {}
        self._figures_of: dict[str, set[str]] | None = None
        self._source: dict[str, tuple[str, str, str]] = {}
        self._described: dict[str, dict] = {}
        self._text: dict[str, str] = {}

    @property
    def inc(self) -> dict[str, dict[str, list[str]]]:
        """Incoming links: object IRI -> property -> subjects (made on first use; the views do not need it)."""
        if self._inc is None:
            inc: dict[str, dict[str, list[str]]] = {}
            for s, props in self.out.items():
                for p, objs in props.items():
                    for o in objs:
                        if type(o) is NamedNode:
                            inc.setdefault(o.value, {}).setdefault(p, []).append(s)
            self._inc = inc
        return self._inc

    def citing_organizations(self, sentence: str) -> list[str]:
        """Organizations that have ``sentence`` among their ``tikg:evidence``."""
        if self._citing is None:
            citing: dict[str, list[str]] = {}
            for o in self.nodes("organization"):
                for e in self.links(o, _EVIDENCE):
                    citing.setdefault(e, []).append(o)
            self._citing = citing
        return self._citing.get(sentence, [])

    def nodes(self, *kinds: str) -> list[str]:
        return [s for s, k in self.kinds.items() if k in kinds]

    def kind(self, s: str) -> str | None:
        return self.kinds.get(s)

    def values(self, s: str, p: str) -> list:
        props = self.out.get(s)
        return props.get(p, []) if props is not None else []

    def first(self, s: str, *props: str) -> str | None:
        found = self.out.get(s)
        if found is None:
            return None
        if len(props) == 1:   # the common case, shortened
            return _first_value(found.get(props[0]))
        for p in props:
            for v in found.get(p, ()):
                if type(v) is Literal and v.language in (None, "ko"):
                    return v.value
        for p in props:  # any language, if no Korean or plain one
            for v in found.get(p, ()):
                return v.value
        return None

    def links(self, s: str, p: str) -> list[str]:
        props = self.out.get(s)
        if props is None:
            return []
        return [v.value for v in props.get(p, ()) if type(v) is NamedNode]

    # -- describing a node
    def type_labels(self, s: str) -> list[str]:
        """Korean labels of the node's incident/remedy/sanction types (concepts)."""
        props = self.out.get(s)
        if props is None:
            return []
        labels = self.labels
        return [labels.get(c.value, local_name(c.value)) for p in TYPE_PROPERTIES for c in props.get(p, ())
                if type(c) is NamedNode]

    def label(self, s: str) -> str:
        label = self._label.get(s)
        if label is None:
            label = self._label[s] = self._make_label(s)
        return label

    def _make_label(self, s: str) -> str:
        kind = self.kind(s)
        name = self.first(s, _NAME, _LABEL)
        if kind == "person" and name and (title := self.first(s, _JOB_TITLE)):
            return f"{name} {title}"
        if kind in ("incident", "remedy", "sanction", "event") and not name:
            types = self.type_labels(s)
            if types:
                who = [self.label(o) for o in self.orgs(s)[:1]]
                return " ".join(who + [", ".join(types)])
        if kind in ("money", "quantity") and not name:
            return self.figure(s)
        return (name or self.first(s, _HEADLINE, _SURFACE, _TEXT)
                or local_name(s))

    def figure(self, s: str) -> str:
        shown = self._figure.get(s)
        if shown is None:
            shown = self._figure[s] = self._make_figure(s)
        return shown

    def _make_figure(self, s: str) -> str:
        props = self.out.get(s, {})
        value = _first_value(props.get(_VALUE))
        unit = (_first_value(props.get(_CURRENCY)) if _CURRENCY in props and _UNIT not in props
                else self.first(s, _CURRENCY, _UNIT)) or ""
        surface = _first_value(props.get(_SURFACE))
        shown = f"{format_number(value)} {unit}".strip() if value is not None else ""
        if surface and shown:
            return f"{surface} ({shown})"
        return surface or shown or local_name(s)

    def _figure_links(self) -> dict[str, set[str]]:
        """node -> the money and quantity nodes linked to it either way (made once, from the figures' side)."""
        if self._figures_of is None:
            found: dict[str, set[str]] = defaultdict(set)
            figures = [f for f, k in self.kinds.items() if k in ("money", "quantity")]
            for f in figures:
                for objs in self.out[f].values():   # f -> o: f is a figure of o
                    for o in objs:
                        if type(o) is NamedNode:
                            found[o.value].add(f)
            targets = {NamedNode(f) for f in figures}   # compared as terms: no string made per object
            for x, props in self.out.items():       # x -> f: f is a figure of x
                for objs in props.values():
                    for o in objs:
                        if type(o) is NamedNode and o in targets:
                            found[x].add(o.value)
            self._figures_of = dict(found)
        return self._figures_of

    def figures(self, s: str) -> list[str]:
        """Money and quantities attached to the node, in either direction (schema:amount, schema:about)."""
        found = self._figure_links().get(s)
        return [self.figure(f) for f in sorted(found)] if found else []

    def orgs(self, s: str) -> list[str]:
        """Organizations the node is directly about, most telling link first."""
        seen = self._orgs.get(s)
        if seen is None:
            seen = []
            props = self.out.get(s)
            if props is not None:
                kinds = self.kinds
                for p in ORG_LINKS:
                    for o in props.get(p, ()):
                        if type(o) is NamedNode:
                            o = o.value
                            if kinds.get(o) == "organization" and o not in seen:
                                seen.append(o)
            self._orgs[s] = seen
        return list(seen)

    def dates(self, s: str) -> dict[str, list[When]]:
        """Dates the article names on this node, by predicate (bookkeeping dates left out).

        The answer is kept and shared: do not change it."""
        found = self._dates.get(s)
        if found is None:
            found = {}
            props = self.out[s] if s in self._dated else None   # only properties with a date can give one
            if props is not None:
                for p in sorted(self._dated[s]):
                    if p in BOOKKEEPING_DATES:
                        continue
                    whens = [w for o in props[p] if type(o) is Literal and (w := _when(o))]
                    if whens:
                        found[p] = sorted(whens) if len(whens) > 1 else whens
            self._dates[s] = found
        return found

    def dated(self, s: str) -> bool:
        """Whether the node has a date-typed literal at all (bookkeeping ones included): else no dates."""
        return s in self._dated

    def published(self, s: str) -> When | None:
        for o in self.values(s, _PUBLISHED):
            return When.parse(o)
        return None

    def evidence(self, s: str) -> list[str]:
        """The texts of the node's evidence sentences (:meth:`first` schema:text of each, inlined)."""
        props = self.out.get(s)
        if props is None:
            return []
        known, texts = self._text, []   # a sentence is the evidence of many nodes: its text is read once
        for e in props.get(_EVIDENCE, ()):
            if type(e) is not NamedNode:
                continue
            e = e.value
            text = known.get(e)
            if text is None:
                text = known[e] = self.first(e, _TEXT) or ""
            if text:
                texts.append(text)
        return texts

    def sources(self, s: str) -> list[str]:
        """Articles the node was derived from (an article is its own source)."""
        if self.kind(s) == "article":
            return [s]
        return self.links(s, _DERIVED_FROM)

    def _source_of(self, a: str) -> tuple[str, str, str, str]:
        """(iri, title, url, published) of an article, made once: a node's sources are kept as these
        tuples (an organization has thousands) and made into dicts for each caller."""
        info = self._source.get(a)
        if info is None:
            url = self.links(a, _URL)
            when = self.published(a)
            info = self._source[a] = (a, self.first(a, _HEADLINE) or local_name(a), url[0] if url else "",
                                      when.value if when else "")
        return info

    def source_info(self, s: str) -> list[dict]:
        return [_source_dict(self._source_of(a)) for a in self.sources(s)]

    def describe(self, s: str) -> dict:
        """Flat attributes for a view node: strings, numbers and lists of strings only, never None.

        Made once per node (both views describe many of the same nodes); each call gets its own copy."""
        d = self._described.get(s)
        if d is None:
            d = self._described[s] = self._describe(s)
        return {**d, "types": list(d["types"]), "figures": list(d["figures"]), "evidence": list(d["evidence"]),
                "sources": [_source_dict(x) for x in d["sources"]], "orgs": list(d["orgs"])}

    def _describe(self, s: str) -> dict:
        kind = self.kind(s) or "other"
        support = self.first(s, _SUPPORT)
        sources = [self._source_of(a) for a in self.sources(s)]
        return {
            "iri": s,
            "kind": kind,
            "label": self.label(s),
            "types": self.type_labels(s),
            "figures": self.figures(s),
            "evidence": self.evidence(s),
            "sources": sources,
            "orgs": self.orgs(s),
            "support": int(support) if support and support.isdigit() else len(sources),
        }


_TYPE, _NAME, _LABEL, _JOB_TITLE = RDF.type.value, SCHEMA.name.value, RDFS.label.value, SCHEMA.jobTitle.value
_HEADLINE, _SURFACE, _TEXT = SCHEMA.headline.value, TIKG.surfaceText.value, SCHEMA.text.value
_VALUE, _CURRENCY, _UNIT = SCHEMA.value.value, SCHEMA.currency.value, SCHEMA.unitText.value
_PUBLISHED, _EVIDENCE, _DERIVED_FROM = SCHEMA.datePublished.value, TIKG.evidence.value, PROV.wasDerivedFrom.value
_URL, _SUPPORT = SCHEMA.url.value, TIKG.supportCount.value


def _source_dict(info: tuple[str, str, str, str]) -> dict:
    iri, title, url, published = info
    return {"iri": iri, "title": title, "url": url, "published": published}


def _first_value(values: list | None) -> str | None:
    """:meth:`GraphIndex.first` of one property's values: the first plain or Korean literal, else the first."""
    if not values:
        return None
    if len(values) > 1:
        for v in values:
            if type(v) is Literal and v.language in (None, "ko"):
                return v.value
    return values[0].value


def _when(literal: Literal) -> When | None:
    """:meth:`When.parse`, for a literal already known to be a ``Literal``."""
    datatype = literal.datatype
    granularity = DATE_TYPES.get(datatype.value) if datatype is not None else None
    if granularity is None:
        return None
    return _lexical_when(literal.value, granularity)


@memoized_view
def _index(graph) -> GraphIndex:
    return GraphIndex(graph)


def remember_index(graph, index: GraphIndex) -> None:
    """Make ``index`` (made elsewhere, from parts: see :class:`GraphIndex`) the one :func:`index_of` gives
    for ``graph``."""
    remember_view(graph, _index, index)


def remember_view(graph, view, made) -> None:
    """Make ``made`` (a view made elsewhere: in another process, from parts) what the memoized ``view`` gives
    for ``graph`` called without arguments."""
    graph.__dict__.setdefault("_views", {})[(view.__name__, (), ())] = made
