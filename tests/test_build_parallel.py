"""--jobs: reading and extraction in worker processes give exactly what one process gives."""
from __future__ import annotations

import filecmp
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, export_names

sys.path.insert(0, str(ROOT / "benchmarks"))
from generate import generate  # noqa: E402

from kg.build import build, collect, default_jobs  # noqa: E402
from kg.workers import in_child  # noqa: E402
from kg.render import SECTIONS, RenderStore  # noqa: E402
from kg.vocab import DEFAULT_BASE_IRI  # noqa: E402

COUNT = 60


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("parallel") / "in"
    generate(folder, COUNT, seed=3)
    # a duplicate id in a later file and a bad file, so that file order matters
    donor = sorted(folder.glob("*.txt"))[5]
    (folder / "zz_duplicate.txt").write_bytes(donor.read_bytes().replace(b"\n# ", b"\n# X "))
    (folder / "zz_bad.txt").write_text("no front matter\n", encoding="utf-8")
    return folder


def run_cli(corpus: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg", "build", str(corpus), "--out", str(out), "--no-cache", *extra],
                          capture_output=True, text=True, cwd=ROOT, timeout=600)


def test_jobs_2_exports_are_byte_identical_to_jobs_1(corpus, tmp_path):
    one, two = run_cli(corpus, tmp_path / "one", "--jobs", "1"), run_cli(corpus, tmp_path / "two", "--jobs", "2")
    assert one.returncode == two.returncode == 3, one.stderr + two.stderr
    assert one.stderr == two.stderr.replace(str(tmp_path / "two"), str(tmp_path / "one"))
    names = export_names(tmp_path / "one")
    assert "graph.ttl" in names and len(names) > 1
    assert names == export_names(tmp_path / "two")
    _, mismatch, errors = filecmp.cmpfiles(tmp_path / "one", tmp_path / "two", names, shallow=False)
    assert mismatch == [] and errors == []


def test_collect_in_workers_equals_collect_in_process(corpus, tmp_path):
    digests1, skipped1, _ = collect([corpus], RenderStore(tmp_path / "one", DEFAULT_BASE_IRI), jobs=1)
    digests3, skipped3, stats = collect([corpus], RenderStore(tmp_path / "three", DEFAULT_BASE_IRI), jobs=3)
    assert stats.jobs == 3
    assert digests1 == digests3
    assert [[d.section(s) for s in SECTIONS] for d in digests1] == [[d.section(s) for s in SECTIONS] for d in digests3]
    assert skipped1 == skipped3
    assert [s.path.rsplit("/", 1)[-1] for s in skipped1] == ["zz_bad.txt", "zz_duplicate.txt"]
    assert [d.id for d in digests1] == sorted(d.id for d in digests1)


def test_the_first_file_keeps_a_duplicate_id_whatever_the_jobs(corpus):
    for jobs in (1, 2):
        result = build([corpus], jobs=jobs)
        (dup,) = [s for s in result.skipped if "duplicate id" in s.problem]
        assert dup.path.endswith("zz_duplicate.txt")


def test_a_partly_cached_build_with_jobs_keeps_file_order_and_equals_a_fresh_one(corpus, tmp_path):
    # cached files are looked up in the main process, the others go to the workers: merged in file order
    import shutil
    from kg.cache import FactsCache
    folder = tmp_path / "in"
    shutil.copytree(corpus, folder)
    cache = FactsCache(tmp_path / "cache")
    build([folder], jobs=2, cache=cache)
    files = sorted(folder.glob("*.txt"))
    files[40].write_bytes(files[40].read_bytes().replace(b"\n# ", b"\n# Y ", 1))  # edited: a miss
    (folder / "00000-early_duplicate.txt").write_bytes(files[7].read_bytes())  # a new file, first in order
    result = build([folder], jobs=2, cache=cache)
    fresh = build([folder], jobs=1)
    assert (result.stats.extracted, result.stats.cached) == (1, COUNT + 1)  # the copy: same content, cached facts
    assert result.skipped == fresh.skipped
    assert [s.path.rsplit("/", 1)[-1] for s in result.skipped if "duplicate id" in s.problem] == [
        files[7].name, "zz_duplicate.txt"]  # the earlier file wins: the new one keeps its id
    assert result.kg.triples == fresh.kg.triples


def test_progress_bar_counts_every_file_with_jobs(corpus, tmp_path):
    proc = run_cli(corpus, tmp_path / "out", "--jobs", "2", "--progress", "--formats", "ttl")
    assert f"{COUNT + 2}/{COUNT + 2} articles" in proc.stderr


def test_default_jobs_is_every_core():
    assert default_jobs() >= 1
    parser_help = subprocess.run([sys.executable, "-m", "kg", "build", "--help"], capture_output=True, text=True,
                                 cwd=ROOT).stdout
    assert "--jobs N" in parser_help and "every core" in " ".join(parser_help.split())


def test_jobs_must_be_positive(corpus, tmp_path):
    assert run_cli(corpus, tmp_path / "out", "--jobs", "0").returncode == 2


def test_story_assembled_in_a_child_with_a_pool_equals_one_process(corpus, tmp_path, monkeypatch):
    """Above a few hundred articles the story is resolved, mapped (in a pool) and merged in a child process."""
    import kg.graph
    from kg.export.trig import write_trig
    calls = []
    monkeypatch.setattr(kg.graph, "_STORY_CHUNK", 7)  # the 60 articles are enough for the child and its pool
    monkeypatch.setattr(kg.graph, "in_child", lambda *a: calls.append(a[0].__name__) or in_child(*a))
    two, one = build([corpus], jobs=2), build([corpus], jobs=1)
    assert calls == ["merged_lines"]
    assert two.kg.resolver is None and two.kg.shared_nt == one.kg.shared_nt and two.kg.story == one.kg.story
    assert write_trig(two.kg, tmp_path / "two").read_bytes() == write_trig(one.kg, tmp_path / "one").read_bytes()
    first = two.kg.articles[0]
    assert set(two.kg.article_triples(first)) == set(one.kg.article_triples(first))  # the resolver made again
