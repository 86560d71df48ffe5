"""Assemble the articles' facts into one graph: nodes merged across articles, counts over the whole.

Each article's own nodes (its sentences, dates, figures) were rendered where it
was extracted (:mod:`kg.render`). What is left needs every article: the story
resolver decides which incident, remedy, sanction, event and figure node each
story mention belongs to (an incident told by twenty articles is one node);
the story mentions are mapped with it; the lines about shared nodes
(organizations, persons, story nodes) are merged; and ``tikg:supportCount``
says how many articles support each merged node.

The graph is held as N-Triples text (``shared_nt``) plus the render entries, in
one deterministic order: the shared nodes' lines sorted, then each article's
own lines, articles by id. Every export follows that order.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Iterable, Iterator

import pyoxigraph as ox
from pyoxigraph import Triple

from kg.ingest import Article
from kg.iris import Iris
from kg.mapping import ArticleContext, Resolver, story_triples, triples_for_article
from kg.mapping.context import as_terms
from kg.mention import Mention
from kg.render import ArticleDigest, ArticleStub, RenderStore, nt_lines, render_article
from kg.story import StoryResolver, story_resolver, window_days  # incidents, remedies, ... across articles
from kg.story_delta import ledger_of, resolve_added
from kg.delta import copy_file_span, keys_if_only_added, merged_with, subjects_not_in
from kg.story_cache import StoryPack, discard_spool, keep_spool, new_spool, read_at
from kg.vocab import PROV, TIKG, XSD, DEFAULT_BASE_IRI
from kg.workers import can_fork, in_child, pooled_map


# (distinct subjects, lines) of the shared lines, each None where not known
SharedCounts = tuple[int | None, int | None]


@dataclass(frozen=True)
class ArticleFacts:
    """One article and what the extractors found in it: the unit that is cached and parallelised."""

    article: Article
    mentions: tuple[Mention, ...]


_COUNT_PIECE = 1 << 23  # bytes of lines split at a time (KnowledgeGraph.node_count)


@dataclass
class KnowledgeGraph:
    iris: Iris
    digests: list[ArticleDigest]  # sorted by article id
    resolver: Resolver | None  # the story resolver; None once assembled (made again on demand)
    story: dict[str, tuple[int, int]] = field(default_factory=dict)  # article id -> its story lines in _spool
    shared_nt: bytes = b""  # sorted lines about nodes that are not one article's own, support counts included
    support_nt: bytes = b""  # the tikg:supportCount lines (TriG's default graph)
    shared_subjects: int | None = None  # the distinct subjects of shared_nt, if the assembly counted them
    shared_lines: int | None = None  # and its lines
    export_memo: Path | None = None  # where the writers keep what their files hold (kg.export.pieces); no cache: None
    _keep: object = field(default=None, repr=False)  # a temporary render folder that must outlive the graph
    _spool: object = field(default=None, repr=False)  # the file of the articles' story lines (kg.story_cache)

    def story_nt(self, digest: ArticleDigest) -> bytes:
        """The N-Triples lines of one article's story mentions (its part of TriG)."""
        span = self.story.get(digest.id, (0, 0))
        if not span[1]:
            return b""
        self._spool.flush()
        return read_at(self._spool.fileno(), span)

    # -- sizes without reading the render entries
    @property
    def triple_count(self) -> int:
        shared = self.shared_lines if self.shared_lines is not None else self.shared_nt.count(b"\n")
        return shared + sum(d.local_triples for d in self.digests)

    @property
    def node_count(self) -> int:
        """Distinct subjects. The shared lines are split a few MB at a time, not all at once: the CLI counts
        while the view process peaks, and their list was 0.1 GB more at 10,000 articles."""
        if self.shared_subjects is not None:
            return self.shared_subjects + sum(d.local_subjects for d in self.digests)
        data, shared, at = self.shared_nt, set(), 0
        while at < len(data):
            end = data.find(b"\n", at + _COUNT_PIECE) + 1 or len(data)
            shared.update(line.split(b" ", 1)[0] for line in data[at:end].splitlines())
            at = end
        return len(shared) + sum(d.local_subjects for d in self.digests)

    # -- the whole graph, for the Python API, SHACL and tests (it reads every render entry)
    @cached_property
    def triples(self) -> list[Triple]:
        """Every triple, sorted by N-Triples text."""
        return sorted(parse_nt(b"".join(self.nt_chunks())), key=sort_key)

    def nt_chunks(self) -> Iterator[bytes]:
        """The graph as N-Triples, in export order."""
        yield self.shared_nt
        for d in self.digests:
            yield d.section("nt")

    @cached_property
    def articles(self) -> list[ArticleFacts]:
        """Every article with its mentions, read again from its file (the build keeps only digests)."""
        from kg.build import load_facts
        return [load_facts(d) for d in self.digests]

    def article_triples(self, facts: ArticleFacts) -> Iterator[Triple]:
        """What one article contributes (its named graph in TriG)."""
        if self.resolver is None:
            self.resolver = story_resolver(self.digests, self.iris)
        ctx = ArticleContext(facts.article, self.iris, self.resolver)
        return (Triple(*as_terms(t)) for t in triples_for_article(ctx, list(facts.mentions)))

    def view_graph(self) -> "ViewGraph":
        """What the views read, without the mention and sentence nodes they do not show (see kg.render)."""
        if self.__dict__.get("_view_graph") is None:
            self.__dict__["_view_graph"] = ViewGraph(b"".join(self.view_nt_chunks()), self.iris)
        return self.__dict__["_view_graph"]

    def view_nt_chunks(self) -> Iterator[bytes]:
        """The view graph's N-Triples (:meth:`view_graph`), piece by piece."""
        yield self.shared_nt
        for d in self.digests:
            yield d.section("view")

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
        graph.parse(data=b"".join(self.nt_chunks()).decode("utf-8"), format="nt")
        return graph


@dataclass
class ViewGraph:
    """The triples the views need, as N-Triples, with the IRI minter; views memoize on it.

    ``triples`` parses them on each iteration (the views index them once): at 10,000 articles
    2 million parsed triples held in a list would take 0.7 GB more. They come as quads of the
    default graph, which read like triples (``.subject``, ``.predicate``, ``.object``) and cost
    40% less to make than ``pyoxigraph.Triple``s."""

    nt: bytes | None
    iris: Iris

    @property
    def triples(self) -> Iterator[ox.Quad]:
        if self.nt is None:  # the view process's: its index was made from parts (kg.export.view_writer)
            raise RuntimeError("this view graph holds no text, only its index")
        return ox.parse(self.nt, format=ox.RdfFormat.N_TRIPLES, lenient=True)


def parse_nt(data: bytes) -> list[Triple]:
    return [q.triple for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)]


def sort_key(t: Triple) -> str:
    """The order of ``KnowledgeGraph.triples``: by the triple's N-Triples text (formatted by Oxigraph)."""
    return str(t)


def assemble(facts: list[ArticleFacts], base_iri: str = DEFAULT_BASE_IRI) -> KnowledgeGraph:
    """The graph of articles extracted in this process (renders them into a temporary folder first);
    raises if one cannot be mapped (:func:`kg.build.assemble_facts` skips it instead)."""
    iris = Iris(base_iri)
    folder = tempfile.TemporaryDirectory(prefix="kg-render-")
    store = RenderStore(folder.name, iris.base)
    digests = [store.put(*render_article(f, iris)) for f in facts]
    store.packs.close()
    kg = assemble_digests(digests, iris)
    kg._keep = folder
    return kg


def assemble_digests(digests: list[ArticleDigest], iris: Iris, jobs: int = 1,
                     story_cache: Path | None = None) -> KnowledgeGraph:
    """Resolve the story across articles, map it (in ``jobs`` forked processes), merge the shared lines.

    ``story_cache``: a folder keeping each article's story lines, keyed by its content and what the
    resolver answered for its mentions (:mod:`kg.story_cache`), so that a build which adds one article
    maps again only the articles whose story nodes changed.

    With ``jobs`` > 1 this runs in a child process (:func:`kg.workers.in_child`): the resolver and the
    set of every shared line are 0.3 GB at 10,000 articles that this process could not give back to the
    system afterwards, and it holds on through the exports. The resolver is made again if
    :meth:`KnowledgeGraph.article_triples` asks for it.
    """
    digests = sorted(digests, key=lambda d: d.id)
    if story_cache is not None:
        delta_basis(iris)  # its files are hashed here, before the fork, once for the stamp too (kg.stamp)
    spool, spool_path = new_spool(story_cache)
    kg = KnowledgeGraph(iris, digests, None, _spool=spool)
    try:
        if jobs > 1 and can_fork() and len(digests) >= 2 * _STORY_CHUNK:
            merged = in_child(merged_lines, digests, iris, jobs, story_cache, spool.fileno(), spool_path)
        else:
            merged = merged_lines(digests, iris, jobs, story_cache, spool.fileno(), spool_path)
    except BaseException:
        spool.close()
        discard_spool(spool_path)
        raise
    kg.story, shared, support, (kg.shared_subjects, kg.shared_lines) = merged
    kg.shared_nt, kg.support_nt = (read_at(kg._spool.fileno(), span) for span in (shared, support))
    return kg


def merged_lines(digests: list[ArticleDigest], iris: Iris, jobs: int, story_cache: Path | None,
                 spool: int, spool_path: Path | None = None
                 ) -> tuple[dict[str, tuple[int, int]], tuple[int, int], tuple[int, int], SharedCounts]:
    """Written to the file ``spool``: each article's story lines, the sorted shared lines with the support
    counts, and the support counts alone; returns where each is there (offset, size), the story lines by
    article id, and how many distinct subjects and lines the shared lines have (None where not known: the
    last build's pack does not say). (From a child process, the shared lines came back 0.6-1 s faster
    this way than pickled: 0.18 GB at 10,000 articles.) The story lines are read from ``story_cache`` where
    it has them, and the spool (at ``spool_path``, in that folder) is kept there for the next build
    (:mod:`kg.story_cache`). A build that only adds a few articles to the last one merges theirs into its
    lines (:mod:`kg.delta`)."""
    pack = StoryPack(story_cache)
    made = None
    try:
        basis = delta_basis(iris) if story_cache is not None else ""
        resolver, keys, ledger = resolved(digests, iris, pack, basis, story_cache is not None)
        if keys is not None:
            try:
                offsets, by_key, spans, counts = lines_added(digests, keys, iris, resolver, pack, spool)
                made = offsets, by_key, spans, keys, counts
            except OSError:  # the last build's pack cannot be read after all: the whole story, then
                os.ftruncate(spool, 0)
                os.lseek(spool, 0, os.SEEK_SET)
        if made is None:
            if resolver.only_some:  # it answers for the new articles alone
                resolver = story_resolver(digests, iris)
                ledger = ledger_of(resolver, digests) if story_cache is not None else None
            made = lines_merged(digests, iris, resolver, jobs, pack, spool)
    finally:
        pack.close()
    offsets, by_key, (shared, support), keys, counts = made
    if story_cache is not None and spool_path is not None:
        keep_spool(story_cache, spool_path, by_key, articles=keys, basis=basis, shared=shared, support=support,
                   ledger=ledger, subjects=counts[0], lines=counts[1])
    return offsets, shared, support, counts


def resolved(digests: list[ArticleDigest], iris: Iris, pack: StoryPack, basis: str, keep: bool
             ) -> tuple[StoryResolver, dict[str, str] | None, dict | None]:
    """The story's resolver, every article's story key if the build only adds articles to the one kept in
    ``pack`` (:mod:`kg.delta`), else None, and the ledger to keep (if ``keep``) for the next build.

    When the last build kept a ledger and the new articles leave its stories as they were, the resolver
    answers for the new articles alone (:mod:`kg.story_delta`); else it is made over every article, and
    the keys compared with the last build's."""
    if pack.articles and pack.basis == basis:
        found = resolve_added(digests, iris, window_days(), pack.ledger, pack.articles, story_key)
        if found is not None:
            return found
    resolver = story_resolver(digests, iris)
    keys = keys_if_only_added(digests, lambda d: story_key(d, resolver), pack, basis)
    return resolver, keys, ledger_of(resolver, digests) if keep else None


def lines_merged(digests: list[ArticleDigest], iris: Iris, resolver: StoryResolver, jobs: int, pack: StoryPack,
                 spool: int) -> tuple[dict, dict, list[tuple[int, int]], dict[str, str], SharedCounts]:
    """:func:`merged_lines` of every article: (story spans by id, by key, [shared span, support span],
    story keys by id, distinct subjects and lines of the shared lines)."""
    offsets: dict[str, tuple[int, int]] = {}
    by_key: dict[str, tuple[int, int]] = {}
    keys: dict[str, str] = {}
    shared: set[bytes] = set()
    # each chunk's lines not seen before (sorted by the mappers), one run after the other: sorting the whole
    # then merges the runs (at 10,000 articles, 1.4 s to make and sort against 2.2 s for the set alone, then
    # sorted; and made by the mappers, in parallel, 1.3 s less in this process)
    runs: list[bytes] = []
    at = 0
    with open(spool, "wb", closefd=False) as handle:
        for stories, lines in mapped_chunks(digests, iris, resolver, jobs, pack):
            for d, (story, key) in stories:
                offsets[d.id] = by_key[key] = (at, len(story))
                keys[d.id] = key
                handle.write(story)
                at += len(story)
            new = [line for line in lines if line not in shared]
            shared.update(new)
            runs.extend(new)
        support = support_counts(shared)
        runs.extend(line for line in support if line not in shared)
        runs.sort()
        subjects = len({line[:line.index(b" ")] for line in runs})
        spans = []
        for part in (b"".join(runs), b"".join(support)):
            handle.write(part)
            spans.append((at, len(part)))
            at += len(part)
    return offsets, by_key, spans, keys, (subjects, len(runs))


def lines_added(digests: list[ArticleDigest], keys: dict[str, str], iris: Iris, resolver: StoryResolver,
                pack: StoryPack, spool: int) -> tuple[dict, dict, list[tuple[int, int]], SharedCounts]:
    """:func:`merged_lines` of a build that only adds articles to the last one (:mod:`kg.delta`): the last
    build's story lines copied as they lie in its pack (at the same offsets), the new articles' after them,
    and the last build's shared lines with the new articles' merged in: (story spans by id, by key,
    [shared span, support span], distinct subjects and lines of the shared lines or None). Raises OSError if the pack
    cannot be read."""
    at = pack.shared[0]  # where the last build's story lines end
    copy_file_span(pack.fd, spool, 0, at)
    offsets: dict[str, tuple[int, int]] = {}
    by_key: dict[str, tuple[int, int]] = {}
    added = []
    with open(spool, "wb", closefd=False) as handle:  # writes on from where the copy ended
        for d in digests:
            key = keys[d.id]
            span = pack.spans.get(key) if d.id in pack.articles else None
            if span is None:
                story = story_lines(d, iris, resolver)
                added.append((d, story))
                span = (at, len(story))
                handle.write(story)
                at += len(story)
            offsets[d.id] = by_key[key] = span
        old_shared, old_support = pack.read(pack.shared), pack.read(pack.support)
        lines = chunk_lines(added)
        *parts, gained = merged_with(old_shared, old_support, lines, _DERIVED, support_line)
        subjects = pack.subjects + subjects_not_in(old_shared, lines) if pack.subjects is not None else None
        count = pack.lines + gained if pack.lines is not None else None
        spans = []
        for part in parts:
            handle.write(part)
            spans.append((at, len(part)))
            at += len(part)
    return offsets, by_key, spans, (subjects, count)


def delta_basis(iris: Iris) -> str:
    """What a build's merged lines are made by besides its articles: this package's files, the libraries
    and the base IRI (kg.delta)."""
    from kg.stamp import code_and_libraries
    return f"{code_and_libraries()} {iris.base}"


def story_lines(d: ArticleDigest, iris: Iris, resolver: Resolver) -> bytes:
    """The sorted N-Triples lines of one article's story mentions, mapped with the whole build's resolver."""
    return b"".join(nt_lines(story_triples(ArticleContext(ArticleStub(d), iris, resolver), list(d.story_mentions))))


def story_key(d: ArticleDigest, resolver: StoryResolver) -> str:
    """What an article's story lines depend on: its content and the resolver's answers for its mentions."""
    answers = resolver.answers_text(d.id, d.story_mentions)
    return hashlib.sha256(f"{d.content_hash}\0{d.id}\0{answers}".encode()).hexdigest()


def cached_story(d: ArticleDigest, iris: Iris, resolver: StoryResolver, pack: StoryPack,
                 key: str | None = None) -> tuple[bytes, str]:
    """``story_lines`` of one digest, from ``pack`` if it has them, and its story key (``key``, if known)."""
    key = key or story_key(d, resolver)
    story = pack.get(key)
    if story is None:
        story = story_lines(d, iris, resolver)
    return story, key


_STORY_CHUNK = 200  # articles per task
_forked_story: tuple | None = None  # (digests, iris, resolver, pack), inherited by forked mappers


Chunk = tuple[list[tuple[ArticleDigest, tuple[bytes, str]]], list[bytes]]


def mapped_chunks(digests: list[ArticleDigest], iris: Iris, resolver: Resolver, jobs: int,
                  pack: StoryPack) -> Iterator[Chunk]:
    """For every ``_STORY_CHUNK`` digests, in order: each one's ``cached_story`` (with the digest), and the
    chunk's distinct lines (story lines and the shared nodes' lines), sorted. Forked processes share the
    resolver and the pack instead of pickling them."""
    global _forked_story
    ranges = [(i, min(i + _STORY_CHUNK, len(digests))) for i in range(0, len(digests), _STORY_CHUNK)]
    if jobs < 2 or len(digests) < 2 * _STORY_CHUNK or not can_fork():
        for start, end in ranges:
            stories = [(d, cached_story(d, iris, resolver, pack)) for d in digests[start:end]]
            yield stories, chunk_lines((d, story) for d, (story, _) in stories)
        return
    _forked_story = (digests, iris, resolver, pack)
    try:
        # strict: read the pool's results to their end, where the pool is closed; left suspended, the pool
        # was terminated when the generator was collected, and that could hang (seen at 10,000 articles)
        for (start, end), (found, lines) in zip(ranges, pooled_map(_story_range, ranges, jobs), strict=True):
            # None: in the pack, read here rather than sent through a pipe
            stories = [(d, (story, key) if story is not None else cached_story(d, iris, resolver, pack, key))
                       for d, (story, key) in zip(digests[start:end], found, strict=True)]
            yield stories, lines.splitlines(keepends=True)
    finally:
        _forked_story = None


def chunk_lines(stories: Iterable[tuple[ArticleDigest, bytes]]) -> list[bytes]:
    """The distinct lines of the articles' story lines and of the shared nodes' lines they state, sorted."""
    lines: set[bytes] = set()
    for d, story in stories:
        lines.update(story.splitlines(keepends=True))
        lines.update(d.section("shared").splitlines(keepends=True))
    return sorted(lines)


def _story_range(bounds: tuple[int, int]) -> tuple[list[tuple[bytes | None, str]], bytes]:
    """The story lines and key of each digest in ``bounds`` (None for lines the pack has), and the range's
    ``chunk_lines``, joined."""
    digests, iris, resolver, pack = _forked_story
    found, stories = [], []
    for d in digests[bounds[0]:bounds[1]]:
        key = story_key(d, resolver)
        story = pack.get(key)
        if story is None:
            story = story_lines(d, iris, resolver)
            found.append((story, key))
        else:
            found.append((None, key))
        stories.append((d, story))
    return found, b"".join(chunk_lines(stories))


_DERIVED = b"<" + PROV.wasDerivedFrom.value.encode() + b">"
_SUPPORT = b" <" + TIKG.supportCount.value.encode() + b"> "
_INTEGER = b'"^^<' + XSD.integer.value.encode() + b'> .\n'


def support_counts(lines: set[bytes]) -> list[bytes]:
    """``tikg:supportCount`` on every merged node (not one article's own): how many articles support it."""
    counts = Counter(parts[0] for parts in (line.split(b" ", 2) for line in lines) if parts[1] == _DERIVED)
    return sorted(support_line(node, n) for node, n in counts.items())


def support_line(node: bytes, n: int) -> bytes:
    """The N-Triples line saying that ``n`` articles support ``node`` (an N-Triples term)."""
    return node + _SUPPORT + b'"' + str(n).encode() + _INTEGER
