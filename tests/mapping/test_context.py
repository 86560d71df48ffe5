"""kg/mapping/context.py: the triples made as N-Triples text are the triples made as terms would be."""
from __future__ import annotations

import pyoxigraph as ox

from kg.iris import Iris
from kg.mapping.context import ArticleContext, Triple, as_terms, integer, text
from kg.mention import Mention
from kg.vocab import PROV, RDF, SCHEMA, TIKG
from tests.conftest import make_article

BODY = '첫 문장이다. KT는 "9.8GB" 유출\\경위를\t밝혔다.'


def test_a_mention_nodes_text_triples_are_its_triples_as_terms():
    article = make_article(BODY, "2025-12-30 00:00")
    start = article.body.index('"9.8GB"')
    m = Mention("quantity", start, start + 7, '"9.8GB"', 9.8, "q-rule \\ \"quoted\"")
    ctx = ArticleContext(article, Iris())
    n, triples = ctx.mention_node(m, SCHEMA.QuantitativeValue)
    node = Iris().mention(article.id, "quantity", start, start + 7)
    assert n == str(node)
    sentence = Iris().sentence(article.id, article.sentence_at(start))
    assert [as_terms(t) for t in triples] == [
        Triple(node, RDF.type, SCHEMA.QuantitativeValue),
        Triple(node, TIKG.surfaceText, text('"9.8GB"')),
        Triple(node, TIKG.startOffset, integer(start)),
        Triple(node, TIKG.endOffset, integer(start + 7)),
        Triple(node, TIKG.extractionRule, text('q-rule \\ "quoted"')),
        Triple(node, PROV.wasDerivedFrom, ctx.article_iri),
        Triple(node, TIKG.evidence, sentence),
    ]
    span = article.sentences[article.sentence_at(start)]
    assert [as_terms(t) for t in ctx.sentence_triples()] == [
        Triple(sentence, RDF.type, TIKG.Sentence),
        Triple(sentence, SCHEMA.text, text(span.text)),
        Triple(sentence, TIKG.startOffset, integer(span.start)),
        Triple(sentence, TIKG.endOffset, integer(span.end)),
        Triple(sentence, SCHEMA.isPartOf, ctx.article_iri),
    ]
    assert "\\\\" in triples[4][2] and "\\t" in str(ox.Literal(span.text))  # escaped as Oxigraph escapes


def test_as_terms_leaves_triples_of_terms_as_they_are():
    t = Triple(ox.NamedNode("https://kg.example/a"), RDF.type, TIKG.Sentence)
    assert as_terms(t) is t


def test_every_mapper_writes_its_triples_as_oxigraph_writes_them(seed_build):
    """The mappers make N-Triples text themselves; read back as terms and written by Oxigraph, each triple
    is the same text, so text and term triples sort and merge alike. Every seed article, every mention
    kind, with the whole build's story resolver (merged periods, incidents, latest figures)."""
    from kg.mapping import MAPPERS, triples_for_article
    from kg.story import story_resolver
    kg = seed_build.kg
    resolver = story_resolver(kg.digests, kg.iris)
    kinds, count = set(), 0
    for facts in kg.articles:
        ctx = ArticleContext(facts.article, kg.iris, resolver)
        kinds.update(m.kind for m in facts.mentions)
        for t in triples_for_article(ctx, list(facts.mentions)):
            assert isinstance(t[0], str), t
            assert " ".join(t) == str(ox.Triple(*as_terms(t))), t
            count += 1
    assert kinds == set(MAPPERS) and count > 1000
