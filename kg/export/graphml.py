"""graph.graphml: the relations view for Cytoscape, yEd and Gephi.

Attributes are flattened to what those tools read: strings and integers only,
lists joined with " | ", no missing values (an empty string instead). Edges are
keyed ``e0, e1 ...`` (unique ids) and carry ``relation`` (``affects``,
``offeredBy`` ...) and a Korean ``label``.
"""
from __future__ import annotations

from pathlib import Path

import networkx as nx

from kg.views.relations import relations
from kg.export.files import atomic_output

JOIN = " | "
NODE_FIELDS = ("label", "kind", "types", "figures", "evidence", "dates", "first", "last", "support",
               "source_titles", "source_urls", "iri")


def flat_value(value) -> str | int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, str)):
        return value
    if isinstance(value, float):
        return repr(value)
    if value is None:
        return ""
    return JOIN.join(str(v) for v in value)


def flat_graph(view: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy of the relations view with flat attributes and unique edge ids, in a stable order."""
    g = nx.MultiDiGraph()
    for n in sorted(view):
        d = view.nodes[n]
        d = {**d, "source_titles": [s["title"] for s in d["sources"]],
             "source_urls": [s["url"] for s in d["sources"] if s["url"]]}
        g.add_node(n, **{k: flat_value(d.get(k, "")) for k in NODE_FIELDS})
    edges = sorted(view.edges(keys=True, data=True), key=lambda e: (e[0], e[1], e[2]))
    for i, (u, v, key, d) in enumerate(edges):
        g.add_edge(u, v, key=f"e{i}", relation=key, label=flat_value(d.get("label", key)))
    return g


def write_graphml(kg, out_dir: Path) -> Path:
    target = Path(out_dir) / "graph.graphml"
    g = flat_graph(relations(kg))
    with atomic_output(target) as handle:
        for line in nx.generate_graphml(g, encoding="utf-8", prettyprint=True):
            handle.write((line + "\n").encode("utf-8"))
    return target
