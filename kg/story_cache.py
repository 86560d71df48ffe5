"""Each article's story lines, kept between builds in one file: the last build's story spool.

An article's story lines (its incidents, remedies, sanctions, events and figures, mapped with the whole
build's resolver) depend on its content and on the resolver's answers for its mentions
(:func:`kg.graph.story_key`). A build writes every article's story lines, one after the other, to a spool
file (:func:`kg.graph.merged_lines`). With a cache, that spool is made in the cache's story folder and kept
as its *pack*, with an index of where each key's lines are (:func:`keep_spool`); the next build reads the
articles whose key has not changed from it (:class:`StoryPack`) and maps only the others. (The spool also
holds the sorted shared lines after the story lines: at 10,000 articles the pack is 0.47 GB, 0.29 GB of
story lines.)

One file a build, rather than one an article: creating 10,000 small files took 2-4 s of the assembly at
10,000 articles on this machine (ext4, its journal busy with the build's other writes), and a pack costs
no write the spool did not make anyway. A build writes every article into its spool, hits included, so its
pack is whole and the packs before it can go.

The index is written (atomically) once the pack is whole; a pack no index names is a killed build's, removed
by the next build once an hour old (a build sharing the cache may still be writing it).
"""
from __future__ import annotations

import os
import pickle
import shutil
import tempfile
import time
from pathlib import Path

from kg.atomic import write_file

# {"pack": file name, "spans": {story key: (offset, size)}, and what a build adding articles reads
#  (kg.delta): "articles": {article id: story key}, "shared" and "support": (offset, size) (the story lines
#  are all before the shared ones), "basis": what made them, "ledger": kg.story_delta.ledger_of,
#  "subjects" and "lines": how many distinct subjects and lines the shared lines have}
INDEX = "index.pickle"
PACK_SUFFIX = ".pack"
_WRITING = ".part"  # a pack being written
_UNFINISHED_SECONDS = 3600  # a pack being written older than this is a killed build's


class StoryPack:
    """The story lines the last build kept in ``folder``, by story key; empty if there are none (or they
    cannot be read: then the articles are mapped again)."""

    def __init__(self, folder: Path | None):
        self.spans: dict[str, tuple[int, int]] = {}
        self.articles: dict[str, str] = {}  # the last build's article ids and their story keys (kg.delta)
        self.basis = ""
        self.ledger: dict | None = None  # what a build adding articles resolves them against (kg.story_delta)
        self.subjects: int | None = None  # the distinct subjects of the shared lines
        self.lines: int | None = None  # and their lines
        self.shared = self.support = (0, 0)
        self._fd = -1
        if folder is None:
            return
        try:
            with open(folder / INDEX, "rb") as handle:
                index = pickle.load(handle)
            self._fd = os.open(folder / index["pack"], os.O_RDONLY)
            self.spans = dict(index["spans"])
        except Exception:  # none yet, or a pack gone, or an index from another version: every article a miss
            self.spans = {}
            return
        try:  # an index of earlier versions has none of this: no build adds to its pack
            self.shared, self.support = index["shared"], index["support"]
            self.articles, self.basis = dict(index["articles"]), str(index["basis"])
            self.ledger = index.get("ledger")
            self.subjects = index.get("subjects")
            self.lines = index.get("lines")
        except Exception:
            self.articles = {}

    @property
    def fd(self) -> int:
        return self._fd

    def read(self, span: tuple[int, int]) -> bytes:
        """The bytes at ``span`` (offset, size); raises OSError if the pack holds fewer."""
        return read_at(self._fd, span)

    def get(self, key: str) -> bytes | None:
        """The story lines kept under ``key``, or None. Read with pread: forked workers share the file."""
        span = self.spans.get(key)
        if span is None:
            return None
        try:
            return self.read(span)
        except OSError:
            return None

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


def read_at(fd: int, span: tuple[int, int]) -> bytes:
    """``span``'s (offset, size) bytes of the file ``fd``, read without moving its position (a file shared with
    forked processes); in several reads if need be (Linux reads at most 2 GB at once). Raises OSError if the
    file holds fewer."""
    at, size = span
    parts = []
    while size > 0:
        part = os.pread(fd, size, at)
        if not part:
            raise OSError(f"the story spool or pack ended {size} bytes early")
        parts.append(part)
        at, size = at + len(part), size - len(part)
    return b"".join(parts)  # one part: that part itself, not a copy


def new_spool(folder: Path | None):
    """The file a build writes its story lines to (open for reading and writing) and its path: in ``folder``,
    to be kept (:func:`keep_spool`); without one, a temporary file and None."""
    if folder is None:
        return tempfile.TemporaryFile(prefix="kg-story-"), None
    folder.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=folder, prefix="", suffix=PACK_SUFFIX + _WRITING)
    return os.fdopen(fd, "w+b"), Path(name)


def keep_spool(folder: Path, spool_path: Path, spans: dict[str, tuple[int, int]], **more) -> None:
    """Make the whole spool ``spool_path`` the folder's pack (``spans``: where each story key's lines are;
    ``more``: what else the index holds, see ``INDEX``), and remove what no build needs any more. A failure
    only costs mapping the articles again next time."""
    pack = spool_path.with_name(spool_path.name[:-len(_WRITING)])
    try:
        os.replace(spool_path, pack)
        write_file(folder / INDEX, pickle.dumps({"pack": pack.name, "spans": spans, **more},
                                                protocol=pickle.HIGHEST_PROTOCOL))
    except OSError:
        return
    remove_other_packs(folder, pack)


def discard_spool(spool_path: Path | None) -> None:
    """Remove a spool that will not be kept (its build failed)."""
    if spool_path is not None:
        try:
            spool_path.unlink()
        except OSError:
            pass


def remove_other_packs(folder: Path, kept: Path) -> None:
    """Remove the packs other than ``kept`` (a build reading one still has it open, and reads on), files
    being written for over an hour, and the one-file-an-article story files of earlier versions."""
    old = time.time() - _UNFINISHED_SECONDS
    for entry in os.scandir(folder):
        try:
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)  # <hh>/<key>.nt, the earlier layout
            elif entry.name.endswith(PACK_SUFFIX) and entry.name != kept.name:
                os.unlink(entry.path)
            elif entry.name.endswith(_WRITING) and entry.stat(follow_symlinks=False).st_mtime < old:
                os.unlink(entry.path)  # a pack, or an index (kg.atomic), a killed build was writing
        except OSError:
            pass
