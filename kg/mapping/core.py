"""The article node, organizations and persons."""
from __future__ import annotations

import re
from typing import Iterator
from urllib.parse import quote

from pyoxigraph import NamedNode

from kg.extract.organizations import DISCOVERED_PREFIX, lexicon
from kg.extract.persons import parse_author
from kg.ingest import ArticleError, parse_korea_time
from kg.mapping.context import (_DERIVED, _EVIDENCE, _TYPE, ArticleContext, TextTriple, literal_text, plain_text,
                                term_text, typed_text)
from kg.mention import Mention
from kg.vocab import RDFS, SCHEMA, TIKG, XSD

_NAME, _ALTERNATE_NAME, _LABEL, _SAME_AS, _JOB_TITLE, _WORKS_FOR = (term_text(p) for p in (
    SCHEMA.name, SCHEMA.alternateName, RDFS.label, SCHEMA.sameAs, SCHEMA.jobTitle, SCHEMA.worksFor))
_PERSON = term_text(SCHEMA.Person)

_IRI_SAFE = ":/?#[]@!$&'()*+,;=%~-._"


def url_iri(url: str) -> NamedNode | None:
    """The article's URL as an IRI, with characters IRIs forbid (spaces, quotes, '>') percent-encoded."""
    url = url.strip()
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", url):
        return None
    return NamedNode(quote(url, safe=_IRI_SAFE))


def organization_key_for_name(name: str) -> str:
    """The key of an organization named ``name``: its lexicon key, or a discovered key."""
    return lexicon().by_surface.get(name, DISCOVERED_PREFIX + name)


def organization_triples(ctx: ArticleContext, key: str, surface: str | None,
                         discovered_type: str | None = None) -> list[TextTriple]:
    """An organization seen in this article; its name, class and labels come from the lexicon."""
    if not ctx.first_time(("organization", key, surface, discovered_type)):
        return []
    n = _organization(ctx, key)
    entry = lexicon().entries.get(key)
    name = entry.name if entry else key.lstrip(DISCOVERED_PREFIX)
    triples = [(n, _TYPE, term_text(TIKG[entry.type if entry else (discovered_type or "Company")])),
               (n, _NAME, plain_text(name))]
    if surface and surface != name:
        triples.append((n, _ALTERNATE_NAME, plain_text(surface)))
    if entry and entry.english:
        triples.append((n, _LABEL, literal_text(entry.english, "en")))
    if entry and entry.wikidata:
        triples.append((n, _SAME_AS, str(NamedNode(f"http://www.wikidata.org/entity/{entry.wikidata}"))))
    triples.append((n, _DERIVED, ctx.article_text))
    return triples


def _organization(ctx: ArticleContext, key: str) -> str:
    return str(ctx.iris.organization(key))


def map_organization(ctx: ArticleContext, m: Mention) -> list[TextTriple]:
    triples = organization_triples(ctx, m.value, m.surface, m.get("type"))
    triples.append((_organization(ctx, m.value), _EVIDENCE, ctx.sentence_text(m)))
    return triples


def map_person(ctx: ArticleContext, m: Mention) -> list[TextTriple]:
    """A person with a title and an employer (the contract requires both; a name alone is not kept)."""
    org = m.get("org")
    if not org or not m.get("title"):
        return []
    n = str(ctx.iris.person(m.value, org))
    return [(n, _TYPE, _PERSON), (n, _NAME, plain_text(m.value)), (n, _JOB_TITLE, plain_text(m.get("title"))),
            (n, _WORKS_FOR, _organization(ctx, org)), *ctx.provenance(n, m)]


def article_triples(ctx: ArticleContext) -> Iterator[TextTriple]:
    """The article node with every front-matter field, its publisher and its author."""
    a, node = ctx.article, ctx.article_text
    f = a.fields
    yield node, _TYPE, term_text(SCHEMA.NewsArticle)
    yield node, term_text(SCHEMA.identifier), literal_text(a.id)
    if a.title:
        yield node, term_text(SCHEMA.headline), literal_text(a.title)
    yield node, term_text(SCHEMA.datePublished), typed_text(a.published_at.isoformat(), XSD.dateTime)
    if f.get("crawled_at"):
        try:
            yield node, term_text(TIKG.crawledAt), typed_text(parse_korea_time(f["crawled_at"]).isoformat(), XSD.dateTime)
        except ArticleError:
            pass  # a bad crawl time is bookkeeping, not a reason to drop the article
    if f.get("url") and (iri := url_iri(f["url"])):
        yield node, term_text(SCHEMA.url), str(iri)
    for field, prop in (("oid", TIKG.oid), ("aid", TIKG.aid), ("category", TIKG.category),
                        ("content_hash", TIKG.contentHash)):
        if f.get(field):
            yield node, term_text(prop), literal_text(f[field])
    yield node, term_text(TIKG.sourceFile), literal_text(a.path.replace("\\", "/").rsplit("/", 1)[-1])
    publisher = None
    if f.get("publisher"):
        publisher = organization_key_for_name(f["publisher"])
        yield from organization_triples(ctx, publisher, f["publisher"], "NewsMedia")
        yield node, term_text(SCHEMA.publisher), _organization(ctx, publisher)
    author = parse_author(f.get("author", ""))
    if author.get("name") and author.get("jobTitle") and publisher:
        person = str(ctx.iris.person(author["name"], publisher))
        yield node, term_text(SCHEMA.author), person
        yield person, _TYPE, _PERSON
        yield person, _NAME, plain_text(author["name"])
        yield person, _JOB_TITLE, plain_text(author["jobTitle"])
        if author.get("email"):
            yield person, term_text(SCHEMA.email), literal_text(author["email"])
        yield person, _WORKS_FOR, _organization(ctx, publisher)
        yield person, _DERIVED, node
