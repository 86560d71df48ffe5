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

CACHE_DIRNAME = ".kg-cache"
RENDERS = "renders"  # CACHE_DIR/<fingerprint>/renders/<render fingerprint>/: see kg.render
_PACKAGE = Path(__file__).resolve().parent
_CODE = ("ingest.py", "mention.py", "extract/*.py")
_STALE_PART_SECONDS = 3600


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
        try:
            with open(self._entry(content_hash), "rb") as handle:
                facts = pickle.load(handle)
        except FileNotFoundError:
            return None
        except Exception:  # truncated, corrupt, or written by an incompatible version: a miss
            return None
        if not isinstance(facts, ArticleFacts) or facts.article.content_hash != content_hash:
            return None
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
        """Remove folders of other fingerprints and temporary files left by killed builds."""
        if not self.root.is_dir():
            return
        from kg.render import render_code_fingerprint
        if (self.folder / RENDERS).is_dir():
            for child in (self.folder / RENDERS).iterdir():
                if child.is_dir() and child.name != render_code_fingerprint():
                    shutil.rmtree(child, ignore_errors=True)
        for child in self.root.iterdir():
            if child.is_dir() and child.name != self.fingerprint and len(child.name) == 16:
                shutil.rmtree(child, ignore_errors=True)
        if self.folder.is_dir():
            cutoff = time.time() - _STALE_PART_SECONDS
            for part in [*self.folder.glob("*/.*.part"), *self.folder.glob(f"{RENDERS}/*/*/.*.part"),
                         *self.folder.glob(f"{RENDERS}/*/*/*/.*.part")]:
                try:
                    if part.stat().st_mtime < cutoff:
                        part.unlink()
                except OSError:
                    pass
