"""The pipeline: paths -> articles -> mentions -> one graph. Bad files are skipped with a reason."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Callable, Iterable

from kg.extract import extract_article
from kg.graph import ArticleFacts, KnowledgeGraph, assemble
from kg.ingest import ArticleError, iter_article_paths, read_article
from kg.vocab import DEFAULT_BASE_IRI


@dataclass(frozen=True)
class Skip:
    path: str
    problem: str

    def __str__(self) -> str:
        return f"{self.path}: {self.problem}"


@dataclass
class BuildResult:
    kg: KnowledgeGraph
    skipped: list[Skip] = field(default_factory=list)
    _rdflib: object = None

    @property
    def graph(self):
        """The merged graph as an rdflib ``Graph`` (made on first use)."""
        if self._rdflib is None:
            self._rdflib = self.kg.to_rdflib()
        return self._rdflib

    @property
    def articles(self):
        return [f.article for f in self.kg.articles]


Progress = Callable[[int, int, str], None]


def build(paths: Iterable[str | os.PathLike], base_iri: str = DEFAULT_BASE_IRI,
          progress: Progress | None = None) -> BuildResult:
    """Read, extract and assemble every article under ``paths``."""
    files = list(iter_article_paths(paths))
    skipped: list[Skip] = []
    facts: list[ArticleFacts] = []
    by_id: dict[str, ArticleFacts] = {}
    for n, path in enumerate(files, start=1):
        if progress:
            progress(n, len(files), str(path))
        try:
            article = read_article(path)
        except ArticleError as err:
            skipped.append(Skip(err.path, err.problem))
            continue
        first = by_id.get(article.id)
        if first is not None:
            same = first.article.content_hash == article.content_hash
            skipped.append(Skip(str(path), f"duplicate id {article.id!r}: "
                                + ("same content as " if same else "different content from ") + first.article.path))
            continue
        item = ArticleFacts(article, tuple(extract_article(article)))
        by_id[article.id] = item
        facts.append(item)
    facts.sort(key=lambda f: f.article.id)
    return BuildResult(assemble(facts, base_iri), skipped)


def build_graph(paths: Iterable[str | os.PathLike] | str | os.PathLike, base_iri: str = DEFAULT_BASE_IRI) -> BuildResult:
    """Build the knowledge graph from article files or folders.

    >>> result = build_graph(["seeds/"])            # doctest: +SKIP
    >>> result.graph                                 # an rdflib.Graph
    >>> result.skipped                               # [Skip(path, problem), ...]
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    return build(paths, base_iri)
