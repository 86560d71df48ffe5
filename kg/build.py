"""The pipeline: paths -> articles -> mentions -> one graph. Bad files are skipped with a reason.

Reading and extraction are per article, so they run in worker processes
(``jobs``) and are cached by file content (:mod:`kg.cache`); results are put
back in file order before anything else happens, so the graph does not depend
on ``jobs`` or on the cache. Graph assembly needs every article and runs in
this process.
"""
from __future__ import annotations

import gc
import hashlib
import multiprocessing
import os
import signal
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from kg.cache import FactsCache
from kg.extract import extract_article
from kg.graph import ArticleFacts, KnowledgeGraph, assemble
from kg.iris import Iris
from kg.ingest import ArticleError, iter_article_paths, parse_article, read_article_bytes
from kg.vocab import DEFAULT_BASE_IRI

_EXTRACT_DIR = os.path.join("kg", "extract") + os.sep
_CHUNK = 32  # files per task sent to a worker


@dataclass(frozen=True)
class Skip:
    path: str
    problem: str

    def __str__(self) -> str:
        return f"{self.path}: {self.problem}"


@dataclass
class BuildStats:
    files: int = 0
    extracted: int = 0  # articles read and run through the extractors
    cached: int = 0  # articles whose facts came from the cache
    jobs: int = 1


@dataclass
class BuildResult:
    kg: KnowledgeGraph
    skipped: list[Skip] = field(default_factory=list)
    _rdflib: object = None
    stats: BuildStats = field(default_factory=BuildStats)

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


def default_jobs() -> int:
    """Every core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def build(paths: Iterable[str | os.PathLike], base_iri: str = DEFAULT_BASE_IRI,
          progress: Progress | None = None, jobs: int = 1, cache: FactsCache | None = None) -> BuildResult:
    """Read, extract and assemble every article under ``paths``.

    ``jobs`` worker processes read and extract (1: in this process);
    ``cache`` re-uses what earlier builds extracted from files with the same content.
    """
    facts, skipped, stats = collect(paths, progress=progress, jobs=jobs, cache=cache)
    # Assembly makes millions of objects; the collector's full passes over them (and over the
    # articles, which live to the end) cost ~20% at 1,000 articles and grow faster than linearly.
    gc.freeze()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        kg = assemble_or_skip(facts, base_iri, skipped)
    finally:
        gc.unfreeze()
        if was_enabled:
            gc.enable()
    result = BuildResult(kg, skipped, stats=stats)
    if cache is not None:
        cache.prune()
    return result


def assemble_or_skip(facts: list[ArticleFacts], base_iri: str, skipped: list[Skip]) -> KnowledgeGraph:
    """``assemble(facts)``; if mapping fails, the articles that fail alone are skipped and the rest assembled.

    Costs nothing when every article maps; after a failure each article is mapped on its own once to find
    the culprits (a bad IRI from a strange name, a mapper bug), so one article cannot stop the build.
    """
    Iris(base_iri)  # a bad base IRI is the user's error, not an article's
    try:
        return assemble(facts, base_iri)
    except Exception:
        pass
    good = []
    for f in facts:
        try:
            assemble([f], base_iri)
        except Exception as err:
            skipped.append(Skip(f.article.path, f"could not be mapped to RDF ({_where(err)}): {_describe(err)}"))
        else:
            good.append(f)
    return assemble(good, base_iri)


def collect(paths: Iterable[str | os.PathLike], progress: Progress | None = None, jobs: int = 1,
            cache: FactsCache | None = None) -> tuple[list[ArticleFacts], list[Skip], BuildStats]:
    """Every readable article's facts (sorted by article id), the files skipped, and counts."""
    files = [str(p) for p in iter_article_paths(paths)]
    stats = BuildStats(files=len(files), jobs=max(1, jobs))
    skipped: list[Skip] = []
    facts: list[ArticleFacts] = []
    by_id: dict[str, ArticleFacts] = {}
    for n, (path, outcome, was_cached) in enumerate(_outcomes(files, jobs, cache), start=1):
        if progress:
            progress(n, len(files), path)
        if isinstance(outcome, Skip):
            skipped.append(outcome)
            continue
        if was_cached:
            stats.cached += 1
        else:
            stats.extracted += 1
        article = outcome.article
        first = by_id.get(article.id)
        if first is not None:
            same = first.article.content_hash == article.content_hash
            skipped.append(Skip(path, f"duplicate id {article.id!r}: "
                                + ("same content as " if same else "different content from ") + first.article.path))
            continue
        by_id[article.id] = outcome
        facts.append(outcome)
    facts.sort(key=lambda f: f.article.id)
    return facts, skipped, stats


Outcome = tuple[str, "ArticleFacts | Skip", bool]


def _outcomes(files: list[str], jobs: int, cache: FactsCache | None) -> Iterator[Outcome]:
    """(path, facts or skip, came from cache) for every file, in the order of ``files``."""
    if jobs <= 1 or len(files) <= _CHUNK:
        for path in files:
            yield process_file(path, cache)
        return
    chunks = [files[i:i + _CHUNK] for i in range(0, len(files), _CHUNK)]
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    pool = context.Pool(min(jobs, len(chunks)), initializer=_ignore_sigint)
    try:
        for results in pool.imap(_process_chunk, [(chunk, cache) for chunk in chunks]):
            yield from results
        pool.close()
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()


def _ignore_sigint() -> None:
    """Workers leave Ctrl-C to the parent, which stops them (no traceback per worker)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _process_chunk(task: tuple[list[str], FactsCache | None]) -> list[Outcome]:
    chunk, cache = task
    return [process_file(path, cache) for path in chunk]


def process_file(path: str, cache: FactsCache | None = None) -> Outcome:
    """Read and extract one file (or take it from the cache); never raises for a bad file."""
    try:
        data = read_article_bytes(Path(path))
    except ArticleError as err:
        return path, Skip(err.path, err.problem), False
    content_hash = hashlib.sha256(data).hexdigest()
    if cache is not None:
        hit = cache.get(content_hash, path)
        if hit is not None:
            return path, hit, True
    try:
        article = parse_article(data, path)
    except ArticleError as err:
        return path, Skip(err.path, err.problem), False
    except Exception as err:  # a bug in the reader must not stop the build
        return path, Skip(path, f"could not be read ({_where(err)}: {_describe(err)})"), False
    try:
        mentions = tuple(extract_article(article))
    except Exception as err:  # a bug in one extractor costs one article, with its reason
        return path, Skip(path, f"extractor failed ({_where(err)}): {_describe(err)}"), False
    facts = ArticleFacts(article, mentions)
    if cache is not None:
        cache.put(facts)
    return path, facts, False


def _describe(err: BaseException) -> str:
    text = " ".join(str(err).split())
    return f"{type(err).__name__}: {text[:200]}" if text else type(err).__name__


def _where(err: BaseException) -> str:
    """Where ``err`` was raised, as ``file:line in function``: the innermost extractor frame, else the innermost."""
    frames = traceback.extract_tb(err.__traceback__)
    if not frames:
        return "unknown place"
    inside = [f for f in frames if _EXTRACT_DIR in f.filename and not f.filename.endswith("__init__.py")]
    f = (inside or frames)[-1]
    marker = os.sep + "kg" + os.sep
    name = f.filename[f.filename.rindex(marker) + 1:] if marker in f.filename else os.path.basename(f.filename)
    return f"{name}:{f.lineno} in {f.name}"


def build_graph(paths: Iterable[str | os.PathLike] | str | os.PathLike, base_iri: str = DEFAULT_BASE_IRI) -> BuildResult:
    """Build the knowledge graph from article files or folders.

    >>> result = build_graph(["seeds/"])            # doctest: +SKIP
    >>> result.graph                                 # an rdflib.Graph
    >>> result.skipped                               # [Skip(path, problem), ...]
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    return build(paths, base_iri)
