"""graph.trig: one named graph per article (what that article says), graph-level facts in the default graph.

The named graph of an article is called by the article's IRI and holds
``kg.article_triples(facts)``; the default graph holds what only the whole
build knows (``tikg:supportCount``). The union of all graphs is exactly the
Turtle export's triples, so provenance survives merging: a consumer can ask
which articles state a triple (``GRAPH ?article { ... }``).
"""
from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from kg.export.turtle import HEADER
from kg.vocab import prefixes


def trig_quads(kg) -> list[ox.Quad]:
    quads: set[ox.Quad] = set()
    stated: set[ox.Triple] = set()
    for facts in kg.articles:
        graph = kg.iris.article(facts.article.id)
        for t in kg.article_triples(facts):
            quads.add(ox.Quad(t.subject, t.predicate, t.object, graph))
            stated.add(t)
    for t in kg.triples:
        if t not in stated:
            quads.add(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()))
    return sorted(quads, key=lambda q: ("" if isinstance(q.graph_name, ox.DefaultGraph) else q.graph_name.value,
                                        q.subject.value, q.predicate.value, str(q.object)))


def write_trig(kg, out_dir: Path) -> Path:
    from kg.export import atomic_output
    target = Path(out_dir) / "graph.trig"
    prefix_map = prefixes(kg.iris.base)
    body = ox.serialize(trig_quads(kg), format=ox.RdfFormat.TRIG, prefixes=prefix_map)
    lines = body.split(b"\n")
    n = 0
    while n < len(lines) and lines[n].startswith(b"@prefix"):
        n += 1
    head = "".join(f"@prefix {p}: <{iri}> .\n" for p, iri in sorted(prefix_map.items())).encode("utf-8")
    with atomic_output(target) as handle:
        handle.write(HEADER.encode("utf-8"))
        handle.write(head + b"\n" + b"\n".join(lines[n:]))
    return target
