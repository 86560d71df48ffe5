"""The timeline view: every dated node in time order, one lane per organization.

A node is dated when it carries a date the article names (``xsd:date``,
``xsd:gYearMonth``, ``xsd:gYear``) on any property but bookkeeping ones
(``schema:datePublished``, ``tikg:anchorDate``, ``tikg:crawledAt``): events,
incidents, remedy periods, sanctions, date expressions, figures. A node with
``schema:startDate`` and ``schema:endDate`` is a period (a span). Granularity is
kept: a month-only date covers its month and is shown as ``2025-08``.

>>> import pyoxigraph as ox
>>> ttl = '''@prefix schema: <https://schema.org/> . @prefix tikg: <https://w3id.org/tikg/ontology#> .
... @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
... <http://x/e1> a tikg:Event ; schema:name "a" ; schema:startDate "2025-08"^^xsd:gYearMonth .
... <http://x/e2> a tikg:Event ; schema:name "b" ; schema:startDate "2025-04-20"^^xsd:date .'''
>>> g = timeline(ox.parse(ttl, format=ox.RdfFormat.TURTLE))
>>> [(g.nodes[n]["label"], g.nodes[n]["date"], g.nodes[n]["granularity"]) for n in g]
[('b', '2025-04-20', 'day'), ('a', '2025-08', 'month')]
>>> list(g.edges(data="relation"))
[('http://x/e2', 'http://x/e1', 'next')]
"""
from __future__ import annotations

from collections import Counter

import networkx as nx

from kg.views import index_of, memoized_view, END, START, GraphIndex, When
from kg.vocab import TIKG

SKIPPED_KINDS = ("article", "sentence")
# A bare date expression is the evidence a happening was dated by, not a happening of its own:
# left out unless asked for, so the timeline shows events, incidents, remedies, sanctions and figures.
EXPRESSION_KINDS = ("date",)


@memoized_view
def timeline(graph, include_expressions: bool = False) -> nx.DiGraph:
    """Dated nodes sorted by (first day, last day, lane, IRI); "next" edges join neighbours in a lane.

    ``include_expressions`` also shows every date expression (tikg:TemporalExpression) as its own item.

    Node attributes: those of :meth:`GraphIndex.describe` plus ``date`` (as shown), ``start``,
    ``end`` (lexical values, '' when open), ``granularity``, ``first``/``last`` (ISO days covered),
    ``span`` (a period with a start and an end), ``lane`` (organization IRI, '' when none),
    ``lane_label`` and ``order``. ``g.graph["lanes"]``: ``[(lane, label), ...]`` by first date.
    """
    index = index_of(graph)
    rows = []
    for s, kind in index.kinds.items():   # in IRI order
        if kind in SKIPPED_KINDS or (not include_expressions and kind in EXPRESSION_KINDS) or not index.dated(s):
            continue
        dates = index.dates(s)
        if not dates:
            continue
        start = dates.get(START, [None])[0]
        end = dates.get(END, [None])[-1]
        if start is None and end is None:
            start = min(w for ws in dates.values() for w in ws)
        lane = _lane(index, s)
        rows.append((s, start, end, lane))
    rows.sort(key=lambda r: ((r[1] or r[2]).first, (r[2] or r[1]).last, r[3], r[0]))

    g = nx.DiGraph()
    lane_order: dict[str, str] = {}   # lane -> its label, in order of first appearance
    previous: dict[str, str] = {}
    for order, (s, start, end, lane) in enumerate(rows):
        if lane not in lane_order:
            lane_order[lane] = index.label(lane) if lane else ""
        shown = start or end
        g.add_node(s, **index.describe(s),
                   date=_display(start, end), start=start.value if start else "", end=end.value if end else "",
                   granularity=shown.granularity, first=shown.first.isoformat(),
                   last=(end or start).last.isoformat(), span=bool(start and end and start != end),
                   lane=lane, lane_label=lane_order[lane], order=order)
        if lane in previous:
            g.add_edge(previous[lane], s, relation="next", lane=lane)
        previous[lane] = s
    g.graph["lanes"] = list(lane_order.items())
    return g


def _display(start: When | None, end: When | None) -> str:
    if start and end and start != end:
        return f"{start.value} ~ {end.value}"
    if end and not start:
        return f"~ {end.value}"
    return (start or end).value


def _lane(index: GraphIndex, s: str) -> str:
    """The organization a dated node belongs to: a direct link, else one named in its evidence sentence."""
    direct = index.orgs(s)
    if direct:
        return direct[0]
    counts: Counter = Counter()
    for sentence in index.links(s, TIKG.evidence.value):
        for other in index.citing_organizations(sentence):
            counts[other] += 1
    if not counts:
        return ""
    return min(counts, key=lambda o: (-counts[o], o))
