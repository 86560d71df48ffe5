"""The pipeline: paths -> articles -> mentions -> one graph. Bad files are skipped with a reason.

Reading, extraction and rendering an article's own nodes (:mod:`kg.render`)
are per article, so they run in worker processes (``jobs``) and are cached by
file content (:mod:`kg.cache`); digests are put back in file order before
anything else happens, so the graph does not depend on ``jobs`` or on the
cache. Resolving the story across articles needs every article and runs in
this process (:func:`kg.graph.assemble_digests`).
"""
from __future__ import annotations

import hashlib
import os
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from kg.cache import FactsCache
from kg.extract import extract_article
from kg.graph import ArticleFacts, KnowledgeGraph, assemble_digests
from kg.iris import Iris
from kg.render import ArticleDigest, RenderStore, render_article
from kg.ingest import ArticleError, iter_article_paths, parse_article, read_article_bytes
from kg.stamp import is_content_hash
from kg.vocab import DEFAULT_BASE_IRI
from kg.workers import can_fork, pooled_map

_EXTRACT_DIR = os.path.join("kg", "extract") + os.sep
_CHUNK = 32  # files per task sent to a worker
CHECKPOINT_SECONDS = 10.0  # the longest a build goes without recording what it made (see _Checkpoints)
STORIES = "story"  # beside the render packs in the cache: the last build's story lines (kg.story_cache)
EXPORT_MEMO = "exports"  # beside them: what the last build's exports hold of the shared part (kg.export.pieces)


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
    duplicates: list = field(default_factory=list, repr=False)  # digests of files skipped as a duplicate id


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
        """Every article built (read again from its file; the build keeps only digests)."""
        return [f.article for f in self.kg.articles]


Progress = Callable[[int, int, str], None]


def default_jobs() -> int:
    """Every core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def build(paths: Iterable[str | os.PathLike], base_iri: str = DEFAULT_BASE_IRI,
          progress: Progress | None = None, jobs: int = 1, cache: FactsCache | None = None,
          hashes: dict[str, str] | None = None,
          on_collected: Callable[[list[ArticleDigest], Iris, list[Skip]], object] | None = None) -> BuildResult:
    """Read, extract, render and assemble every article under ``paths``.

    ``jobs`` worker processes read, extract and render (1: in this process);
    ``cache`` re-uses what earlier builds extracted and rendered from files with the same content;
    ``hashes`` (:func:`kg.stamp.input_hashes`, when the caller has read every file already) lets a file
    be looked up in it without being read again.
    ``on_collected`` is called with the digests and the files skipped so far once every article is collected,
    before the story is assembled (the CLI starts the process writing the view formats then, unless
    ``--strict`` will stop the build: :func:`kg.export.start_views`).
    Without a cache, renders go to a temporary folder that lives as long as the graph.
    """
    iris = Iris(base_iri)  # a bad base IRI is the user's error, not an article's
    keep = None
    if cache is not None:
        store = cache.renders(iris.base)
    else:
        keep = tempfile.TemporaryDirectory(prefix="kg-render-")
        store = RenderStore(keep.name, iris.base)
    digests, skipped, stats = collect(paths, store, progress=progress, jobs=jobs, cache=cache, hashes=hashes)
    if on_collected is not None:
        on_collected(digests, iris, skipped)
    kg = assemble_or_skip(digests, iris, skipped, jobs=jobs,
                          story_cache=store.folder / STORIES if cache is not None else None)
    kg._keep = keep
    if cache is not None:
        kg.export_memo = store.folder / EXPORT_MEMO
    result = BuildResult(kg, skipped, stats=stats)
    if cache is not None:
        cache.save(digests + stats.duplicates, store)
    store.packs.close()
    return result


def assemble_or_skip(digests: list[ArticleDigest], iris: Iris, skipped: list[Skip], jobs: int = 1,
                     story_cache: Path | None = None) -> KnowledgeGraph:
    """``assemble_digests(digests)``; if the story cannot be mapped, the articles that fail alone are skipped.

    Costs nothing when every article maps; after a failure each article is assembled on its own once to
    find the culprits (a bad IRI from a strange name, a mapper bug), so one article cannot stop the build.
    """
    try:
        return assemble_digests(digests, iris, jobs, story_cache)
    except Exception:
        pass
    good = []
    for d in digests:
        try:
            assemble_digests([d], iris)
        except Exception as err:
            skipped.append(Skip(d.path, f"could not be mapped to RDF ({_where(err)}): {_describe(err)}"))
        else:
            good.append(d)
    return assemble_digests(good, iris)


def collect(paths: Iterable[str | os.PathLike], store: RenderStore, progress: Progress | None = None, jobs: int = 1,
            cache: FactsCache | None = None,
            hashes: dict[str, str] | None = None) -> tuple[list[ArticleDigest], list[Skip], BuildStats]:
    """Every readable article's digest (sorted by article id; renders in ``store``), the files skipped, counts."""
    files = [str(p) for p in iter_article_paths(paths)]
    stats = BuildStats(files=len(files), jobs=max(1, jobs))
    skipped: list[Skip] = []
    digests: list[ArticleDigest] = []
    by_id: dict[str, ArticleDigest] = {}
    checkpoint = _Checkpoints(cache, store)
    for n, (path, outcome, was_cached) in enumerate(_outcomes(files, jobs, cache, store, hashes or {}), start=1):
        if progress:
            progress(n, len(files), path)
        checkpoint(digests, stats.duplicates, stats.extracted)
        if isinstance(outcome, Skip):
            skipped.append(outcome)
            continue
        if was_cached:
            stats.cached += 1
        else:
            stats.extracted += 1
        first = by_id.get(outcome.id)
        if first is not None:
            stats.duplicates.append(outcome)  # still cached: it is read again next time
            same = first.content_hash == outcome.content_hash
            skipped.append(Skip(path, f"duplicate id {outcome.id!r}: "
                                + ("same content as " if same else "different content from ") + first.path))
            continue
        by_id[outcome.id] = outcome
        digests.append(outcome)
    digests.sort(key=lambda d: d.id)
    return digests, skipped, stats


Outcome = tuple[str, "ArticleDigest | Skip", bool]


class _Checkpoints:
    """Records in the cache's indexes what a build has made so far (:meth:`FactsCache.save` without tidying),
    so that a killed build is resumed by the next rather than started again: after 32, 64, 128 ... articles
    extracted (a dozen at 10,000 articles, ~10 ms each) and at least every CHECKPOINT_SECONDS while it
    extracts. Articles taken from the cache are in its indexes already: a build adding one article to
    10,000 made nine checkpoints of them (0.16 s) before."""

    def __init__(self, cache: FactsCache | None, store: RenderStore):
        self.cache, self.store = cache, store
        self.recorded, self.at = 0, time.monotonic()

    def __call__(self, digests: list[ArticleDigest], duplicates: list[ArticleDigest], made: int) -> None:
        """``made``: how many of ``digests`` and ``duplicates`` were extracted rather than found cached."""
        if self.cache is None:
            return
        if made - self.recorded >= max(_CHUNK, self.recorded) or \
                (made > self.recorded and time.monotonic() - self.at >= CHECKPOINT_SECONDS):
            self.cache.save(digests + duplicates, self.store, tidy=False)
            self.recorded, self.at = made, time.monotonic()


def _outcomes(files: list[str], jobs: int, cache: FactsCache | None, store: RenderStore,
              hashes: dict[str, str]) -> Iterator[Outcome]:
    """(path, digest or skip, came from cache) for every file, in the order of ``files``."""
    hits = _cache_hits(files, store, hashes) if cache is not None and jobs > 1 and len(files) > _CHUNK else {}
    rest = _pooled_outcomes([path for path in files if path not in hits], jobs, cache, store)
    for path in files:
        yield hits[path] if path in hits else next(rest)


def _cache_hits(files: list[str], store: RenderStore, hashes: dict[str, str]) -> dict[str, Outcome]:
    """The files whose render is in the cache, looked up here: a worker would send each digest back
    pickled once more (at 10,000 cached articles 9.5 s through the pool, 6.7 s here). If none of the
    first files is cached, the cache is taken for cold and the workers look up each file themselves."""
    hits: dict[str, Outcome] = {}
    for n, path in enumerate(files):
        if n == _CHUNK and not hits:
            break
        digest = _cached_render(path, store, hashes)
        if digest is not None:
            hits[path] = (path, digest, True)
    return hits


def _cached_render(path: str, store: RenderStore, hashes: dict[str, str]) -> ArticleDigest | None:
    """The cached render of ``path``, found by its hash in ``hashes`` when the caller read the file already;
    None for a miss and for a file that cannot be read (a worker reports it)."""
    known = hashes.get(path)
    if known is not None and is_content_hash(known):
        return store.get(known, path)
    try:
        return _read_and_look_up(path, store)[2]
    except ArticleError:
        return None


def _read_and_look_up(path: str, store: RenderStore | None) -> tuple[bytes, str, ArticleDigest | None]:
    """The file's bytes, their hash, and its cached render if ``store`` has one; raises ArticleError."""
    data = read_article_bytes(Path(path))
    content_hash = hashlib.sha256(data).hexdigest()
    return data, content_hash, store.get(content_hash, path) if store is not None else None


def _pooled_outcomes(files: list[str], jobs: int, cache: FactsCache | None, store: RenderStore) -> Iterator[Outcome]:
    """``process_file`` of every file, in order, in ``jobs`` worker processes if there are enough files."""
    if jobs <= 1 or len(files) <= _CHUNK:
        for path in files:
            yield process_file(path, cache, store)
        return
    chunks = [files[i:i + _CHUNK] for i in range(0, len(files), _CHUNK)]
    tasks = [(chunk, cache, store) for chunk in chunks]
    for results in pooled_map(_process_chunk, tasks, min(jobs, len(chunks)), "fork" if can_fork() else "spawn"):
        yield from results


def _process_chunk(task: tuple[list[str], FactsCache | None, RenderStore]) -> list[Outcome]:
    chunk, cache, store = task
    return [process_file(path, cache, store) for path in chunk]


def process_file(path: str, cache: FactsCache | None, store: RenderStore) -> Outcome:
    """Read, extract and render one file (or take it from the cache); never raises for a bad file."""
    try:
        data, content_hash, rendered = _read_and_look_up(path, store if cache is not None else None)
    except ArticleError as err:
        return path, Skip(err.path, err.problem), False
    if rendered is not None:
        return path, rendered, True
    found = cache.get_stored(content_hash, path) if cache is not None else None
    if found is not None:
        facts, facts_stored = found
    else:
        facts = extract_file(data, path)
        if isinstance(facts, Skip):
            return path, facts, False
        facts_stored = cache.put(facts) if cache is not None else ()
    return path, render_or_skip(facts, store, facts_stored), found is not None


def render_or_skip(facts: ArticleFacts, store: RenderStore, facts_stored: tuple = ()) -> "ArticleDigest | Skip":
    """Render one article's own nodes into ``store``; a mapper bug or a strange name costs that article.
    ``facts_stored``: where the cache keeps its facts, recorded in the digest (kg.cache)."""
    path = facts.article.path
    try:
        digest, sections = render_article(facts, Iris(store.base_iri))
    except Exception as err:
        return Skip(path, f"could not be mapped to RDF ({_where(err)}): {_describe(err)}")
    digest.facts_stored = facts_stored
    try:
        return store.put(digest, sections)
    except OSError as err:
        return Skip(path, f"could not write its render entry: {_describe(err)}")


def assemble_facts(facts: list[ArticleFacts], base_iri: str, skipped: list[Skip]) -> KnowledgeGraph:
    """What :func:`build` does with articles extracted in this process: render each (an article that cannot
    be mapped is added to ``skipped``) into a temporary folder, then assemble."""
    iris = Iris(base_iri)
    keep = tempfile.TemporaryDirectory(prefix="kg-render-")
    store = RenderStore(keep.name, iris.base)
    digests = []
    for f in facts:
        outcome = render_or_skip(f, store)
        (skipped if isinstance(outcome, Skip) else digests).append(outcome)
    store.packs.close()
    kg = assemble_or_skip(digests, iris, skipped)
    kg._keep = keep
    return kg


def extract_file(data: bytes, path: str) -> "ArticleFacts | Skip":
    """Parse and extract one file's bytes; a bad file or an extractor bug gives a Skip with its reason."""
    try:
        article = parse_article(data, path)
    except ArticleError as err:
        return Skip(err.path, err.problem)
    except Exception as err:  # a bug in the reader must not stop the build
        return Skip(path, f"could not be read ({_where(err)}: {_describe(err)})")
    try:
        mentions = tuple(extract_article(article))
    except Exception as err:  # a bug in one extractor costs one article, with its reason
        return Skip(path, f"extractor failed ({_where(err)}): {_describe(err)}")
    return ArticleFacts(article, mentions)


def load_facts(digest: ArticleDigest) -> ArticleFacts:
    """An article's facts, read and extracted again from its file (the build keeps only its digest)."""
    data = read_article_bytes(Path(digest.path))
    facts = extract_file(data, digest.path)
    if isinstance(facts, Skip):
        raise ArticleError(facts.path, facts.problem)
    return facts


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
