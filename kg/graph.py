"""Assemble the articles' facts into one graph: nodes merged across articles, counts over the whole.

Mapping an article needs to know which cross-article node its mentions
belong to (an incident told by twenty articles is one node); the assembler
decides that first, then maps every article, then adds what only the whole
build knows (how many articles support a node).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Iterator

import pyoxigraph as ox
from pyoxigraph import Literal, NamedNode, Triple

from kg.ingest import Article
from kg.iris import Iris
from kg.mapping import ArticleContext, Resolver, triples_for_article
from kg.mention import Mention
from kg.vocab import PROV, TIKG, XSD, DEFAULT_BASE_IRI


@dataclass(frozen=True)
class ArticleFacts:
    """One article and what the extractors found in it: the unit that is cached and parallelised."""

    article: Article
    mentions: tuple[Mention, ...]


@dataclass
class KnowledgeGraph:
    iris: Iris
    articles: list[ArticleFacts]
    resolver: Resolver
    triples: list[Triple] = field(default_factory=list)  # the merged graph, sorted

    def article_triples(self, facts: ArticleFacts) -> Iterator[Triple]:
        """What one article contributes (its named graph in TriG)."""
        return triples_for_article(ArticleContext(facts.article, self.iris, self.resolver), list(facts.mentions))

    def store(self) -> ox.Store:
        store = ox.Store()
        store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in self.triples)
        return store

    def to_rdflib(self):
        """The graph as an rdflib ``Graph`` (for notebooks and pySHACL)."""
        import rdflib
        from kg.vocab import prefixes
        graph = rdflib.Graph()
        for prefix, iri in prefixes(self.iris.base).items():
            graph.bind(prefix, iri)
        data = ox.serialize(self.triples, format=ox.RdfFormat.N_TRIPLES)
        graph.parse(data=data.decode("utf-8"), format="nt")
        return graph

    @property
    def node_count(self) -> int:
        return len({t.subject for t in self.triples})


def sort_key(t: Triple) -> str:
    """The export order: by the triple's N-Triples text (formatted by Oxigraph, 2.6x faster to sort
    than a tuple of its terms' values). A total, deterministic order that keeps a subject's triples
    together, which is what Turtle needs to group them."""
    return str(t)


def assemble(facts: list[ArticleFacts], base_iri: str = DEFAULT_BASE_IRI) -> KnowledgeGraph:
    iris = Iris(base_iri)
    from kg.story import story_resolver  # incidents, remedies, sanctions, events, figures across articles
    resolver = story_resolver(facts, iris)
    kg = KnowledgeGraph(iris, facts, resolver)
    merged: set[Triple] = set()
    for f in facts:
        merged.update(kg.article_triples(f))
    merged.update(support_counts(merged))
    kg.triples = sorted(merged, key=sort_key)
    return kg


def support_counts(triples: set[Triple]) -> Iterator[Triple]:
    """``tikg:supportCount`` on every node found in more than one place: how many articles support it."""
    counts = Counter(t.subject for t in triples if t.predicate == PROV.wasDerivedFrom)
    for node, count in counts.items():
        yield Triple(node, TIKG.supportCount, Literal(str(count), datatype=XSD.integer))
