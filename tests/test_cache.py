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
from kg.packs import INDEX, PackStore, read_index, today  # noqa: E402
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


def test_checkpoints_record_what_was_extracted_not_what_came_from_the_cache(corpus, tmp_path, monkeypatch):
    """A killed build is resumed from its checkpoints (after 8, 16, 32 ... articles extracted, with
    _CHUNK 8); a build that takes its articles from the cache has nothing to record before its end."""
    monkeypatch.setattr(kg.build, "_CHUNK", 8)
    saves: list[tuple[int, bool]] = []
    real = FactsCache.save

    def save(self, digests, store, tidy=True):
        saves.append((len(digests), tidy))
        real(self, digests, store, tidy)
    monkeypatch.setattr(FactsCache, "save", save)
    folder = tmp_path / "in"
    shutil.copytree(corpus, folder)
    cache = FactsCache(tmp_path / "cache")
    build([folder], cache=cache)
    assert saves == [(8, False), (16, False), (30, True)]
    saves.clear()
    generate(folder, 1, start=30)
    assert build([folder], cache=cache).stats.extracted == 1
    assert saves == [(31, True)]


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


# ---------------------------------------------------------------- the packs and their indexes (kg.packs)
def render_folder(cache: FactsCache) -> Path:
    return cache.renders(DEFAULT_BASE_IRI).folder


def keys_of(cache: FactsCache, article: Path) -> tuple[str, str]:
    """The facts key and the render key of an article file."""
    content_hash = hashlib.sha256(article.read_bytes()).hexdigest()
    return content_hash, cache.renders(DEFAULT_BASE_IRI).key_for(content_hash, str(article))


def change_index(folder: Path, change) -> dict:
    index = read_index(folder)
    change(index)
    (folder / INDEX).write_bytes(pickle.dumps(index))
    return index


def spoil(folder: Path, entry: tuple, at: int = 0, size: int = 16) -> None:
    """Overwrite ``size`` bytes of an index entry's bytes, ``at`` bytes in, with zeros."""
    name, offset = entry[:2]
    with open(folder / name, "r+b") as handle:
        handle.seek(offset + at)
        handle.write(bytes(size))


def test_a_corrupt_facts_entry_is_a_miss_and_is_made_again(corpus, tmp_path):
    cache = FactsCache(tmp_path / "cache")
    expected = build([corpus], cache=cache).kg.triples
    files = sorted(corpus.glob("*.txt"))
    facts = read_index(cache.folder)
    assert len(facts) == 30
    keys = [keys_of(cache, f) for f in files[:2]]
    spoil(cache.folder, facts[keys[0][0]], size=50)
    change_index(cache.folder, lambda index: index.update({keys[1][0]: (*index[keys[1][0]][:2], 3, today())}))
    # without their render entries, the articles' facts are needed again
    change_index(render_folder(cache), lambda index: [index.pop(k) for _, k in keys])
    result = build([corpus], cache=cache)
    assert (result.stats.extracted, result.stats.cached) == (2, 28)
    for content_hash, _ in keys:
        assert cache.get(content_hash).article.content_hash == content_hash
    assert result.kg.triples == expected


def test_a_corrupt_render_entry_is_a_miss_and_is_rendered_again(corpus, tmp_path):
    cache = FactsCache(tmp_path / "cache")
    expected = build([corpus], cache=cache).kg.triples
    folder = render_folder(cache)
    renders = read_index(folder)
    assert len(renders) == 30
    files = sorted(corpus.glob("*.txt"))
    spoiled, short = (keys_of(cache, f)[1] for f in files[:2])
    spoil(folder, renders[spoiled], at=4)  # in its pickled digest
    change_index(folder, lambda index: index.update({short: (*index[short][:2], index[short][2] - 10, today())}))
    result = build([corpus], cache=cache)
    assert (result.stats.extracted, result.stats.cached) == (0, 30)  # from the facts cache
    assert result.kg.triples == expected
    again = read_index(folder)
    for key in (spoiled, short):  # rendered again, elsewhere, and found next time
        assert again[key][:2] != renders[key][:2]
    assert (build([corpus], cache=cache).stats.extracted, len(read_index(folder))) == (0, 30)


def test_the_entries_of_a_build_are_in_a_pack_a_process_and_the_build_records_the_day_it_used_them(corpus, tmp_path):
    cache = FactsCache(tmp_path / "cache")
    build([corpus], cache=cache, jobs=2)
    folder = render_folder(cache)
    assert 1 <= len(list(folder.glob("*.pack"))) <= 2 and 1 <= len(list(cache.folder.glob("*.pack"))) <= 2
    files = sorted(corpus.glob("*.txt"))
    facts_key, render_key = keys_of(cache, files[0])
    two_days_ago = lambda index: index.update((k, (*e[:3], today() - 2)) for k, e in index.items())  # noqa: E731
    change_index(cache.folder, two_days_ago)
    change_index(folder, lambda index: (two_days_ago(index), index.pop(render_key)))
    result = build([corpus], cache=cache)
    assert (result.stats.extracted, result.stats.cached) == (0, 30)
    facts, renders = read_index(cache.folder), read_index(folder)
    # a render hit does not read its facts entry, yet records it as used: it lives as long as its render
    assert {e[3] for e in facts.values()} == {e[3] for e in renders.values()} == {today()}
    assert render_key in renders and len(renders) == len(facts) == 30


def test_entries_no_build_used_for_a_week_are_dropped_and_packs_no_entry_names_removed(corpus, tmp_path):
    folder = tmp_path / "in"
    shutil.copytree(corpus, folder)
    cache = FactsCache(tmp_path / "cache")
    build([folder], cache=cache)
    files = sorted(folder.glob("*.txt"))
    gone, stays = keys_of(cache, files[0]), keys_of(cache, files[1])
    files[0].unlink()  # removed from the crawl (or edited): no build uses its entries any more
    files[1].unlink()
    for index_folder, i in ((cache.folder, 0), (render_folder(cache), 1)):
        change_index(index_folder, lambda index: index.update({
            gone[i]: (*index[gone[i]][:3], today() - UNUSED_DAYS - 1),
            stays[i]: (*index[stays[i]][:3], today() - UNUSED_DAYS + 1)}))
    orphan = render_folder(cache) / "orphan.pack"  # a killed build's, an hour old
    orphan.write_bytes(b"x")
    age(orphan, 2 / 24)
    result = build([folder], cache=cache)
    assert (result.stats.extracted, result.stats.cached) == (0, 28)
    facts, renders = read_index(cache.folder), read_index(render_folder(cache))
    assert (gone[0] in facts, gone[1] in renders, stays[0] in facts, stays[1] in renders) == (False, False, True, True)
    assert len(facts) == len(renders) == 29 and not orphan.exists()


DAY = 86400


def age(path: Path, days: float) -> None:
    """Make ``path`` look last modified ``days`` ago."""
    then = time.time() - days * DAY
    os.utime(path, (then, then))


def test_packs_no_entry_names_go_once_an_hour_old_and_so_do_the_old_layout_and_stale_parts(tmp_path):
    store = PackStore(tmp_path)
    kept = store.append([b"kept"])
    store.close()
    old, young = tmp_path / "old.pack", tmp_path / "young.pack"
    stale_part, fresh_part = tmp_path / ".index.pickle.x.part", tmp_path / ".index.pickle.y.part"
    legacy = tmp_path / "ab" / ("a" * 64 + ".pickle")  # one file an entry, as earlier versions kept them
    story = tmp_path / "story" / "index.pickle"  # another folder: the story lines' (kg.story_cache)
    for path in (old, young, stale_part, fresh_part, legacy, story):
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(b"x")
    for path in (old, stale_part, legacy, story):
        age(path, 2 / 24)
    store.save({"k": kept})
    assert [p.exists() for p in (old, young, stale_part, fresh_part, legacy, story)] == \
        [False, True, False, True, False, True]
    assert PackStore(tmp_path).read(PackStore(tmp_path).locate("k")) == b"kept"


def one_old_pack(folder: Path, entries: int) -> tuple[PackStore, dict, Path]:
    """A store whose one pack, two hours old, holds ``entries`` entries of 100 bytes (k0, k1 ...)."""
    store = PackStore(folder)
    made = {f"k{i}": store.append([bytes([i]) * 100]) for i in range(entries)}
    store.close()
    (pack,) = folder.glob("*.pack")
    age(pack, 2 / 24)
    return store, made, pack


def test_a_pack_mostly_unused_is_compacted_and_removed_an_hour_later(tmp_path):
    store, entries, pack = one_old_pack(tmp_path, 8)
    store.save({"k3": entries["k3"], "k5": entries["k5"]})  # a quarter of its bytes still used
    index = read_index(tmp_path)
    assert set(index) == {"k3", "k5"} and {e[0] for e in index.values()} != {pack.name}
    fresh = PackStore(tmp_path)
    assert [fresh.read(fresh.locate(k)) for k in ("k3", "k5")] == [b"\x03" * 100, b"\x05" * 100]
    assert pack.exists()  # a build that read the index before may still read it
    age(pack, 2 / 24)
    fresh.save({})
    assert not pack.exists() and set(read_index(tmp_path)) == {"k3", "k5"}


def test_a_pack_still_half_used_is_left_as_it_is(tmp_path):
    store, entries, pack = one_old_pack(tmp_path, 4)
    store.save({"k0": entries["k0"], "k1": entries["k1"]})
    assert {e[0] for e in read_index(tmp_path).values()} == {pack.name}


def test_saving_leaves_the_story_folder_alone(corpus, tmp_path):
    cache = FactsCache(tmp_path / "cache")
    build([corpus], cache=cache)
    stories = sorted((render_folder(cache) / STORIES).iterdir())  # the pack and its index (kg.story_cache)
    assert len(stories) == 2
    for story in stories:
        age(story, 30)
    before = {p: p.stat().st_mtime_ns for p in stories}
    cache.save([], cache.renders(DEFAULT_BASE_IRI))  # no entry used: every pack unnamed, but the story's
    assert {p: p.stat().st_mtime_ns for p in stories} == before


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
    """The number of facts entries the cache's index names, each checked to be whole."""
    folders = [p for p in cache_root.glob("*") if p.is_dir()] if cache_root.is_dir() else []
    entries = 0
    for folder in folders:
        cache = FactsCache(cache_root, folder.name)
        for content_hash in read_index(folder):
            assert cache.get(content_hash).article.content_hash == content_hash
            entries += 1
    return entries


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
    # the same articles again would take the last build's merged lines whole (kg.delta): not here
    monkeypatch.setattr(kg.graph, "keys_if_only_added", lambda *args: None)
    monkeypatch.setattr(kg.graph, "resolve_added", lambda *args: None)  # nor resolve nothing new (kg.story_delta)
    again = build([corpus], cache=cache, jobs=2)
    assert again.skipped == [] and again.kg.triples == first.kg.triples
    assert (tmp_path / "pools closed").read_text() == "closed\n" * 2


def test_beyond_most_packs_the_smallest_are_merged(tmp_path):
    from kg.packs import MOST_PACKS
    entries = {}
    for i in range(MOST_PACKS + 3):  # a pack a build, as daily builds that each add articles leave them
        store = PackStore(tmp_path)
        entries[f"k{i}"] = store.append([bytes([i]) * (100 + i)])
        store.close()
    for pack in tmp_path.glob("*.pack"):
        age(pack, 2 / 24)
    PackStore(tmp_path).save(entries)
    index = read_index(tmp_path)
    merged = len(entries) - MOST_PACKS // 2  # the smallest: all but the MOST_PACKS // 2 largest
    assert len({index[f"k{i}"][0] for i in range(merged)}) == 1  # in one new pack
    assert [index[f"k{i}"][0] for i in range(merged, len(entries))] == [entries[f"k{i}"][0] for i in range(merged, len(entries))]
    assert index["k0"][0] not in {e[0] for e in entries.values()}
    fresh = PackStore(tmp_path)
    assert all(fresh.read(fresh.locate(k)) == bytes([int(k[1:])]) * (100 + int(k[1:])) for k in entries)


def test_an_index_entry_of_another_shape_is_a_miss(corpus, tmp_path):
    cache = FactsCache(tmp_path / "cache")
    expected = build([corpus], cache=cache).kg.triples
    folder = render_folder(cache)
    key = keys_of(cache, sorted(corpus.glob("*.txt"))[0])[1]
    change_index(folder, lambda index: index.update({key: ("x.pack", 0), "other": "not an entry"}))
    result = build([corpus], cache=cache)
    assert (result.stats.extracted, result.stats.cached) == (0, 30) and result.kg.triples == expected
    index = read_index(folder)
    assert len(index) == 30 and "other" not in index and index[key][0] != "x.pack"
