"""The incremental build cache: keyed by content and versions, atomic, and safe to kill."""
from __future__ import annotations

import hashlib
import os
import pickle
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
from generate import generate  # noqa: E402

import kg.build  # noqa: E402
import kg.graph  # noqa: E402
from kg.build import STORIES, build  # noqa: E402
from kg.cache import UNUSED_DAYS, FactsCache, code_fingerprint  # noqa: E402
from kg.stamp import input_hashes  # noqa: E402
from kg.vocab import DEFAULT_BASE_IRI  # noqa: E402


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("cache") / "in"
    generate(folder, 30)
    return folder


def test_second_build_takes_everything_from_the_cache(corpus, tmp_path):
    cache = FactsCache(tmp_path / "cache")
    first = build([corpus], cache=cache)
    assert (first.stats.extracted, first.stats.cached) == (30, 0)
    second = build([corpus], cache=cache)
    assert (second.stats.extracted, second.stats.cached) == (0, 30)
    assert second.kg.triples == first.kg.triples
    assert [f.article.path for f in second.kg.articles] == [f.article.path for f in first.kg.articles]


def test_adding_one_article_extracts_one(corpus, tmp_path):
    folder = tmp_path / "in"
    shutil.copytree(corpus, folder)
    cache = FactsCache(tmp_path / "cache")
    build([folder], cache=cache)
    generate(folder, 1, start=30)
    result = build([folder], cache=cache)
    assert (result.stats.extracted, result.stats.cached) == (1, 30)
    fresh = build([folder])
    assert result.kg.triples == fresh.kg.triples


def test_an_edited_article_is_extracted_again(corpus, tmp_path):
    folder = tmp_path / "in"
    shutil.copytree(corpus, folder)
    cache = FactsCache(tmp_path / "cache")
    build([folder], cache=cache)
    victim = sorted(folder.glob("*.txt"))[3]
    victim.write_text(victim.read_text(encoding="utf-8").replace("KT", "SK텔레콤"), encoding="utf-8")
    result = build([folder], cache=cache)
    assert (result.stats.extracted, result.stats.cached) == (1, 29)
    assert result.kg.triples == build([folder]).kg.triples


def test_the_story_lines_are_kept_in_one_pack_that_the_next_build_reads(corpus, tmp_path, monkeypatch):
    folder = tmp_path / "in"
    shutil.copytree(corpus, folder)
    cache = FactsCache(tmp_path / "cache")
    build([folder], cache=cache)
    stories = cache.renders(DEFAULT_BASE_IRI).folder / STORIES
    first = {p.name for p in stories.iterdir()}
    (pack,) = [name for name in first if name.endswith(".pack")]
    assert first == {pack, "index.pickle"}
    legacy = stories / "00" / ("0" * 64 + ".nt")  # one file an article, as earlier versions kept them
    legacy.parent.mkdir()
    legacy.write_bytes(b"<a> <b> <c> .\n")
    killed = stories / "x.pack.part"  # a pack a killed build was writing, an hour ago and now
    killed.write_bytes(b"<a> <b> <c> .\n")
    age(killed, 2 / 24)
    writing = stories / "y.pack.part"
    writing.write_bytes(b"")
    mapped = []
    real = kg.graph.story_lines
    monkeypatch.setattr(kg.graph, "story_lines", lambda d, *a: mapped.append(d.id) or real(d, *a))
    again = build([folder], cache=cache)
    assert mapped == []  # every article's story lines from the pack
    assert again.kg.triples == build([folder]).kg.triples
    after = {p.name for p in stories.iterdir()}
    (new_pack,) = [name for name in after if name.endswith(".pack")]
    assert new_pack != pack and after == {new_pack, "index.pickle", "y.pack.part"}
    sorted(folder.glob("*.txt"))[3].unlink()
    mapped.clear()
    result = build([folder], cache=cache)
    assert len(mapped) < 29  # only the articles whose story nodes changed with the one gone
    assert result.kg.triples == build([folder]).kg.triples


def test_a_story_pack_that_cannot_be_read_maps_every_article_again(corpus, tmp_path, monkeypatch):
    cache = FactsCache(tmp_path / "cache")
    first = build([corpus], cache=cache)
    stories = cache.renders(DEFAULT_BASE_IRI).folder / STORIES
    for pack in stories.glob("*.pack"):
        pack.unlink()
    mapped = []
    real = kg.graph.story_lines
    monkeypatch.setattr(kg.graph, "story_lines", lambda d, *a: mapped.append(d.id) or real(d, *a))
    again = build([corpus], cache=cache)
    assert len(mapped) == 30 and again.kg.triples == first.kg.triples
    (stories / "index.pickle").write_bytes(b"not a pickle")
    assert build([corpus], cache=cache).kg.triples == first.kg.triples and len(mapped) == 60


def test_files_the_caller_hashed_are_looked_up_without_being_read_again(tmp_path, monkeypatch):
    folder = tmp_path / "in"
    generate(folder, 40)  # more than one worker task: the cache is looked up in this process
    cache = FactsCache(tmp_path / "cache")
    first = build([folder], cache=cache, jobs=2)
    hashes = input_hashes([folder])
    reads = []
    monkeypatch.setattr(kg.build, "read_article_bytes", lambda path: reads.append(path) or path.read_bytes())
    again = build([folder], cache=cache, jobs=2, hashes=hashes)
    assert (again.stats.extracted, again.stats.cached) == (0, 40) and reads == []
    assert again.kg.triples == first.kg.triples


def test_a_moved_file_is_a_hit_under_its_new_path(corpus, tmp_path):
    folder = tmp_path / "in"
    shutil.copytree(corpus, folder)
    cache = FactsCache(tmp_path / "cache")
    build([folder], cache=cache)
    moved = sorted(folder.glob("*.txt"))[0]
    target = folder / "sub" / "renamed.txt"
    target.parent.mkdir()
    moved.rename(target)
    result = build([folder], cache=cache)
    assert result.stats.extracted == 0
    assert str(target) in {f.article.path for f in result.kg.articles}


def test_another_fingerprint_misses_and_the_old_one_is_pruned(corpus, tmp_path):
    build([corpus], cache=FactsCache(tmp_path / "cache", fingerprint="0" * 16))
    result = build([corpus], cache=FactsCache(tmp_path / "cache", fingerprint="1" * 16))
    assert result.stats.extracted == 30
    assert sorted(p.name for p in (tmp_path / "cache").iterdir()) == ["1" * 16]


def test_a_changed_resource_file_changes_the_fingerprint(tmp_path, monkeypatch):
    import kg.resources as resources
    copy = tmp_path / "resources"
    shutil.copytree(resources.RESOURCE_DIR, copy)
    monkeypatch.setattr(resources, "RESOURCE_DIR", copy)
    before = code_fingerprint.__wrapped__()
    name = sorted(copy.glob("*.yaml"))[0]
    name.write_text(name.read_text(encoding="utf-8") + "\n# one more comment\n", encoding="utf-8")
    assert code_fingerprint.__wrapped__() != before


def test_the_fingerprint_covers_extractor_source_and_version(monkeypatch):
    import kg
    from kg import cache as cache_module
    before = code_fingerprint.__wrapped__()
    monkeypatch.setattr(kg, "__version__", "9.9.9")
    assert code_fingerprint.__wrapped__() != before
    assert "extract/*.py" in cache_module._CODE and "ingest.py" in cache_module._CODE


def test_a_corrupt_entry_is_a_miss_and_is_rewritten(corpus, tmp_path):
    cache = FactsCache(tmp_path / "cache")
    expected = build([corpus], cache=cache).kg.triples
    entries = sorted(cache.folder.glob("*/*.pickle"))
    assert len(entries) == 30
    entries[0].write_bytes(entries[0].read_bytes()[:50])  # truncated
    entries[1].write_bytes(b"")
    for entry in entries[:2]:  # without its render file, the article's facts are needed again
        (render,) = cache.renders(DEFAULT_BASE_IRI).folder.glob(f"*/{entry.stem}.*.render")
        render.unlink()
    result = build([corpus], cache=cache)
    assert (result.stats.extracted, result.stats.cached) == (2, 28)
    assert all(isinstance(pickle.loads(e.read_bytes()).article.body, str) for e in entries[:2])
    assert result.kg.triples == expected


def test_a_corrupt_render_file_is_a_miss_and_is_rendered_again(corpus, tmp_path):
    cache = FactsCache(tmp_path / "cache")
    expected = build([corpus], cache=cache).kg.triples
    renders = sorted(cache.renders(DEFAULT_BASE_IRI).folder.glob("*/*.render"))
    assert len(renders) == 30
    renders[0].write_bytes(renders[0].read_bytes()[:-10])  # truncated in its sections
    renders[1].write_bytes(renders[1].read_bytes()[:40])  # truncated in its digest
    result = build([corpus], cache=cache)
    assert (result.stats.extracted, result.stats.cached) == (0, 30)  # from the facts cache
    assert result.kg.triples == expected
    again = {d.render_path: d for d in result.kg.digests}
    for render in renders[:2]:  # written whole again
        d = again[str(render)]
        assert render.stat().st_size == d.data_offset + sum(d.sizes)


# ---------------------------------------------------------------- entries no build uses any more
DAY = 86400


def age(path: Path, days: float) -> None:
    """Make ``path`` look last used ``days`` ago."""
    then = time.time() - days * DAY
    os.utime(path, (then, then))


def seconds_old(path: Path) -> float:
    return time.time() - path.stat().st_mtime


def entries_of(cache: FactsCache, article: Path) -> tuple[Path, Path]:
    """The facts entry and the render file of an article file."""
    content_hash = hashlib.sha256(article.read_bytes()).hexdigest()
    return (cache.folder / content_hash[:2] / f"{content_hash}.pickle",
            cache.renders(DEFAULT_BASE_IRI).path_for(content_hash, str(article)))


def test_a_build_renews_the_mtime_of_what_it_uses_once_a_day(corpus, tmp_path):
    cache = FactsCache(tmp_path / "cache")
    build([corpus], cache=cache)
    files = sorted(corpus.glob("*.txt"))
    (_, hit), (_, recent), (facts, render) = (entries_of(cache, f) for f in files[:3])
    age(hit, 2)
    age(recent, 0.5)
    age(facts, 2)
    render.unlink()  # the article is rendered again from its facts entry
    before = recent.stat().st_mtime_ns
    result = build([corpus], cache=cache)
    assert (result.stats.extracted, result.stats.cached) == (0, 30)
    assert seconds_old(hit) < 60 and seconds_old(facts) < 60
    assert recent.stat().st_mtime_ns == before  # used less than a day ago: not touched again


def test_facts_cache_get_renews_an_old_entry(corpus, tmp_path):
    cache = FactsCache(tmp_path / "cache")
    build([corpus], cache=cache)
    old, recent = sorted(cache.folder.glob("*/*.pickle"))[:2]
    age(old, 2)
    age(recent, 0.5)
    before = recent.stat().st_mtime_ns
    assert cache.get(old.stem) is not None and cache.get(recent.stem) is not None
    assert seconds_old(old) < 60 and recent.stat().st_mtime_ns == before


def test_entries_no_build_used_for_a_week_are_removed(corpus, tmp_path):
    folder = tmp_path / "in"
    shutil.copytree(corpus, folder)
    cache = FactsCache(tmp_path / "cache")
    build([folder], cache=cache)
    files = sorted(folder.glob("*.txt"))
    gone, stays, used = (entries_of(cache, f) for f in files[:3])
    files[0].unlink()  # removed from the crawl (or edited): no build uses its entries any more
    files[1].unlink()
    for path in (*gone, *used):
        age(path, UNUSED_DAYS + 1)
    for path in stays:
        age(path, UNUSED_DAYS - 1)
    result = build([folder], cache=cache)
    assert (result.stats.extracted, result.stats.cached) == (0, 28)
    assert [p.exists() for p in (*gone, *stays, *used)] == [False, False, True, True, True, True]
    facts, render = used
    assert seconds_old(render) < 60
    # a render hit does not read the facts entry; it stays while its render is used, and goes with it
    assert seconds_old(facts) > UNUSED_DAYS * DAY
    assert len(list(cache.folder.glob("*/*.pickle"))) == len(list(render.parent.parent.glob("*/*.render"))) == 29


def test_prune_leaves_the_story_folder_alone_and_clears_any_old_file_and_stale_part(corpus, tmp_path):
    cache = FactsCache(tmp_path / "cache")
    build([corpus], cache=cache)
    renders = cache.renders(DEFAULT_BASE_IRI).folder
    stories = sorted((renders / STORIES).iterdir())  # the pack and its index (kg.story_cache)
    assert len(stories) == 2
    for story in stories:
        age(story, 30)
    before = {p: p.stat().st_mtime_ns for p in stories}
    sidecar = cache.folder / "ff" / ("f" * 64 + ".sidecar")  # of a content no render keeps alive
    young_sidecar = renders / "ee" / ("e" * 64 + ".sidecar")
    stale_part, fresh_part = cache.folder / "ff" / ".a.part", renders / "ff" / ".b.part"
    story_part = renders / STORIES / "00" / ".c.part"
    for path in (sidecar, young_sidecar, stale_part, fresh_part, story_part):
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(b"x")
    age(sidecar, UNUSED_DAYS + 1)
    age(young_sidecar, UNUSED_DAYS - 1)
    age(stale_part, 2 / 24)
    age(story_part, 2 / 24)
    cache.prune()
    assert {p: p.stat().st_mtime_ns for p in stories} == before
    assert [p.exists() for p in (sidecar, young_sidecar, stale_part, fresh_part, story_part)] == \
        [False, True, False, True, False]


def test_cli_no_cache_and_cache_dir(corpus, tmp_path):
    def run(formats, *extra):  # a format not written yet, else the build stops at "up to date" (kg.stamp)
        proc = subprocess.run([sys.executable, "-m", "kg", "build", str(corpus), "--out", str(tmp_path / "out"),
                               "--formats", formats, "--jobs", "1", *extra], capture_output=True, text=True, cwd=ROOT)
        assert proc.returncode == 0, proc.stderr
        return re.search(r"\((\d+) extracted, (\d+) from the cache", proc.stdout).groups()
    assert run("ttl") == ("30", "0")
    assert (tmp_path / "out" / ".kg-cache").is_dir()
    assert run("nt") == ("0", "30")
    assert run("nt", "--no-cache") == ("30", "0")
    assert run("jsonld", "--cache-dir", str(tmp_path / "elsewhere")) == ("30", "0")
    assert (tmp_path / "elsewhere").is_dir()


# ---------------------------------------------------------------- interrupted builds
FORMATS = "ttl,nt,jsonld,trig"
BIG = 300


def cli(corpus: Path, out: Path, *extra: str, formats: str = FORMATS) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "kg", "build", str(corpus), "--out", str(out), "--formats", formats,
                             "--jobs", "2", *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)


def snapshot(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and not p.name.startswith(".")}


def assert_cache_consistent(cache_root: Path) -> int:
    entries = list(cache_root.glob("*/*/*.pickle"))
    for entry in entries:
        facts = pickle.loads(entry.read_bytes())
        assert facts.article.content_hash == entry.stem
    return len(entries)


@pytest.fixture(scope="module")
def two_corpora(tmp_path_factory):
    """A small corpus built once (the 'previous' exports) and a bigger one whose build gets killed."""
    base = tmp_path_factory.mktemp("killed")
    small, big = base / "small", base / "big"
    generate(small, 20)
    generate(big, BIG, seed=11)
    previous = base / "previous"
    proc = cli(small, previous, "--no-cache")
    assert proc.wait(timeout=120) == 0, proc.stderr.read()
    return small, big, snapshot(previous)


def start_over_previous(two_corpora, tmp_path) -> tuple[Path, Path]:
    small, big, previous = two_corpora
    out = tmp_path / "out"
    out.mkdir()
    for name, data in previous.items():
        (out / name).write_bytes(data)
    return big, out


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["SIGINT", "SIGKILL"])
def test_killed_while_extracting_leaves_previous_exports_and_a_consistent_cache(two_corpora, tmp_path, sig):
    big, out = start_over_previous(two_corpora, tmp_path)
    proc = cli(big, out)
    cache = out / ".kg-cache"
    deadline = time.monotonic() + 60
    while assert_cache_consistent(cache) < 30 and time.monotonic() < deadline:  # mid-extraction
        time.sleep(0.05)
    proc.send_signal(sig)
    rc = proc.wait(timeout=60)
    stderr = proc.stderr.read()
    if sig == signal.SIGINT:
        assert rc == 130 and "interrupted" in stderr
        assert "Traceback" not in stderr
    else:
        assert rc == -signal.SIGKILL
    assert snapshot(out) == two_corpora[2]
    done = assert_cache_consistent(cache)
    assert 0 < done < BIG
    # the next build finishes from where the cache was
    again = cli(big, out, formats="ttl")
    assert again.wait(timeout=300) == 0, again.stderr.read()
    extracted, cached = map(int, re.search(r"\((\d+) extracted, (\d+) from the cache", again.stdout.read()).groups())
    assert extracted + cached == BIG and cached >= done


def test_killed_while_writing_exports_leaves_each_file_old_or_new_and_whole(two_corpora, tmp_path):
    big, out = start_over_previous(two_corpora, tmp_path)
    reference = tmp_path / "reference"
    assert cli(big, reference).wait(timeout=300) == 0
    new = snapshot(reference)
    shutil.copytree(reference / ".kg-cache", out / ".kg-cache")  # extraction is instant: go straight to exports
    proc = cli(big, out)
    deadline = time.monotonic() + 120
    while not list(out.glob(".*.part")) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    assert proc.poll() is None, "the build ended before an export was being written"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)
    after = snapshot(out)
    assert set(after) == set(two_corpora[2])
    for name, data in after.items():
        assert data in (two_corpora[2][name], new[name]), f"{name} is half-written"


def test_worker_processes_take_the_story_lines_from_the_pack(corpus, tmp_path, monkeypatch):
    monkeypatch.setattr(kg.graph, "_STORY_CHUNK", 4)  # 30 articles: mapped in a child, by two workers
    real_pool = kg.graph.pooled_map

    def read_to_its_end(*args):  # else the pool is terminated when the generator is collected: it could hang
        yield from real_pool(*args)
        with open(tmp_path / "pools closed", "a") as marks:  # from the child the assembly runs in
            marks.write("closed\n")

    monkeypatch.setattr(kg.graph, "pooled_map", read_to_its_end)
    cache = FactsCache(tmp_path / "cache")
    first = build([corpus], cache=cache, jobs=2)

    def not_again(*args):
        raise AssertionError("mapped again")

    monkeypatch.setattr(kg.graph, "story_lines", not_again)  # forked processes inherit it
    again = build([corpus], cache=cache, jobs=2)
    assert again.skipped == [] and again.kg.triples == first.kg.triples
    assert (tmp_path / "pools closed").read_text() == "closed\n" * 2
