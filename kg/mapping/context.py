"""What a mapper needs: the article, the IRI minter, literal helpers and evidence bookkeeping."""
from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from typing import Any, Iterator, NamedTuple

from pyoxigraph import Literal, NamedNode, RdfFormat
from pyoxigraph import parse as ox_parse

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

    def answer(self, article_id: str, mention: Mention) -> tuple[NamedNode | None, dict]:
        """``node_for`` and ``attrs_for`` in one call (a resolver may answer both in one look-up)."""
        return self.node_for(article_id, mention), self.attrs_for(article_id, mention)


class ArticleContext:
    def __init__(self, article: Article, iris: Iris, resolver: Resolver | None = None):
        self.article = article
        self.iris = iris
        self.resolver = resolver or Resolver()
        self.article_iri = iris.article(article.id)
        self.article_text = str(self.article_iri)  # as its N-Triples term
        self._cited: dict[int, str] = {}  # the sentences cited so far: index -> its node as N-Triples
        self._made: set = set()

    def first_time(self, key) -> bool:
        """True the first time ``key`` is asked for in this article: a mapper skips the triples it made
        already (an organization named twenty times is described once)."""
        if key in self._made:
            return False
        self._made.add(key)
        return True

    def sentence_text(self, mention: Mention) -> str:
        """The node of the mention's sentence as its N-Triples term; the sentence is cited (as evidence)
        from now on (``sentence_triples``)."""
        index = self.article.sentence_at(mention.start)
        n = self._cited.get(index)
        if n is None:
            n = self._cited[index] = str(self.iris.sentence(self.article.id, index))
        return n

    def provenance(self, n: str, mention: Mention) -> Iterator[TextTriple]:
        """Every extracted node (``n``, its N-Triples term): derived from its article, evidenced by a sentence."""
        return iter(((n, _DERIVED, self.article_text), (n, _EVIDENCE, self.sentence_text(mention))))

    def mention_node(self, mention: Mention, rdf_type: NamedNode) -> tuple[str, list[TextTriple]]:
        """A node that exists once per mention (a figure, a date expression), as its N-Triples term, with
        its span and rule."""
        n = str(self.iris.mention(self.article.id, mention.kind, mention.start, mention.end))
        return n, [
            (n, _TYPE, term_text(rdf_type)),
            (n, _SURFACE, str(Literal(mention.surface))),
            (n, _START, integer_text(mention.start)),
            (n, _END, integer_text(mention.end)),
            (n, _RULE, plain_text(mention.rule)),
            (n, _DERIVED, self.article_text),
            (n, _EVIDENCE, self.sentence_text(mention)),
        ]

    @property
    def cited(self) -> frozenset[int]:
        """Indices of the sentences cited as evidence so far."""
        return frozenset(self._cited)

    def sentence_triples(self, only=None) -> Iterator[TextTriple]:
        """The sentences cited as evidence (those in ``only``, if given): their text and offsets in the body."""
        article = self.article_text
        for index in sorted(self._cited if only is None else self._cited.keys() & only):
            span = self.article.sentences[index]
            n = self._cited[index]
            yield n, _TYPE, _SENTENCE
            yield n, _TEXT, str(Literal(span.text))
            yield n, _START, integer_text(span.start)
            yield n, _END, integer_text(span.end)
            yield n, _PART_OF, article


# Every mapper makes its triples as their N-Triples terms rather than as pyoxigraph terms: they are only ever
# written out (kg.render.distinct_sorted), and making and formatting the terms took a third of the mapping's
# time. The predicates every mapper writes are here; each mapper module names the rest it writes.
TextTriple = tuple[str, str, str]
_TYPE, _SURFACE, _START, _END, _RULE, _DERIVED, _EVIDENCE, _TEXT, _PART_OF = (str(p) for p in (
    RDF.type, TIKG.surfaceText, TIKG.startOffset, TIKG.endOffset, TIKG.extractionRule, PROV.wasDerivedFrom,
    TIKG.evidence, SCHEMA.text, SCHEMA.isPartOf))
_SENTENCE = str(TIKG.Sentence)


@lru_cache(maxsize=4096)
def integer_text(value: int) -> str:
    return str(integer(value))


@lru_cache(maxsize=4096)
def plain_text(value: str) -> str:
    """A plain string literal's N-Triples term, for values that repeat (rule ids)."""
    return str(Literal(value))


@lru_cache(maxsize=256)
def term_text(term: NamedNode) -> str:
    """A vocabulary term's N-Triples text."""
    return str(term)


def literal_text(value: str, language: str | None = None) -> str:
    """A string literal's N-Triples term, for values that seldom repeat (see ``plain_text``)."""
    return str(text(value, language))


@lru_cache(maxsize=4096)
def typed_text(value: str, datatype: NamedNode) -> str:
    """A typed literal's N-Triples term (dates and durations repeat across mentions)."""
    return str(Literal(value, datatype=datatype))


@lru_cache(maxsize=4096, typed=True)  # typed: 0.1 and Decimal(0.1) are equal keys, not equal numbers
def number_text(value) -> str:
    """``number(value)`` as its N-Triples term."""
    return str(number(value))


def as_terms(triple) -> Triple:
    """A mapper's triple as pyoxigraph terms, whether it was made of terms or of their N-Triples text."""
    if not isinstance(triple[0], str):
        return triple
    quad = next(iter(ox_parse(" ".join(triple).encode("utf-8") + b" .\n", format=RdfFormat.N_TRIPLES)))
    return Triple(quad.subject, quad.predicate, quad.object)
