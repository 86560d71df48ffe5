"""The incremental build cache: what the extractors found in each article, keyed by the file's content.

Layout: ``CACHE_DIR/<fingerprint>/<hh>/<sha256 of the file>.pickle``, one pickled
:class:`~kg.graph.ArticleFacts` per distinct file content. The fingerprint
hashes everything that decides what extraction produces: the package version,
the resource files (:func:`kg.resources.resources_fingerprint`) and the source
of the reader and the extractors (``kg/ingest.py``, ``kg/mention.py``,
``kg/extract/*.py``). A changed lexicon or extractor therefore gives a new
fingerprint, a fresh folder, and every article is extracted again; the old
folder is removed after the next complete build.

Rendered articles (:mod:`kg.render`) live beside them, under
``renders/<render fingerprint>/``: the fingerprint adds the mapping's source,
so a changed mapping re-renders without re-extracting.

Every entry is written to a temporary file and moved into place
(``os.replace``), so a build killed at any moment leaves only whole entries
(plus ``*.part`` leftovers, which are ignored and cleared later). An entry that
cannot be read back (truncated, from another Python) is treated as missing.

Entries no build has used for ``UNUSED_DAYS`` days are removed at the end of a
build: every edit of an article leaves its old entries behind, so the cache of
a crawl that is fetched again every day would otherwise grow without end. A
build records its use of an entry in the entry's mtime, renewed at most once a
day (:func:`kg.render.mark_used`). A build that finds an article's render does
not read its facts entry, so the facts entry lives as long as the newest of
itself and its render files.
"""
from __future__ import annotations

import dataclasses
import hashlib
import os
import pickle
import shutil
import time
from functools import lru_cache
from pathlib import Path

from kg.atomic import atomic_output
from kg.graph import ArticleFacts
from kg.render import mark_used

CACHE_DIRNAME = ".kg-cache"
RENDERS = "renders"  # CACHE_DIR/<fingerprint>/renders/<render fingerprint>/: see kg.render
_PACKAGE = Path(__file__).resolve().parent
_CODE = ("ingest.py", "mention.py", "extract/*.py")
_STALE_PART_SECONDS = 3600
UNUSED_DAYS = 7


@lru_cache(maxsize=None)
def code_fingerprint() -> str:
    """A hash of the package version, the resource files and the reader's and extractors' source."""
    from kg import __version__
    from kg.resources import resources_fingerprint

    digest = hashlib.sha256(f"kg {__version__}\0resources {resources_fingerprint()}\0".encode())
    for pattern in _CODE:
        for path in sorted(_PACKAGE.glob(pattern)):
            digest.update(str(path.relative_to(_PACKAGE)).encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def default_cache_dir(out: str | os.PathLike) -> Path:
    """Where ``kg build --out OUT`` keeps its cache unless told otherwise: ``OUT/.kg-cache``."""
    return Path(out) / CACHE_DIRNAME


class FactsCache:
    """Per-article extraction results on disk; safe to share between processes."""

    def __init__(self, root: str | os.PathLike, fingerprint: str | None = None):
        self.root = Path(root)
        self.fingerprint = fingerprint or code_fingerprint()
        self.folder = self.root / self.fingerprint

    def __reduce__(self):  # sent to worker processes as its two strings
        return (FactsCache, (str(self.root), self.fingerprint))

    def _entry(self, content_hash: str) -> Path:
        return self.folder / content_hash[:2] / f"{content_hash}.pickle"

    def get(self, content_hash: str, path: str | os.PathLike | None = None) -> ArticleFacts | None:
        """The cached facts for a file with this content (its ``article.path`` set to ``path``), or None."""
        entry = self._entry(content_hash)
        try:
            with open(entry, "rb") as handle:
                facts = pickle.load(handle)
                mtime = os.fstat(handle.fileno()).st_mtime
        except FileNotFoundError:
            return None
        except Exception:  # truncated, corrupt, or written by an incompatible version: a miss
            return None
        if not isinstance(facts, ArticleFacts) or facts.article.content_hash != content_hash:
            return None
        mark_used(entry, mtime)
        if path is not None and facts.article.path != str(path):
            facts = ArticleFacts(dataclasses.replace(facts.article, path=str(path)), facts.mentions)
        return facts

    def put(self, facts: ArticleFacts) -> None:
        """Store one article's facts atomically; a failure to write only costs a later re-extraction."""
        try:
            with atomic_output(self._entry(facts.article.content_hash)) as handle:
                pickle.dump(facts, handle, protocol=pickle.HIGHEST_PROTOCOL)
        except OSError:  # a full disk only costs a re-extraction; Ctrl-C stops
            pass

    def renders(self, base_iri: str):
        """Where this cache keeps rendered articles (:class:`kg.render.RenderStore`) for ``base_iri``."""
        from kg.render import RenderStore, render_code_fingerprint
        return RenderStore(self.folder / RENDERS / render_code_fingerprint(), base_iri)

    def prune(self) -> None:
        """Remove folders of other fingerprints, entries no build has used for UNUSED_DAYS days, and
        temporary files left by killed builds (the story files are pruned by the build that maps them)."""
        if not self.root.is_dir():
            return
        from kg.render import render_code_fingerprint
        renders = self.folder / RENDERS / render_code_fingerprint()
        if (self.folder / RENDERS).is_dir():
            for child in (self.folder / RENDERS).iterdir():
                if child.is_dir() and child.name != renders.name:
                    shutil.rmtree(child, ignore_errors=True)
        for child in self.root.iterdir():
            if child.is_dir() and child.name != self.fingerprint and len(child.name) == 16:
                shutil.rmtree(child, ignore_errors=True)
        if self.folder.is_dir():
            now = time.time()
            rendered = _remove_unused(renders, now, frozenset())
            _remove_unused(self.folder, now, rendered)
            for part in renders.glob("*/*/.*.part"):  # in the story folder (kg.build.STORIES)
                try:
                    if part.stat().st_mtime < now - _STALE_PART_SECONDS:
                        part.unlink()
                except OSError:
                    pass


def _remove_unused(folder: Path, now: float, kept_alive: frozenset[str]) -> frozenset[str]:
    """Remove the files in ``folder``'s ``<hh>`` folders last used over UNUSED_DAYS days ago, except those
    of a content hash in ``kept_alive``, and stale ``*.part`` files; returns the content hashes of the
    files left. An age costs one lstat (DirEntry.stat), so only the files not kept alive are asked theirs:
    at 10,000 articles the prune takes 73 ms, 37 ms more than clearing ``*.part`` files alone."""
    unused_before = now - UNUSED_DAYS * 86400
    left = set()
    try:
        folders = [entry.path for entry in os.scandir(folder) if len(entry.name) == 2 and entry.is_dir()]
    except OSError:
        return frozenset()
    for hh in folders:
        try:
            entries = list(os.scandir(hh))
        except OSError:
            continue
        for entry in entries:
            name = entry.name
            try:
                if not entry.is_file(follow_symlinks=False):
                    continue
                if name.startswith(".") and name.endswith(".part"):
                    if entry.stat(follow_symlinks=False).st_mtime < now - _STALE_PART_SECONDS:
                        os.unlink(entry.path)
                    continue
                content_hash = name.split(".", 1)[0]
                if content_hash not in kept_alive and entry.stat(follow_symlinks=False).st_mtime < unused_before:
                    os.unlink(entry.path)
                else:
                    left.add(content_hash)
            except OSError:
                pass
    return frozenset(left)
