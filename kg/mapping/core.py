"""The article node, organizations and persons."""
from __future__ import annotations

import re
from typing import Iterator
from urllib.parse import quote

from pyoxigraph import NamedNode

from kg.extract.organizations import DISCOVERED_PREFIX, lexicon
from kg.extract.persons import parse_author
from kg.ingest import ArticleError, parse_korea_time
from kg.mapping.context import ArticleContext, text, typed, Triple
from kg.mention import Mention
from kg.vocab import PROV, RDF, RDFS, SCHEMA, TIKG, XSD

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
                         discovered_type: str | None = None) -> Iterator[Triple]:
    """An organization seen in this article; its name, class and labels come from the lexicon."""
    if not ctx.first_time(("organization", key, surface, discovered_type)):
        return
    node = ctx.iris.organization(key)
    entry = lexicon().entries.get(key)
    name = entry.name if entry else key.lstrip(DISCOVERED_PREFIX)
    yield Triple(node, RDF.type, TIKG[entry.type if entry else (discovered_type or "Company")])
    yield Triple(node, SCHEMA.name, text(name))
    if surface and surface != name:
        yield Triple(node, SCHEMA.alternateName, text(surface))
    if entry and entry.english:
        yield Triple(node, RDFS.label, text(entry.english, "en"))
    if entry and entry.wikidata:
        yield Triple(node, SCHEMA.sameAs, NamedNode(f"http://www.wikidata.org/entity/{entry.wikidata}"))
    yield Triple(node, PROV.wasDerivedFrom, ctx.article_iri)


def map_organization(ctx: ArticleContext, m: Mention) -> Iterator[Triple]:
    yield from organization_triples(ctx, m.value, m.surface, m.get("type"))
    yield Triple(ctx.iris.organization(m.value), TIKG.evidence, ctx.sentence_iri(m))


def map_person(ctx: ArticleContext, m: Mention) -> Iterator[Triple]:
    """A person with a title and an employer (the contract requires both; a name alone is not kept)."""
    org = m.get("org")
    if not org or not m.get("title"):
        return
    node = ctx.iris.person(m.value, org)
    yield Triple(node, RDF.type, SCHEMA.Person)
    yield Triple(node, SCHEMA.name, text(m.value))
    yield Triple(node, SCHEMA.jobTitle, text(m.get("title")))
    yield Triple(node, SCHEMA.worksFor, ctx.iris.organization(org))
    yield from ctx.provenance(node, m)


def article_triples(ctx: ArticleContext) -> Iterator[Triple]:
    """The article node with every front-matter field, its publisher and its author."""
    a, node = ctx.article, ctx.article_iri
    f = a.fields
    yield Triple(node, RDF.type, SCHEMA.NewsArticle)
    yield Triple(node, SCHEMA.identifier, text(a.id))
    if a.title:
        yield Triple(node, SCHEMA.headline, text(a.title))
    yield Triple(node, SCHEMA.datePublished, typed(a.published_at.isoformat(), XSD.dateTime))
    if f.get("crawled_at"):
        try:
            yield Triple(node, TIKG.crawledAt, typed(parse_korea_time(f["crawled_at"]).isoformat(), XSD.dateTime))
        except ArticleError:
            pass  # a bad crawl time is bookkeeping, not a reason to drop the article
    if f.get("url") and (iri := url_iri(f["url"])):
        yield Triple(node, SCHEMA.url, iri)
    for field, prop in (("oid", TIKG.oid), ("aid", TIKG.aid), ("category", TIKG.category),
                        ("content_hash", TIKG.contentHash)):
        if f.get(field):
            yield Triple(node, prop, text(f[field]))
    yield Triple(node, TIKG.sourceFile, text(a.path.replace("\\", "/").rsplit("/", 1)[-1]))
    publisher = None
    if f.get("publisher"):
        publisher = organization_key_for_name(f["publisher"])
        yield from organization_triples(ctx, publisher, f["publisher"], "NewsMedia")
        yield Triple(node, SCHEMA.publisher, ctx.iris.organization(publisher))
    author = parse_author(f.get("author", ""))
    if author.get("name") and author.get("jobTitle") and publisher:
        person = ctx.iris.person(author["name"], publisher)
        yield Triple(node, SCHEMA.author, person)
        yield Triple(person, RDF.type, SCHEMA.Person)
        yield Triple(person, SCHEMA.name, text(author["name"]))
        yield Triple(person, SCHEMA.jobTitle, text(author["jobTitle"]))
        if author.get("email"):
            yield Triple(person, SCHEMA.email, text(author["email"]))
        yield Triple(person, SCHEMA.worksFor, ctx.iris.organization(publisher))
        yield Triple(person, PROV.wasDerivedFrom, node)
