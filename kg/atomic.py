"""Files written whole or not at all: exports, the cache's indexes, the story pack's index.

Each file is written to a temporary ``.*.part`` file beside its target and moved
into place (``os.replace``), so an interrupted or killed build leaves the previous
file or none, never half of one (the cache clears stale ``.part`` leftovers).
"""
from __future__ import annotations

import errno
import mmap
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # not on Windows: no direct writes there
    fcntl = None


@contextmanager
def atomic_output(target: Path, mode: str = "wb", direct: bool = False):
    """Open a temporary file beside ``target``; it replaces ``target`` only if the block succeeds.

    ``direct``: the bytes go to the disk without the page cache where the file system allows it
    (:class:`DirectWriter`), for files of hundreds of megabytes. There is no fsync: that would guard
    against power loss, not against interruption, and costs seconds per gigabyte.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name[:40]}.", suffix=".part", dir=target.parent)
    try:
        if direct and "b" in mode:
            handle = DirectWriter(fd)
        else:
            handle = os.fdopen(fd, mode, **({} if "b" in mode else {"encoding": "utf-8", "newline": "\n"}))
        with handle:
            yield handle
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; the files are for everyone to read
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


class DirectWriter:
    """A binary file written around the page cache (``O_DIRECT``), in aligned blocks of ``BLOCK`` bytes.

    Why: a build writes 2.5 GB of exports at 10,000 articles, and on the virtual machine it was measured
    on, memory freed a few seconds before belongs to the host again (free page reporting): filling page
    cache pages cost 2-3 s of system time a gigabyte, in the process that writes, while a core is short.
    Written directly, the same bytes cost that process ~0.1 s a gigabyte and wait on the disk instead
    (1-2 GB/s there). The last block is written padded, and the file cut to its size. Where the file
    system or the kernel refuses ``O_DIRECT`` (some file systems; no ``fcntl`` on Windows), or a write is
    refused, the rest goes through the page cache as usual: the bytes are the same either way.
    """

    BLOCK = 1 << 22
    ALIGN = 4096  # of the file offset, the size and the memory of each direct write (any disk's block size)

    def __init__(self, fd: int):
        self.fd = fd
        self.size = 0  # bytes in the file
        self.direct = _set_direct(fd, True)
        self._buffer = self._view = None
        if self.direct:
            try:
                self._buffer = mmap.mmap(-1, self.BLOCK)  # page-aligned memory
            except OSError:
                self.direct = _set_direct(fd, False)
            else:
                self._view = memoryview(self._buffer)
        self._held = 0  # bytes in the buffer, not yet written

    def write(self, data) -> int:
        data = memoryview(data).cast("B")
        at, n = 0, len(data)
        while at < n:
            if not self.direct:
                self._write_held()
                self._write_all(data[at:])
                break
            take = min(self.BLOCK - self._held, n - at)
            self._view[self._held:self._held + take] = data[at:at + take]
            self._held += take
            at += take
            if self._held == self.BLOCK:
                self._write_held()
        return n

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def _write_held(self) -> None:
        held, self._held = self._held, 0
        if held:
            self._write_all(self._view[:held])

    def _write_all(self, data: memoryview) -> None:
        done = 0
        while done < len(data):
            try:
                done += os.write(self.fd, data[done:])
            except OSError as err:
                if not (self.direct and err.errno == errno.EINVAL):
                    raise
                self.direct = _set_direct(self.fd, False)  # a refused direct write wrote nothing: again
        self.size += len(data)

    def close(self) -> None:
        if self.fd < 0:
            return
        try:
            if self._held and self.direct:
                held = self._held
                padded = -(-held // self.ALIGN) * self.ALIGN
                self._view[held:padded] = bytes(padded - held)
                self._held = padded
                self._write_held()
                self.size -= padded - held
                os.ftruncate(self.fd, self.size)
            else:
                self._write_held()
        finally:
            if self._view is not None:
                self._view.release()
                self._buffer.close()
                self._view = self._buffer = None
            os.close(self.fd)
            self.fd = -1

    def __enter__(self):
        return self

    def __exit__(self, failed, *exc) -> None:
        if failed is not None:  # the file is removed (atomic_output): the bytes held need not be written
            self._held = 0
        self.close()


def _set_direct(fd: int, on: bool) -> bool:
    """Turn ``O_DIRECT`` on or off for ``fd``; whether it is on."""
    flag = getattr(os, "O_DIRECT", 0)
    if not flag or fcntl is None:
        return False
    try:
        flags = fcntl.fcntl(fd, fcntl.F_GETFL)
        fcntl.fcntl(fd, fcntl.F_SETFL, flags | flag if on else flags & ~flag)
    except OSError:
        return False
    return on


def write_file(target: Path, data: bytes) -> Path:
    """Write ``data`` to ``target`` atomically; returns ``target``."""
    target = Path(target)
    with atomic_output(target) as handle:
        handle.write(data)
    return target
