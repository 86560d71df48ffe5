"""Cache entries kept in a few large files (*packs*) with one index, rather than one file each.

Creating a file costs 0.04-0.65 ms on this machine (ext4; the dearer the busier its journal), and a cold
build of 10,000 articles created 20,000 (a render file and a facts file an article). With packs, back to
back: 63.8 s against 68.1 s wall, 12.8 s against 17.6 s of system time (1,000 articles: 1.1 s against
2.7 s of system time).

- **Writing**: each process appends its entries to a pack of its own (``<random>.pack``, made on its
  first entry), so worker processes never share one. An entry is readable once appended; it is only
  *found* by a later build once the build that wrote it records it in the index.
- **The index** (``index.pickle``, written whole and moved into place by :meth:`PackStore.save`) maps a
  key to its pack, offset, size and the day a build last used it. A build records what it used, and keeps
  what the index held that was used within ``UNUSED_DAYS`` days (another build, another input folder).
  It records what it has made so far now and then while it runs too (checkpoints, see kg.build), so that
  a killed build is resumed rather than started again.
- **Removal**: a pack no entry of the index names is removed once an hour old (a younger one may be
  another build's, still being written); a pack mostly left unused (``COMPACT_BELOW`` of its bytes or
  less still named) has those entries copied to a new pack, so that edited articles do not keep whole
  packs alive; and beyond ``MOST_PACKS`` packs (a build that adds articles adds one), the smallest are
  merged into one. The copied-from pack is removed by a build an hour later, so that a build still
  reading it can finish.

A build killed at any moment leaves the index as it was at its last checkpoint, naming only whole
entries, and what it appended since in packs: consistent; what the index does not name is cleared an
hour later.
"""
from __future__ import annotations

import os
import pickle
import shutil
import tempfile
import time
from collections import OrderedDict
from pathlib import Path

from kg.atomic import write_file

INDEX = "index.pickle"  # {key: (pack name, offset, size, day last used)}
PACK_SUFFIX = ".pack"
UNUSED_DAYS = 7  # an entry no build has used for this long is dropped from the index
COMPACT_BELOW = 0.25  # a pack with at most this share of its bytes still indexed is compacted
MOST_PACKS = 16  # more packs than this, and the smallest are merged into one
_READERS_OPEN = 64  # files a store keeps open for reading, at most
_YOUNG_SECONDS = 3600  # a file this young that the index does not name may be a running build's

Location = tuple[str, int, int]  # (pack name, offset, size)


def today() -> int:
    return int(time.time() // 86400)


class PackStore:
    """Entries by key in the packs of ``folder``; safe to share between processes and builds.

    Get one with :func:`pack_store`: a process keeps one a folder, so that the tasks a worker process is
    sent (each with its caches, unpickled anew) append to one pack and read the index once. The index is
    read on first use; forked workers share the parent's once it has looked anything up."""

    def __init__(self, folder: str | os.PathLike):
        self.folder = Path(folder)
        self._index: dict[str, tuple[str, int, int, int]] | None = None
        self._readers: dict[str, int] = {}
        self._writer: tuple[int, int, str] | None = None  # (pid, fd, pack name) of this process's pack
        self._before: dict | None = None  # the index as the first checkpoint read it (see save)

    @property
    def index(self) -> dict[str, tuple[str, int, int, int]]:
        if self._index is None:
            self._index = read_index(self.folder)
        return self._index

    def locate(self, key: str) -> Location | None:
        found = self.index.get(key)
        return found[:3] if found is not None else None

    def read(self, location: Location, size: int | None = None) -> bytes | None:
        """The bytes at ``location`` (its first ``size`` if given); None if its pack is gone or shorter
        (then the entry is made again)."""
        name, offset, whole = location
        size = whole if size is None else min(size, whole)
        try:
            fd = self._readers.get(name)
            if fd is None:
                if len(self._readers) >= _READERS_OPEN:
                    os.close(self._readers.pop(next(iter(self._readers))))
                fd = self._readers[name] = os.open(self.folder / name, os.O_RDONLY)
            data = os.pread(fd, size, offset)
        except OSError:
            return None
        return data if len(data) == size else None

    def append(self, parts: list[bytes]) -> Location:
        """Append one entry (the ``parts`` joined) to this process's pack; where it is. Raises OSError."""
        pid = os.getpid()
        if self._writer is None or self._writer[0] != pid:  # none yet, or the parent's (forked)
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(dir=self.folder, prefix="", suffix=PACK_SUFFIX)
            os.chmod(name, 0o644)
            self._writer = (pid, fd, os.path.basename(name))
        _, fd, name = self._writer
        offset = os.lseek(fd, 0, os.SEEK_END)
        data = b"".join(parts)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        return name, offset, len(data)

    def path_of(self, location: Location) -> str:
        return str(self.folder / location[0])

    def close(self) -> None:
        """Close the files this store opened and forget the index (it reads them again if used: another
        build may have changed them)."""
        self._index = self._before = None
        for fd in self._readers.values():
            os.close(fd)
        self._readers.clear()
        if self._writer is not None and self._writer[0] == os.getpid():
            os.close(self._writer[1])
        self._writer = None

    def __del__(self):
        try:
            self.close()
        except OSError:
            pass

    def save(self, used: dict[str, Location], tidy: bool = True) -> None:
        """Record that this build used ``used`` (key -> location), keeping the index's other entries used
        within UNUSED_DAYS; then (``tidy``) compact mostly unused packs and remove what no entry names.
        Without ``tidy``: a checkpoint, so that a build killed later leaves what it made so far findable.
        A failure only costs making entries again in a later build."""
        day = today()
        if tidy or self._before is None:  # a checkpoint re-uses the index as the build found it
            self._before = read_index(self.folder)
        kept = {key: entry for key, entry in self._before.items() if key not in used and entry[3] > day - UNUSED_DAYS}
        kept.update((key, (*location, day)) for key, location in used.items())
        try:
            if tidy:
                kept = self._compacted(kept)
            write_file(self.folder / INDEX, pickle.dumps(kept, protocol=pickle.HIGHEST_PROTOCOL))
        except OSError:
            return
        self._index = kept
        if tidy:
            remove_unnamed(self.folder, {entry[0] for entry in kept.values()})

    def _compacted(self, index: dict[str, tuple[str, int, int, int]]) -> dict[str, tuple[str, int, int, int]]:
        """``index`` with the entries of some packs copied to this process's pack: of those mostly unused,
        and of the smallest once there are over MOST_PACKS (each build that adds articles adds a pack)."""
        named: dict[str, int] = {}
        for name, _, size, _ in index.values():
            named[name] = named.get(name, 0) + size
        sizes = {}
        for name in named:
            try:
                stat = os.stat(self.folder / name)
            except OSError:
                continue
            if stat.st_mtime < time.time() - _YOUNG_SECONDS:  # not another build's, being written
                sizes[name] = stat.st_size
        sparse = {name for name, size in sizes.items() if named[name] <= COMPACT_BELOW * size}
        if len(named) > MOST_PACKS:
            sparse.update(sorted(sizes, key=lambda name: (sizes[name], name))[:len(named) - MOST_PACKS // 2])
        if not sparse:
            return index
        out = dict(index)
        for key, (name, offset, size, day) in sorted(index.items(), key=lambda kv: kv[1][:2]):
            if name in sparse:
                data = self.read((name, offset, size))
                if data is None:
                    del out[key]
                else:
                    out[key] = (*self.append([data]), day)
        for name in sparse:  # an hour more for a build still reading it (see remove_unnamed)
            try:
                os.utime(self.folder / name)
            except OSError:
                pass
        return out


_OPEN: OrderedDict[str, PackStore] = OrderedDict()  # this process's stores, the latest used last
_OPEN_AT_MOST = 8


def pack_store(folder: str | os.PathLike) -> PackStore:
    """This process's store for ``folder`` (the least recently used of more than ``_OPEN_AT_MOST`` is closed)."""
    key = os.path.abspath(folder)
    store = _OPEN.get(key)
    if store is None:
        store = _OPEN[key] = PackStore(key)
        while len(_OPEN) > _OPEN_AT_MOST:
            _OPEN.popitem(last=False)[1].close()
    else:
        _OPEN.move_to_end(key)
    return store


def read_index(folder: Path) -> dict[str, tuple[str, int, int, int]]:
    """The index of ``folder``'s packs; empty if there is none or it cannot be read, and without entries of
    another shape (from another version): their entries are made again."""
    try:
        with open(folder / INDEX, "rb") as handle:
            index = pickle.load(handle)
    except Exception:  # none yet, truncated, or from another version
        return {}
    if not isinstance(index, dict):
        return {}
    return {key: entry for key, entry in index.items() if _is_entry(entry)}


def _is_entry(entry) -> bool:
    return (type(entry) is tuple and len(entry) == 4 and type(entry[0]) is str
            and all(type(n) is int for n in entry[1:]))


def remove_unnamed(folder: Path, named: set[str]) -> None:
    """Remove the packs of ``folder`` not in ``named`` and stale temporary files (both once an hour old),
    and the folders of the one-file-an-entry layout of earlier versions (``<hh>/``)."""
    young = time.time() - _YOUNG_SECONDS
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        try:
            if entry.is_dir(follow_symlinks=False):
                if len(entry.name) == 2:
                    shutil.rmtree(entry.path, ignore_errors=True)
            elif (entry.name.endswith(PACK_SUFFIX) and entry.name not in named) or entry.name.endswith(".part"):
                if entry.stat(follow_symlinks=False).st_mtime < young:
                    os.unlink(entry.path)
        except OSError:
            pass
