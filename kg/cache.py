"""The incremental build cache: what the extractors found in each article, keyed by the file's content.

Layout: ``CACHE_DIR/<fingerprint>/``, holding the pickled :class:`~kg.graph.ArticleFacts` of each
distinct file content (by its sha256) in packs (:mod:`kg.packs`: a few large files and an index). The
fingerprint hashes everything that decides what extraction produces: the package version, the resource
files (:func:`kg.resources.resources_fingerprint`) and the source of the reader and the extractors
(``kg/ingest.py``, ``kg/mention.py``, ``kg/extract/*.py``). A changed lexicon or extractor therefore gives
a new fingerprint, a fresh folder, and every article is extracted again; the old folder is removed after
the next complete build.

Rendered articles (:mod:`kg.render`) live beside them, in packs of their own under
``renders/<render fingerprint>/``: the fingerprint adds the mapping's source, so a changed mapping
re-renders without re-extracting.

Beside the fingerprint folders, ``input-hashes`` keeps each input file's hash with its inode, size and
times, so that a build whose exports may be up to date reads only the files changed since
(:func:`kg.stamp.input_hashes`).

A build records in each index what it used (:meth:`FactsCache.save`); entries no build has used for
``UNUSED_DAYS`` days are dropped then, and packs no entry names are removed: every edit of an article
leaves its old entries behind, so the cache of a crawl fetched again every day would otherwise grow without
end. A build that finds an article's render does not read its facts entry, yet records it as used (the
digest says where it is), so a facts entry lives as long as its render.

A build killed at any moment leaves each index as it was at the build's last checkpoint (kg.build), which
names whole entries only; what it appended since is named nowhere, and is removed an hour later. An entry
that cannot be read back (truncated, from another Python) is a miss.
"""
from __future__ import annotations

import dataclasses
import hashlib
import os
import pickle
import shutil
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from kg.graph import ArticleFacts
from kg.packs import UNUSED_DAYS, pack_store

CACHE_DIRNAME = ".kg-cache"
RENDERS = "renders"  # CACHE_DIR/<fingerprint>/renders/<render fingerprint>/: see kg.render
_PACKAGE = Path(__file__).resolve().parent
_CODE = ("ingest.py", "mention.py", "extract/*.py")
__all__ = ["FactsCache", "UNUSED_DAYS", "code_fingerprint", "default_cache_dir"]


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
        self.packs = pack_store(self.folder)

    @property
    def hash_memo(self) -> Path:
        """The file of the input files' hashes with their sizes and times (:func:`kg.stamp.input_hashes`):
        beside the fingerprint folders, as a file's hash does not depend on the code."""
        return self.root / "input-hashes"

    def __reduce__(self):  # sent to worker processes as its two strings
        return (FactsCache, (str(self.root), self.fingerprint))

    def get(self, content_hash: str, path: str | os.PathLike | None = None) -> ArticleFacts | None:
        """The cached facts for a file with this content (its ``article.path`` set to ``path``), or None."""
        found = self.get_stored(content_hash, path)
        return found[0] if found is not None else None

    def get_stored(self, content_hash: str, path: str | os.PathLike | None = None) -> tuple[ArticleFacts, tuple] | None:
        """:meth:`get`, and where the entry is (``ArticleDigest.facts_stored``)."""
        location = self.packs.locate(content_hash)
        data = self.packs.read(location) if location is not None else None
        if data is None:
            return None
        try:
            facts = pickle.loads(data)
        except Exception:  # truncated, corrupt, or written by an incompatible version: a miss
            return None
        if not isinstance(facts, ArticleFacts) or facts.article.content_hash != content_hash:
            return None
        if path is not None and facts.article.path != str(path):
            facts = ArticleFacts(dataclasses.replace(facts.article, path=str(path)), facts.mentions)
        return facts, (content_hash, *location)

    def put(self, facts: ArticleFacts) -> tuple:
        """Store one article's facts; where they are (``ArticleDigest.facts_stored``), or () if they could
        not be written (a full disk only costs a later re-extraction)."""
        try:
            location = self.packs.append([pickle.dumps(facts, protocol=pickle.HIGHEST_PROTOCOL)])
        except OSError:
            return ()
        return (facts.article.content_hash, *location)

    def renders(self, base_iri: str):
        """Where this cache keeps rendered articles (:class:`kg.render.RenderStore`) for ``base_iri``."""
        from kg.render import RenderStore, render_code_fingerprint
        return RenderStore(self.folder / RENDERS / render_code_fingerprint(), base_iri)

    def save(self, digests: Iterable, store, tidy: bool = True) -> None:
        """Record that this build used the facts and render entries of ``digests`` (``store``: the
        :meth:`renders` it used); then (``tidy``: at the end of a build, not at a checkpoint) remove what
        no build needs any more (:meth:`kg.packs.PackStore.save`, :meth:`prune`)."""
        digests = list(digests)
        self.packs.save({d.facts_stored[0]: d.facts_stored[1:] for d in digests if d.facts_stored}, tidy)
        store.save(digests, tidy)
        if tidy:
            self.packs.close()
            self.prune()

    def prune(self) -> None:
        """Remove the folders of other fingerprints (extraction's and rendering's)."""
        if not self.root.is_dir():
            return
        from kg.render import render_code_fingerprint
        renders = self.folder / RENDERS
        if renders.is_dir():
            for child in renders.iterdir():
                if child.is_dir() and child.name != render_code_fingerprint():
                    shutil.rmtree(child, ignore_errors=True)
        for child in self.root.iterdir():
            if child.is_dir() and child.name != self.fingerprint and len(child.name) == 16:
                shutil.rmtree(child, ignore_errors=True)
