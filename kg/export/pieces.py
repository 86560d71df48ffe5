"""The shared part of an export, re-used piece by piece from the file the last build wrote.

Every build renders the shared nodes' lines (0.17 GB at 10,000 articles) into each RDF format again:
0.8 s of Turtle and 2.5 s of JSON-LD, when a build that adds one article changes a few dozen of the
53,000 subjects (22 of the Turtle file's 528 pieces). So the writers cut those lines into pieces where
their content says (:func:`kg.render.runs_in_pieces`: lines added in one place leave the other pieces as
they were), and the build cache keeps, for each format, where the last file holds each piece's
rendering, by the SHA-256 of the piece's lines. The next build copies a piece's rendering from that file
if it is still the file that was written (its size and time, as the build's stamp checks an export:
kg.stamp) and the bytes still hash as they did, and renders the others. A piece renders the same
wherever it is cut (each subject's lines render alone), so the file is the same bytes either way
(tests/export/test_pieces.py).
"""
from __future__ import annotations

import hashlib
import os
import pickle
import stat
from pathlib import Path
from typing import Callable, Iterable, Iterator

from kg.atomic import write_file
from kg.export.files import export_output

_VERSION = 1


def _digest(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


class PieceMemo:
    """What the file ``target`` of one format held of the shared part when the last build wrote it, kept in
    ``folder`` (the build cache's; None: nothing is kept or re-used) for builds made by ``basis`` (the
    code, libraries and base IRI: :func:`kg.graph.delta_basis`).

    Use: :meth:`rendered` gives each piece's rendering, :meth:`placed` says where it went in the new file,
    and :meth:`keep`, once that file is in place, records it for the next build."""

    def __init__(self, folder: Path | None, name: str, target: Path, basis: str):
        self.index = Path(folder) / f"{name}.pieces" if folder is not None else None
        self.target, self.basis = Path(target), basis
        self.last: dict[bytes, tuple[int, int, bytes]] = {}  # piece -> (offset, size, digest) in the last file
        self.made: dict[bytes, tuple[int, int, bytes]] = {}  # the same, in the file being written
        self.reused = 0  # pieces copied from the last file
        self._fd = -1
        if self.index is not None:
            self._open_last()

    def _open_last(self) -> None:
        try:
            with open(self.index, "rb") as handle:
                kept = pickle.load(handle)
            if (kept["version"], kept["basis"], kept["file"]) != (_VERSION, self.basis, str(self.target.resolve())):
                return
            # not opened unless it is a regular file as written (a FIFO put there would block the open)
            if not stat.S_ISREG(os.stat(self.target).st_mode):
                return
            self._fd = os.open(self.target, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
            info = os.fstat(self._fd)
            if not stat.S_ISREG(info.st_mode) or _identity(info) != kept["identity"]:
                return self.close()
            self.last = dict(kept["pieces"])
        except Exception:  # none yet, another version's, unreadable, or no file: every piece is rendered
            self.close()

    def rendered(self, pieces: Iterable[bytes], render: Callable[[bytes], bytes]) -> Iterator[tuple[bytes, bytes]]:
        """(key, rendering) of each of ``pieces``: copied from the last file where it holds the piece, else
        ``render(piece)``."""
        for piece in pieces:
            key = _digest(piece)[:16] if self.index is not None else b""
            chunk = self._copied(key)
            if chunk is None:
                chunk = render(piece)
            else:
                self.reused += 1
            yield key, chunk

    def _copied(self, key: bytes) -> bytes | None:
        entry = self.last.get(key)
        if entry is None:
            return None
        at, size, digest = entry
        try:
            data = os.pread(self._fd, size, at)
        except OSError:
            return None
        return data if len(data) == size and _digest(data) == digest else None

    def placed(self, key: bytes, at: int, chunk: bytes) -> None:
        """The rendering ``chunk`` of the piece ``key`` was written at offset ``at`` of the new file."""
        if self.index is not None:
            self.made[key] = (at, len(chunk), _digest(chunk))

    def keep(self) -> None:
        """Record the new file, now in place, for the next build (a failure only costs it the re-use)."""
        self.close()
        if self.index is None:
            return
        try:
            identity = _identity(os.stat(self.target))
            write_file(self.index, pickle.dumps(
                {"version": _VERSION, "basis": self.basis, "file": str(self.target.resolve()), "identity": identity,
                 "pieces": self.made}, protocol=pickle.HIGHEST_PROTOCOL))
        except OSError:
            pass

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def __enter__(self) -> "PieceMemo":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _identity(info: os.stat_result) -> tuple[int, int]:
    return info.st_size, info.st_mtime_ns


def write_with_memo(kg, name: str, target: Path, chunks: Callable[[PieceMemo], Iterable[bytes]]) -> Path:
    """Write ``chunks(memo)`` to ``target`` whole or not at all (:func:`kg.export.files.export_output`), with
    the memo of format ``name``'s last file (:func:`piece_memo`), and record the new file once it is in
    place: a build stopped before that leaves the memo of the file that is still there."""
    with piece_memo(kg, name, target) as memo:
        with export_output(target) as handle:
            for chunk in chunks(memo):
                handle.write(chunk)
        memo.keep()
    return target


def piece_memo(kg, name: str, target: Path) -> PieceMemo:
    """The memo of format ``name``'s file ``target`` for the graph ``kg``: kept in the build cache's
    folder for it (``kg.export_memo``), or none if the build has no cache."""
    folder = getattr(kg, "export_memo", None)
    if folder is None:
        return PieceMemo(None, name, target, "")
    from kg.graph import delta_basis
    return PieceMemo(folder, name, target, delta_basis(kg.iris))
