"""A re-run with unchanged inputs writes nothing; a changed input, a touched export or --no-cache rebuilds."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.conftest import ROOT, SEEDS

from kg.stamp import STAMP_NAME, Stamp, input_hashes, inputs_fingerprint, read_as_hashed, read_stamp
from kg.vocab import DEFAULT_BASE_IRI

# two RDF formats written here and two view formats written by the second process (--jobs 2)
FORMATS = "ttl,nt,graphml,timeline_json"
NAMES = ["graph.ttl", "graph.nt", "graph.graphml", "timeline.json"]


def kg_build(corpus: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg", "build", str(corpus), "--out", str(out), "--formats", FORMATS,
                           "--jobs", "2", *extra], capture_output=True, text=True, cwd=ROOT, timeout=300)


def stats(out: Path) -> dict[str, tuple[int, int]]:
    """Each export's (inode, mtime_ns): a file moved into place again gets a new inode."""
    return {n: (os.stat(out / n).st_ino, os.stat(out / n).st_mtime_ns) for n in NAMES}


def contents(out: Path) -> dict[str, bytes]:
    return {n: (out / n).read_bytes() for n in NAMES}


@pytest.fixture()
def corpus(tmp_path) -> Path:
    folder = tmp_path / "in"
    shutil.copytree(SEEDS, folder)
    (folder / "zz_bad.txt").write_text("no front matter\n", encoding="utf-8")
    return folder


@pytest.fixture()
def first(corpus, tmp_path) -> subprocess.CompletedProcess:
    first = kg_build(corpus, tmp_path / "out")
    assert first.returncode == 3, first.stderr
    assert "9 extracted" in first.stdout
    return first


@pytest.fixture()
def built(first, tmp_path) -> Path:
    return tmp_path / "out"


def test_unchanged_inputs_write_nothing_and_report_as_before(corpus, first, built):
    before, first_stamp = stats(built), read_stamp(built)
    again = kg_build(corpus, built)
    assert again.returncode == 3
    assert again.stderr == first.stderr and again.stderr.startswith(f"skipped {corpus / 'zz_bad.txt'}: ")
    assert f"read 9 articles, skipped 1: no input file changed since the last build; the exports " \
           f"({first_stamp.nodes} nodes, {first_stamp.triples} triples) are up to date" in again.stdout
    assert again.stdout.count("(up to date)") == len(NAMES)
    assert stats(built) == before
    strict = kg_build(corpus, built, "--strict")
    assert strict.returncode == 1 and "--strict and 1 file(s) skipped; nothing written" in strict.stderr
    assert stats(built) == before


def test_a_touched_input_with_the_same_bytes_is_unchanged(corpus, built):
    before = stats(built)
    article = sorted(corpus.glob("*.txt"))[0]
    os.utime(article, ns=(1, 1))
    assert "up to date" in kg_build(corpus, built).stdout
    assert stats(built) == before


def test_a_changed_article_rewrites_every_export_as_a_fresh_build_would(corpus, built, tmp_path):
    before = stats(built)
    article = sorted(corpus.glob("*.txt"))[1]
    article.write_bytes(article.read_bytes().replace("KT".encode(), "케이티".encode(), 1) + "\n추가 문장.\n".encode())
    again = kg_build(corpus, built)
    assert again.returncode == 3 and "(1 extracted, 8 from the cache" in again.stdout
    assert "(up to date)" not in again.stdout
    after = stats(built)
    assert all(after[n] != before[n] for n in NAMES)
    fresh = tmp_path / "fresh"
    assert kg_build(corpus, fresh, "--no-cache").returncode == 3
    assert contents(built) == contents(fresh)
    assert "up to date" in kg_build(corpus, built).stdout


def test_only_the_exports_deleted_or_touched_are_written_again(corpus, built):
    before, expected = stats(built), contents(built)
    (built / "graph.nt").unlink()
    with open(built / "timeline.json", "ab") as handle:  # edited by hand: a different size
        handle.write(b" ")
    again = kg_build(corpus, built)
    assert again.returncode == 3, again.stderr
    assert "(0 extracted, 9 from the cache" in again.stdout
    assert again.stdout.count("(up to date)") == 2
    after = stats(built)
    assert [n for n in NAMES if after[n] != before[n]] == ["graph.nt", "timeline.json"]
    assert contents(built) == expected
    assert "up to date" in kg_build(corpus, built).stdout


def test_other_formats_other_base_iri_and_no_cache_are_built(corpus, built):
    other = kg_build(corpus, built, "--formats", "ttl,jsonld")
    assert "(0 extracted, 9 from the cache" in other.stdout
    assert other.stdout.count("(up to date)") == 1  # graph.ttl
    assert (built / "graph.jsonld").is_file()
    assert "up to date" in kg_build(corpus, built, "--formats", "ttl,jsonld").stdout
    elsewhere = kg_build(corpus, built, "--base-iri", "https://kg.example.org/")
    assert elsewhere.returncode == 3 and "(up to date)" not in elsewhere.stdout
    forced = kg_build(corpus, built, "--no-cache")
    assert "(9 extracted, 0 from the cache" in forced.stdout and "(up to date)" not in forced.stdout


@pytest.mark.parametrize("damage", [b"", b"{not json", b'{"version": 99}', b'{"version": 1, "files": 3}', b"[]"])
def test_a_missing_or_unreadable_stamp_means_a_full_write(corpus, built, damage):
    before, expected = stats(built), contents(built)
    (built / STAMP_NAME).write_bytes(damage)
    again = kg_build(corpus, built)
    assert again.returncode == 3, again.stderr
    assert "(up to date)" not in again.stdout
    assert all(stats(built)[n] != before[n] for n in NAMES)
    assert contents(built) == expected
    assert json.loads((built / STAMP_NAME).read_text())["version"] == 1


def fingerprint(corpus: Path, base_iri: str = DEFAULT_BASE_IRI) -> str:
    return inputs_fingerprint(input_hashes([corpus]), base_iri)


def test_inputs_fingerprint_follows_paths_bytes_and_base_iri(corpus, tmp_path):
    base = fingerprint(corpus)
    assert fingerprint(corpus) == base
    assert fingerprint(corpus, "https://kg.example.org/") != base
    article = sorted(corpus.glob("*.txt"))[0]
    article.rename(article.with_name("renamed.txt"))
    renamed = fingerprint(corpus)
    assert renamed != base
    (corpus / "renamed.txt").write_bytes((corpus / "renamed.txt").read_bytes() + b"\n")
    assert fingerprint(corpus) not in (base, renamed)
    assert input_hashes([corpus])[str(corpus / "zz_bad.txt")] == hashlib.sha256(b"no front matter\n").hexdigest()


def test_an_article_edited_during_the_build_is_noticed(corpus, seed_build):
    hashes = input_hashes([corpus])
    digests = [SimpleNamespace(path=str(corpus / Path(d.path).name), content_hash=d.content_hash)
               for d in seed_build.kg.digests]
    assert read_as_hashed(hashes, digests)
    digests[3].content_hash = "0" * 64
    assert not read_as_hashed(hashes, digests)


def test_an_entry_is_current_only_for_its_inputs_and_the_file_as_written(tmp_path):
    target = tmp_path / "graph.ttl"
    target.write_bytes(b"x")
    stamp = Stamp()
    stamp.record("ttl", target, "abc")
    assert stamp.up_to_date("abc", ["ttl", "nt"], tmp_path) == {"ttl"}
    assert stamp.up_to_date("abd", ["ttl"], tmp_path) == set()
    os.utime(target, ns=(1, 1))
    assert stamp.up_to_date("abc", ["ttl"], tmp_path) == set()


def test_an_out_folder_that_cannot_be_written_is_one_line(corpus, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    proc = kg_build(corpus, blocker / "out", "--no-cache")
    assert proc.returncode == 1
    assert proc.stderr.splitlines()[-1] == f"kg build: could not write the exports: [Errno 20] Not a directory: " \
                                           f"'{blocker / 'out'}'"
    assert "Traceback" not in proc.stderr


def test_a_stamp_that_cannot_be_written_costs_only_the_next_shortcut(corpus, built):
    (built / STAMP_NAME).unlink()
    (built / STAMP_NAME).mkdir()
    again = kg_build(corpus, built)
    assert again.returncode == 3
    assert "the next one writes every export again" in again.stderr.splitlines()[-1]
    assert "(up to date)" not in kg_build(corpus, built).stdout


def test_a_first_build_hashes_its_inputs_from_what_it_read(corpus, tmp_path, monkeypatch):
    import kg.stamp
    from kg.cli import main
    calls = []
    real = kg.stamp.input_hashes
    monkeypatch.setattr(kg.stamp, "input_hashes", lambda paths, memo=None: calls.append(paths) or real(paths, memo))
    out = tmp_path / "out"
    assert main(["build", str(corpus), "--out", str(out), "--formats", "ttl", "--jobs", "1", "-q"]) == 3
    assert calls == []  # no stamp in out: nothing can be up to date, so nothing was hashed first
    assert read_stamp(out).inputs == inputs_fingerprint(real([corpus]), DEFAULT_BASE_IRI)
    assert main(["build", str(corpus), "--out", str(out), "--formats", "ttl", "--jobs", "1", "-q"]) == 3
    assert len(calls) == 1  # the stamp records graph.ttl: hashed first, and found up to date
    assert main(["build", str(corpus), "--out", str(out), "--formats", "nt", "--jobs", "1", "-q"]) == 3
    assert len(calls) == 1 and read_stamp(out).inputs == inputs_fingerprint(real([corpus]), DEFAULT_BASE_IRI)


def test_hashes_as_read_are_the_input_hashes_with_the_bytes_the_build_read(corpus):
    from dataclasses import replace
    from kg.build import build
    from kg.stamp import hashes_as_read
    (corpus / "zz_same_id.txt").write_bytes((corpus / sorted(p.name for p in SEEDS.iterdir())[0]).read_bytes()
                                            + b"\nmore\n")
    digests = build([corpus]).kg.digests
    assert list(hashes_as_read([corpus], digests).items()) == list(input_hashes([corpus]).items())
    edited = [replace(digests[0], content_hash="0" * 64)] + digests[1:]
    assert hashes_as_read([corpus], edited)[digests[0].path] == "0" * 64


def _counting_reads(monkeypatch) -> list:
    import kg.stamp
    read = []
    real = kg.stamp._hash_of
    monkeypatch.setattr(kg.stamp, "_hash_of", lambda path: read.append(path.name) or real(path))
    return read


def test_the_memo_of_hashes_reads_only_files_changed_since(corpus, tmp_path, monkeypatch):
    import kg.stamp
    monkeypatch.setattr(kg.stamp, "_RACY_NS", 0)  # files written by this test count as settled at once
    memo = tmp_path / "cache" / "input-hashes"
    read = _counting_reads(monkeypatch)
    first = input_hashes([corpus], memo)
    assert first == input_hashes([corpus]) and memo.is_file()
    files = sorted(p.name for p in corpus.iterdir())
    assert sorted(read) == sorted(files * 2)  # with the memo, and without
    read.clear()
    assert input_hashes([corpus], memo) == first and read == []
    edited = corpus / files[0]
    edited.write_bytes(edited.read_bytes().replace(b"\n", b"\r\n", 1))
    (corpus / "zz_new.txt").write_bytes(b"new\n")
    again = input_hashes([corpus], memo)
    assert sorted(read) == sorted([files[0], "zz_new.txt"])
    assert again == input_hashes([corpus]) and again[str(edited)] != first[str(edited)]


def test_the_memo_keeps_no_file_changed_just_before_its_hash(corpus, tmp_path, monkeypatch):
    memo = tmp_path / "input-hashes"
    read = _counting_reads(monkeypatch)
    input_hashes([corpus], memo)
    read.clear()
    input_hashes([corpus], memo)  # every file was written by this test, under 2 s ago: each read again
    assert sorted(read) == sorted(p.name for p in corpus.iterdir())


def test_a_damaged_memo_means_reading_every_file(corpus, tmp_path, monkeypatch):
    memo = tmp_path / "input-hashes"
    memo.write_bytes(b"not a pickle")
    read = _counting_reads(monkeypatch)
    assert input_hashes([corpus], memo) == input_hashes([corpus])
    assert len(read) == 2 * len(list(corpus.iterdir()))
    import pickle
    memo.write_bytes(pickle.dumps({str(p): "not an entry" for p in corpus.iterdir()}))
    read.clear()
    assert input_hashes([corpus], memo) == input_hashes([corpus])
    assert len(read) == 2 * len(list(corpus.iterdir()))


def test_remember_hashes_keeps_the_files_unchanged_since_the_build_began(corpus, tmp_path, monkeypatch):
    import time
    import kg.stamp
    from kg.stamp import remember_hashes
    monkeypatch.setattr(kg.stamp, "_RACY_NS", 0)
    memo = tmp_path / "input-hashes"
    began = time.time_ns()
    later = corpus / "zz_later.txt"
    later.write_bytes(b"written after the build began\n")
    remember_hashes(memo, input_hashes([corpus]), began)
    read = _counting_reads(monkeypatch)
    assert input_hashes([corpus], memo) == input_hashes([corpus])
    assert read.count("zz_later.txt") == 2 and all(read.count(n) == 1 for n in set(read) - {"zz_later.txt"})

