"""What the last build wrote into an export folder, so a re-run with nothing changed writes nothing.

At 10,000 articles a build with every article in the cache still takes about a
minute: the story is resolved and 2.5 GB of exports are written again, byte for
byte the same. The exports are a function of the input files (their paths and
bytes), the base IRI, this package's own files and the libraries that write
bytes. A build records a hash of all of these (the *inputs*) in
``OUT/.kg-build.json``, the *stamp*, with the size and modification time of
each file it wrote, its counts and the files it skipped. The next build hashes
the inputs again (reading every file: 0.5-1.4 s at 10,000 articles, unless the
cache's memo of hashes knows it unchanged: :func:`input_hashes`); a format whose
file was written from the same inputs and has not been touched since is up to
date. When every format asked for is, the build stops there and reports what
the stamp recorded; otherwise it assembles the graph and writes only the
formats that are not.

The stamp is written after the exports, whole (:mod:`kg.atomic`), so an
interrupted build leaves the previous stamp, whose sizes and times no longer
match any file the interrupted build replaced. A missing or unreadable stamp
means nothing is known to be up to date. ``--no-cache`` does not look at it.
"""
from __future__ import annotations

import hashlib
import json
import os
import pickle
import sys
import time
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Iterable

from kg.atomic import write_file
from kg.ingest import ArticleError, iter_article_paths, read_article_bytes

STAMP_NAME = ".kg-build.json"
_STAMP_VERSION = 1
_PACKAGE = Path(__file__).resolve().parent
# the distributions whose versions can change an export's bytes (writers, serializers, the picture)
LIBRARIES = ("pyoxigraph", "networkx", "pyvis", "matplotlib", "rdflib", "pyyaml", "dateparser")


@dataclass
class Stamp:
    inputs: str = ""  # the hash of everything the last build's exports depend on
    articles: int = 0
    nodes: int = 0
    triples: int = 0
    skipped: list[list[str]] = field(default_factory=list)  # [path, problem] of each file the build skipped
    files: dict[str, dict] = field(default_factory=dict)  # format -> {"file", "inputs", "size", "mtime_ns"}

    def may_be_current(self, names: Iterable[str]) -> bool:
        """Whether a file of the formats ``names`` was recorded: if none was, nothing can be up to date, and
        a build need not hash its inputs before it starts (:func:`hashes_as_read` after it does)."""
        return any(n in self.files for n in names)

    def up_to_date(self, inputs: str, names: Iterable[str], out: Path) -> set[str]:
        """The formats among ``names`` whose file was written from ``inputs`` and is still as written."""
        return {n for n in names if self._is_current(n, inputs, Path(out))}

    def _is_current(self, name: str, inputs: str, out: Path) -> bool:
        entry = self.files.get(name)
        if not entry or entry.get("inputs") != inputs:
            return False
        try:
            info = os.stat(out / entry["file"])
        except (OSError, KeyError, TypeError):
            return False
        return (info.st_size, info.st_mtime_ns) == (entry.get("size"), entry.get("mtime_ns"))

    def record(self, name: str, path: Path, inputs: str) -> None:
        """Note that format ``name`` was just written to ``path`` from ``inputs``."""
        info = os.stat(path)
        self.files[name] = {"file": Path(path).name, "inputs": inputs, "size": info.st_size,
                            "mtime_ns": info.st_mtime_ns}


def read_stamp(out: str | os.PathLike) -> Stamp:
    """The stamp in ``out``; an empty one if there is none or it cannot be read."""
    try:
        data = json.loads((Path(out) / STAMP_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Stamp()
    if not isinstance(data, dict) or data.pop("version", None) != _STAMP_VERSION:
        return Stamp()
    try:
        stamp = Stamp(**data)
    except TypeError:
        return Stamp()
    shapes = (isinstance(stamp.files, dict) and all(isinstance(e, dict) for e in stamp.files.values())
              and isinstance(stamp.skipped, list) and all(isinstance(s, list) and len(s) == 2 for s in stamp.skipped))
    return stamp if shapes else Stamp()


def write_stamp(out: str | os.PathLike, stamp: Stamp) -> None:
    data = {"version": _STAMP_VERSION, **asdict(stamp)}
    write_file(Path(out) / STAMP_NAME, json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8"))


_UNREADABLE = "unreadable: "


def input_hashes(paths: Iterable[str | os.PathLike], memo: str | os.PathLike | None = None) -> dict[str, str]:
    """Every article file under ``paths`` -> the sha256 of its bytes, or why it cannot be read.

    The build looks cached files up by these (:func:`kg.build.build`'s ``hashes``) instead of reading
    them a second time. ``memo``: a file of the hashes made before, each with the file's device, inode,
    size and times then (:func:`remember_hashes`); a file that still has those is not read again, as git's
    index does (at 10,000 articles 0.08 s against 0.5-1.4 s)."""
    started = time.time_ns()
    known = _read_memo(memo) if memo is not None else {}
    hashes: dict[str, str] = {}
    seen: dict[str, tuple] = {}
    for path in iter_article_paths(paths):
        name = str(path)
        status = _status(name)
        entry = known.get(name)
        if status is not None and isinstance(entry, tuple) and len(entry) == 2 and entry[0] == status:
            hashes[name] = entry[1]
        else:
            hashes[name] = _hash_of(path)  # read after the stat: a file changed since has a later stat
        if status is not None:
            seen[name] = status
    if memo is not None:
        _write_memo(memo, _settled(hashes, seen, started), known)
    return hashes


def remember_hashes(memo: str | os.PathLike, hashes: dict[str, str], since_ns: int) -> None:
    """Keep ``hashes`` (read from the files at some time after ``since_ns``, :func:`time.time_ns`) in the
    memo :func:`input_hashes` reads: those of the files unchanged since (a file changed later may differ
    from what was read)."""
    seen = {path: status for path in hashes if (status := _status(path)) is not None}
    _write_memo(memo, _settled(hashes, seen, since_ns), _read_memo(memo))


# a file changed less than this before its hash was made is hashed again next time: a change within the
# same tick of the file system's clock, after the read, would leave the same size and times
_RACY_NS = 2_000_000_000


def _status(path: str) -> tuple | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns


def _settled(hashes: dict[str, str], seen: dict[str, tuple], since_ns: int) -> dict[str, tuple]:
    """The memo's entries for ``hashes``: (status, hash) of each file hashed whole and unchanged since well
    before ``since_ns``."""
    before = since_ns - _RACY_NS
    return {path: (status, hashes[path]) for path, status in seen.items()
            if is_content_hash(hashes[path]) and max(status[3], status[4]) < before}


def _read_memo(memo: str | os.PathLike) -> dict[str, tuple]:
    try:
        with open(memo, "rb") as handle:
            found = pickle.load(handle)
    except Exception:  # none yet, or unreadable (truncated, another Python): every file is read
        return {}
    return found if isinstance(found, dict) else {}


def _write_memo(memo: str | os.PathLike, entries: dict[str, tuple], known: dict[str, tuple]) -> None:
    if entries == known:
        return
    try:
        Path(memo).parent.mkdir(parents=True, exist_ok=True)
        write_file(Path(memo), pickle.dumps(entries, protocol=pickle.HIGHEST_PROTOCOL))
    except OSError:  # a read-only cache: the next build reads the files again
        pass


def hashes_as_read(paths: Iterable[str | os.PathLike], digests: Iterable) -> dict[str, str]:
    """:func:`input_hashes`, made once a build is done: each article's hash from its digest (the bytes the
    build read, hashed by the worker that read them), every other file (skipped) hashed now. A first
    build into a folder takes this way: at 10,000 articles, hashing before the build took 0.4-1 s of
    one core before the workers started."""
    read = {d.path: d.content_hash for d in digests}
    return {str(path): read.get(str(path)) or _hash_of(path) for path in iter_article_paths(paths)}


def _hash_of(path: Path) -> str:
    try:
        return hashlib.sha256(read_article_bytes(path)).hexdigest()
    except ArticleError as err:
        return _UNREADABLE + err.problem


def is_content_hash(value: str) -> bool:
    """Whether an :func:`input_hashes` value is a hash (not why the file cannot be read)."""
    return not value.startswith(_UNREADABLE)


def inputs_fingerprint(hashes: dict[str, str], base_iri: str) -> str:
    """A hash of ``hashes`` (:func:`input_hashes`, in path order), ``base_iri``, this package's files and the
    versions of Python and of the libraries that write bytes."""
    digest = hashlib.sha256(f"{_STAMP_VERSION}\0{base_iri}\0{code_and_libraries()}\0".encode())
    for path, content in hashes.items():
        digest.update(f"{path}\0{content}\n".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def read_as_hashed(hashes: dict[str, str], digests: Iterable) -> bool:
    """Whether the build read every article with the bytes :func:`input_hashes` hashed before it: a file
    edited meanwhile makes exports that the fingerprint does not describe, so they are not recorded."""
    return all(hashes.get(d.path) == d.content_hash for d in digests)


@lru_cache(maxsize=None)
def code_and_libraries() -> str:
    """A hash of every file of this package (code, resources, page templates) and the library versions."""
    digest = hashlib.sha256(f"python {sys.version}\0".encode())
    for name in LIBRARIES:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = "-"
        digest.update(f"{name} {version}\0".encode())
    for path in sorted(_PACKAGE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(_PACKAGE)).encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()
