"""What a mapper needs: the article, the IRI minter, literal helpers and evidence bookkeeping."""
from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from typing import Any, Iterator, NamedTuple

from pyoxigraph import Literal, NamedNode

from kg.ingest import Article
from kg.iris import Iris
from kg.mention import Mention
from kg.vocab import PROV, RDF, SCHEMA, TIKG, XSD


class Triple(NamedTuple):
    """A triple of pyoxigraph terms as the mappers make it: a plain tuple, about 15x cheaper to make than
    ``pyoxigraph.Triple``, and ``str()`` gives its N-Triples text as Oxigraph writes it (tested)."""

    subject: NamedNode
    predicate: NamedNode
    object: Any  # NamedNode or Literal

    def __str__(self) -> str:
        return f"{self.subject} {self.predicate} {self.object}"


def text(value: str, language: str | None = None) -> Literal:
    return Literal(value, language=language) if language else Literal(value)


@lru_cache(maxsize=4096)
def integer(value: int) -> Literal:
    """Cached: offsets and counts repeat (every mention node has two offsets, every sentence two)."""
    return Literal(str(int(value)), datatype=XSD.integer)


def number(value) -> Literal:
    """xsd:integer for whole numbers, xsd:decimal otherwise (9.82 GB stays 9.82)."""
    d = Decimal(str(value))
    if d == d.to_integral_value():
        return integer(int(d))
    return Literal(format(d.normalize(), "f"), datatype=XSD.decimal)


def typed(value: str, datatype: NamedNode) -> Literal:
    return Literal(value, datatype=datatype)


class Resolver:
    """Answers what only the whole build knows: which cross-article node a mention belongs to.

    The graph assembler (:mod:`kg.graph`) fills it before mapping; the
    default resolves each mention on its own.
    """

    def node_for(self, article_id: str, mention: Mention) -> NamedNode | None:
        return None

    def attrs_for(self, article_id: str, mention: Mention) -> dict:
        """What the whole build knows about the mention's node (its incident, merged period ...)."""
        return {}


class ArticleContext:
    def __init__(self, article: Article, iris: Iris, resolver: Resolver | None = None):
        self.article = article
        self.iris = iris
        self.resolver = resolver or Resolver()
        self.article_iri = iris.article(article.id)
        self._cited: dict[int, NamedNode] = {}  # the sentences cited so far, with their nodes
        self._made: set = set()

    def first_time(self, key) -> bool:
        """True the first time ``key`` is asked for in this article: a mapper skips the triples it made
        already (an organization named twenty times is described once)."""
        if key in self._made:
            return False
        self._made.add(key)
        return True

    def sentence_iri(self, mention: Mention) -> NamedNode:
        index = self.article.sentence_at(mention.start)
        node = self._cited.get(index)
        if node is None:  # made once: a sentence is cited by several mentions
            node = self._cited[index] = self.iris.sentence(self.article.id, index)
        return node

    def provenance(self, node: NamedNode, mention: Mention) -> Iterator[Triple]:
        """Every extracted node: derived from its article, evidenced by a sentence, found by a rule."""
        yield Triple(node, PROV.wasDerivedFrom, self.article_iri)
        yield Triple(node, TIKG.evidence, self.sentence_iri(mention))

    def mention_node(self, mention: Mention, rdf_type: NamedNode) -> tuple[NamedNode, list[Triple]]:
        """A node that exists once per mention (a figure, a date expression), with its span and rule."""
        node = self.iris.mention(self.article.id, mention.kind, mention.start, mention.end)
        triples = [
            Triple(node, RDF.type, rdf_type),
            Triple(node, TIKG.surfaceText, text(mention.surface)),
            Triple(node, TIKG.startOffset, integer(mention.start)),
            Triple(node, TIKG.endOffset, integer(mention.end)),
            Triple(node, TIKG.extractionRule, text(mention.rule)),
            *self.provenance(node, mention),
        ]
        return node, triples

    @property
    def cited(self) -> frozenset[int]:
        """Indices of the sentences cited as evidence so far."""
        return frozenset(self._cited)

    def sentence_triples(self, only=None) -> Iterator[Triple]:
        """The sentences cited as evidence (those in ``only``, if given): their text and offsets in the body."""
        for index in sorted(self._cited if only is None else self._cited.keys() & only):
            span = self.article.sentences[index]
            node = self._cited[index]
            yield Triple(node, RDF.type, TIKG.Sentence)
            yield Triple(node, SCHEMA.text, text(span.text))
            yield Triple(node, TIKG.startOffset, integer(span.start))
            yield Triple(node, TIKG.endOffset, integer(span.end))
            yield Triple(node, SCHEMA.isPartOf, self.article_iri)
