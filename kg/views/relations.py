"""The relations view: who did what to whom, with typed edges.

Nodes are organizations, incidents, remedies, sanctions, events, persons and
articles; an edge is an RDF link between two of them, keyed by the property's
local name (``affects``, ``offeredBy``, ``imposedOn``, ``respondsTo``,
``worksFor``, ``hasActor``, ``wasDerivedFrom``, ``publisher``, ``author`` ...).
Figures, dates and evidence sentences are node attributes, not nodes.

>>> import pyoxigraph as ox
>>> ttl = '''@prefix schema: <https://schema.org/> . @prefix tikg: <https://w3id.org/tikg/ontology#> .
... <http://x/kt> a tikg:Company ; schema:name "KT" .
... <http://x/i> a tikg:Incident ; tikg:affects <http://x/kt> .'''
>>> g = relations(ox.parse(ttl, format=ox.RdfFormat.TURTLE))
>>> sorted(g.edges(keys=True))
[('http://x/i', 'http://x/kt', 'affects')]
"""
from __future__ import annotations

from datetime import date

import networkx as nx

from kg.views import index_of, memoized_view, GraphIndex, When, local_name
from kg.vocab import SCHEMA, TIKG

KINDS = ("organization", "incident", "remedy", "sanction", "event", "person", "article")
NOT_EDGES = frozenset({TIKG.evidence.value, SCHEMA.sameAs.value})


@memoized_view
def relations(graph, org: str | None = None, incident: str | None = None,
              start: str | date | None = None, end: str | date | None = None) -> nx.MultiDiGraph:
    """The relations graph, optionally narrowed.

    - ``org`` (IRI, name or alias): that organization and the nodes linked to it either way;
    - ``incident`` (IRI): that incident and the nodes linked to it either way;
    - ``start``/``end`` (``2025-05``, ``2025-05-01``, a ``date``): nodes whose dates (an article's
      publication date) touch the interval; undated nodes stay while they keep a link.
    """
    index = index_of(graph)
    g = nx.MultiDiGraph()
    nodes = index.nodes(*KINDS)
    for s in nodes:
        dates = index.dates(s)
        published = index.published(s)
        whens = [w for ws in dates.values() for w in ws] or ([published] if published else [])
        g.add_node(s, **index.describe(s),
                   dates=[f"{local_name(p)} {w.value}" for p, ws in dates.items() for w in ws]
                   + ([f"datePublished {published.value}"] if published else []),
                   first=min(w.first for w in whens).isoformat() if whens else "",
                   last=max(w.last for w in whens).isoformat() if whens else "")
    in_view = set(nodes)
    labels = index.labels
    for s in nodes:
        props = index.out[s]
        for p in sorted(props):
            if p in NOT_EDGES:
                continue
            key = None
            for o in props[p]:
                v = o.value
                if v in in_view and v != s:
                    if key is None:
                        key = local_name(p)
                        label = labels.get(p, key)
                    g.add_edge(s, v, key=key, relation=key, predicate=p, label=label)
    if org is not None:
        g = _around(g, _resolve_org(index, org))
    if incident is not None:
        g = _around(g, incident)
    if start is not None or end is not None:
        g = _between(g, _day(start, first=True), _day(end, first=False))
    return g


def _resolve_org(index: GraphIndex, org: str) -> str:
    if index.kind(org) == "organization":
        return org
    for s in index.nodes("organization"):
        names = {v.value for p in (SCHEMA.name.value, SCHEMA.alternateName.value) for v in index.values(s, p)}
        if org in names:
            return s
    raise KeyError(f"no organization {org!r} in the graph")


def _around(g: nx.MultiDiGraph, center: str) -> nx.MultiDiGraph:
    if center not in g:
        raise KeyError(f"{center!r} is not a node of the relations view")
    keep = {center} | set(g.successors(center)) | set(g.predecessors(center))
    return g.subgraph(sorted(keep)).copy()


def _day(value, first: bool) -> date | None:
    if value is None or isinstance(value, date):
        return value
    from pyoxigraph import Literal
    from kg.vocab import XSD
    text = str(value)
    datatype = {4: XSD.gYear, 7: XSD.gYearMonth}.get(len(text), XSD.date)
    when = When.parse(Literal(text, datatype=datatype))
    if when is None:
        raise ValueError(f"not a date: {value!r} (use 2025, 2025-05 or 2025-05-01)")
    return when.first if first else when.last


def _between(g: nx.MultiDiGraph, start: date | None, end: date | None) -> nx.MultiDiGraph:
    lo, hi = (start or date.min).isoformat(), (end or date.max).isoformat()
    dated = [n for n, d in g.nodes(data=True) if d["first"]]
    drop = {n for n in dated if g.nodes[n]["last"] < lo or g.nodes[n]["first"] > hi}
    h = g.subgraph([n for n in g if n not in drop]).copy()
    h.remove_nodes_from([n for n in list(h) if not h.nodes[n]["first"] and h.degree(n) == 0])
    return h
