"""kg.atomic: files written whole or not at all, and large exports written around the page cache."""
from __future__ import annotations

import errno
import os

import pytest

from kg import atomic
from kg.atomic import DirectWriter, atomic_output


@pytest.fixture
def small_blocks(monkeypatch):
    """Blocks of 8 KB, so that a few kilobytes cross several of them."""
    monkeypatch.setattr(DirectWriter, "BLOCK", 8192)


def pieces(seed: int) -> list[bytes]:
    """Writes of every awkward size: empty, one byte, an alignment unit and one more, several blocks."""
    sizes = [0, 1, 4095, 4096, 4097, 8191, 8192, 8193, 20000, 3, 70000, 0, 12]
    return [bytes((seed + i + j) % 251 for j in range(n)) for i, n in enumerate(sizes)]


@pytest.mark.parametrize("total", [0, 1, 4096, 8192, 8193, 137_000])
def test_direct_writes_give_the_bytes_written(tmp_path, small_blocks, total):
    data = bytes(i % 253 for i in range(total))
    target = tmp_path / "out.bin"
    with atomic_output(target, direct=True) as handle:
        assert isinstance(handle, DirectWriter)
        a, b = total // 3, total // 2
        c = max(b, total - 7)
        handle.write(data[:a])
        handle.write(memoryview(data)[a:b])
        handle.writelines([bytearray(data[b:c]), data[c:]])
    assert target.read_bytes() == data
    assert oct(target.stat().st_mode & 0o777) == "0o644"
    assert [p.name for p in tmp_path.iterdir()] == ["out.bin"]


def test_direct_writes_are_direct_where_the_file_system_allows_it(tmp_path):
    """Where a file can be opened with O_DIRECT, the writer bypasses the page cache; elsewhere (no
    O_DIRECT, a file system that refuses it) it writes through it: the bytes are the same either way."""
    try:
        os.close(os.open(tmp_path / "probe", os.O_WRONLY | os.O_CREAT | os.O_DIRECT))
        allowed = True
    except (AttributeError, OSError):
        allowed = False
    fd = os.open(tmp_path / "file", os.O_WRONLY | os.O_CREAT)
    writer = DirectWriter(fd)
    writer.write(b"x" * 5000)
    assert writer.direct == allowed
    writer.close()
    assert (tmp_path / "file").read_bytes() == b"x" * 5000


def test_a_refused_direct_write_goes_on_through_the_page_cache(tmp_path, small_blocks, monkeypatch):
    """A kernel may refuse a direct write (EINVAL) after accepting the flag: the rest is written as usual,
    the bytes in order, including the ones held for the refused block."""
    real_write = os.write
    calls = []

    def write(fd, data):
        calls.append(len(data))
        if len(calls) == 2 and DirectWriter.BLOCK == 8192:
            raise OSError(errno.EINVAL, "Invalid argument")
        return real_write(fd, data)

    monkeypatch.setattr(atomic, "_set_direct", lambda fd, on: on)
    monkeypatch.setattr(atomic.os, "write", write)
    data = b"".join(pieces(7))
    target = tmp_path / "out.bin"
    with atomic_output(target, direct=True) as handle:
        for piece in pieces(7):
            handle.write(piece)
        assert not handle.direct
    assert target.read_bytes() == data
    assert calls[0] == 8192 and calls[1] == 8192  # the refused block, then the same block again


def test_the_last_block_is_padded_then_cut(tmp_path, small_blocks, monkeypatch):
    """Direct writes are whole 4 KB units: the last one is padded with zeros and the file cut back."""
    written = []
    real_write = os.write
    monkeypatch.setattr(atomic, "_set_direct", lambda fd, on: on)
    monkeypatch.setattr(atomic.os, "write", lambda fd, data: written.append(len(data)) or real_write(fd, data))
    target = tmp_path / "out.bin"
    with atomic_output(target, direct=True) as handle:
        handle.write(b"a" * 10000)
    assert written == [8192, 4096]
    assert target.read_bytes() == b"a" * 10000


def test_a_failed_block_leaves_the_previous_file(tmp_path, small_blocks):
    target = tmp_path / "out.bin"
    target.write_bytes(b"previous")
    with pytest.raises(RuntimeError):
        with atomic_output(target, direct=True) as handle:
            handle.write(b"new" * 10000)
            raise RuntimeError("the writer failed")
    assert target.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["out.bin"]


def test_text_mode_is_never_direct(tmp_path):
    with atomic_output(tmp_path / "t.txt", mode="w", direct=True) as handle:
        assert not isinstance(handle, DirectWriter)
        handle.write("통신\n")
    assert (tmp_path / "t.txt").read_text(encoding="utf-8") == "통신\n"
