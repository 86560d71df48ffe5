"""graph.trig: one named graph per article (what that article says), graph-level facts in the default graph.

The named graph of an article is called by the article's IRI and holds
``kg.article_triples(facts)``; the default graph holds what only the whole
build knows (``tikg:supportCount``). The union of all graphs is exactly the
Turtle export's triples, so provenance survives merging: a consumer can ask
which articles state a triple (``GRAPH ?article { ... }``).
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pyoxigraph as ox

from kg.export.files import rdf_bytes, write_file
from kg.export.turtle import HEADER
from kg.vocab import prefixes


def trig_quads(kg) -> Iterator[ox.Quad]:
    """The default graph first, then each article's graph, by IRI; triples sorted within each graph.

    Sorting per graph gives the same order as one global sort, for a fraction of the work:
    ``kg.triples`` is already sorted, and an article's graph holds a few hundred triples.
    """
    from kg.graph import sort_key
    articles = sorted(((kg.iris.article(f.article.id), f) for f in kg.articles), key=lambda x: x[0].value)
    per_article = [(graph, sorted(set(kg.article_triples(f)), key=sort_key)) for graph, f in articles]
    stated = {t for _, triples in per_article for t in triples}
    default = ox.DefaultGraph()
    for t in kg.triples:
        if t not in stated:
            yield ox.Quad(t.subject, t.predicate, t.object, default)
    del stated
    for graph, triples in per_article:
        for t in triples:
            yield ox.Quad(t.subject, t.predicate, t.object, graph)


def write_trig(kg, out_dir: Path) -> Path:
    return write_file(Path(out_dir) / "graph.trig",
                      rdf_bytes(trig_quads(kg), ox.RdfFormat.TRIG, prefixes(kg.iris.base), HEADER))
