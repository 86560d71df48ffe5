"""kg.export.pieces: a build copies the shared part's pieces the last build's Turtle and JSON-LD hold, and the
files are the same bytes as rendered whole."""
from __future__ import annotations

import os
import pickle
import sys
from pathlib import Path

import pytest

import kg.graph
import kg.render
from kg.build import EXPORT_MEMO, build
from kg.cache import FactsCache
from kg.export import write_all
from kg.export.jsonld import jsonld_node_runs
from kg.export.pieces import PieceMemo
from kg.render import runs_in_pieces, subject_runs, turtle_fragment
from kg.vocab import DEFAULT_BASE_IRI

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from generate import generate  # noqa: E402

FORMATS = ["ttl", "jsonld"]
FILES = {"ttl": "graph.ttl", "jsonld": "graph.jsonld"}


def lines(subjects: range, extra: str = "") -> bytes:
    return b"".join(sorted(f"<http://x/s{n:05}> <http://x/p{i}> \"{n} {i}{extra}\" .\n".encode()
                           for n in subjects for i in range(3)))


def test_lines_added_in_one_place_leave_the_other_pieces_as_they_were():
    before = lines(range(0, 3000, 2))
    after = b"".join(sorted(before.splitlines(keepends=True) + lines(range(1501, 1502)).splitlines(keepends=True)
                            + [b"<http://x/s00800> <http://x/p9> \"more\" .\n"]))
    old = list(runs_in_pieces(before, subject_runs(before), 1 << 10))
    new = list(runs_in_pieces(after, subject_runs(after), 1 << 10))
    assert b"".join(new) == after and len(old) > 20
    assert len(set(new) - set(old)) <= 4 and len(set(old) - set(new)) <= 2  # the two places' pieces, maybe split


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> list[Path]:
    return sorted(generate(tmp_path_factory.mktemp("pieces"), 31))


@pytest.fixture
def small_pieces(monkeypatch):
    """A piece a subject, so that the generated articles' shared part makes dozens."""
    monkeypatch.setattr(kg.render, "PIECE_CUT_BITS", 0)
    monkeypatch.setattr(kg.render, "PIECE_LEAST", 0)


@pytest.fixture
def kept(monkeypatch) -> list[tuple[str, int, int]]:
    """(format, pieces copied from the last file, pieces in the new one) of each file written."""
    seen: list[tuple[str, int, int]] = []
    real = PieceMemo.keep

    def keep(self):
        seen.append((self.target.name, self.reused, len(self.made)))
        real(self)
    monkeypatch.setattr(PieceMemo, "keep", keep)
    return seen


def written(paths: list[Path], cache: Path | None, out: Path) -> Path:
    graph = build(paths, cache=FactsCache(cache) if cache is not None else None).kg
    write_all(graph, out, FORMATS)
    written.shared = graph.shared_nt
    return out


def pieces_of(nt: bytes) -> dict[str, set[bytes]]:
    return {"graph.ttl": set(runs_in_pieces(nt, subject_runs(nt))),
            "graph.jsonld": set(runs_in_pieces(nt, jsonld_node_runs(nt)))}


def same_files(one: Path, two: Path) -> None:
    for name in FILES.values():
        assert (one / name).read_bytes() == (two / name).read_bytes(), name


def test_a_build_adding_an_article_copies_the_pieces_that_did_not_change(corpus, tmp_path, small_pieces, kept):
    written(corpus[:-1], tmp_path / "cache", tmp_path / "out")
    assert [(name, reused) for name, reused, _ in kept] == [("graph.ttl", 0), ("graph.jsonld", 0)]
    before = pieces_of(written.shared)
    kept.clear()
    written(corpus, tmp_path / "cache", tmp_path / "out")
    now = pieces_of(written.shared)
    same_files(tmp_path / "out", written(corpus, None, tmp_path / "whole"))
    for name, reused, pieces in kept[:2]:  # a piece a subject: 541, 31 of them new or changed
        assert (reused, pieces) == (len(now[name] & before[name]), len(now[name])), name
        assert pieces > 500 and pieces - 50 < reused < pieces, name
    assert [name for name, _, _ in kept] == ["graph.ttl", "graph.jsonld"] * 2  # the build without a cache keeps none
    assert kept[2][1] == kept[3][1] == 0


def test_the_same_articles_again_copy_every_piece(corpus, tmp_path, small_pieces, kept):
    written(corpus, tmp_path / "cache", tmp_path / "out")
    before = {name: (tmp_path / "out" / name).read_bytes() for name in FILES.values()}
    written(corpus, tmp_path / "cache", tmp_path / "out")
    assert kept[2:] == [(name, pieces, pieces) for name, _, pieces in kept[:2]]
    assert before == {name: (tmp_path / "out" / name).read_bytes() for name in FILES.values()}


def test_a_piece_whose_bytes_changed_in_place_is_rendered_again(corpus, tmp_path, small_pieces, kept):
    out = written(corpus[:-1], tmp_path / "cache", tmp_path / "out")
    target = out / "graph.ttl"
    info = os.stat(target)
    data = bytearray(target.read_bytes())
    at = data.index(b"\n", len(data) // 20)
    data[at - 1:at] = b"#" if data[at - 1:at] != b"#" else b" "  # same size, another byte
    target.write_bytes(bytes(data))
    os.utime(target, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert os.stat(target).st_ino == info.st_ino
    kept.clear()
    written(corpus, tmp_path / "cache", tmp_path / "out")
    same_files(out, written(corpus, None, tmp_path / "whole"))
    (_, reused, pieces), (_, reused_jsonld, _) = kept[:2]
    assert 0 < reused < pieces and reused < reused_jsonld


@pytest.mark.parametrize("change", ["replaced", "removed", "a fifo", "other code", "unreadable index",
                                    "other folder"])
def test_nothing_is_copied_from_a_file_the_last_build_did_not_leave(corpus, tmp_path, small_pieces, kept,
                                                                    monkeypatch, change):
    out = written(corpus[:-1], tmp_path / "cache", tmp_path / "out")
    if change == "replaced":
        for name in FILES.values():
            data = (out / name).read_bytes()
            (out / name).unlink()
            (out / name).write_bytes(data)
    elif change == "removed":
        for name in FILES.values():
            (out / name).unlink()
    elif change == "a fifo":  # not opened: it would block until something wrote to it
        for name in FILES.values():
            (out / name).unlink()
            os.mkfifo(out / name)
    elif change == "other code":
        real = kg.graph.delta_basis
        monkeypatch.setattr(kg.graph, "delta_basis", lambda iris: real(iris) + " changed")
    elif change == "unreadable index":
        for index in (tmp_path / "cache").rglob("*.pieces"):
            index.write_bytes(b"not a pickle")
    kept.clear()
    again = tmp_path / ("elsewhere" if change == "other folder" else "out")
    written(corpus, tmp_path / "cache", again)
    same_files(again, written(corpus, None, tmp_path / "whole"))
    assert [reused for _, reused, _ in kept[:2]] == [0, 0]


def test_the_cache_keeps_where_each_files_pieces_lie(corpus, tmp_path, small_pieces):
    out = written(corpus[:5], tmp_path / "cache", tmp_path / "out")
    indexes = sorted((tmp_path / "cache").rglob("*.pieces"))
    assert [p.name for p in indexes] == ["jsonld.pieces", "ttl.pieces"]
    assert {p.parent.name for p in indexes} == {EXPORT_MEMO}
    kept = pickle.loads((indexes[1]).read_bytes())
    data = (out / "graph.ttl").read_bytes()
    assert kept["file"] == str((out / "graph.ttl").resolve()) and kept["identity"][0] == len(data)
    spans = sorted((at, size) for at, size, _ in kept["pieces"].values())
    assert len(spans) == len(pieces_of(written.shared)["graph.ttl"])
    assert all(a + n == b for (a, n), (b, _) in zip(spans, spans[1:]))  # one after the other
    assert data[:spans[0][0]].endswith(b"#> .\n\n")  # after the prefix header
    assert data[spans[0][0]:sum(spans[-1])] == turtle_fragment(written.shared, DEFAULT_BASE_IRI)
