"""kg.delta: a build that adds articles to the last one merges only theirs, and gives the same bytes."""
from __future__ import annotations

import pickle
import shutil
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
from generate import generate  # noqa: E402

import kg.graph  # noqa: E402
from kg.build import STORIES, build, collect  # noqa: E402
from kg.cache import FactsCache  # noqa: E402
from kg.delta import holds_line, keys_if_only_added, line_at, merged_with, patched, subjects_not_in  # noqa: E402
from kg.export import write_all  # noqa: E402
from kg.graph import story_key, support_counts, support_line  # noqa: E402
from kg.iris import Iris  # noqa: E402
from kg.render import RenderStore  # noqa: E402
from kg.story import story_resolver  # noqa: E402
from kg.story_delta import ledger_of  # noqa: E402
from kg.story_cache import INDEX, StoryPack  # noqa: E402
from kg.vocab import DEFAULT_BASE_IRI, PROV  # noqa: E402

COUNT = 40
RDF_FORMATS = ["ttl", "nt", "trig", "jsonld"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, list[Path]]:
    """COUNT generated articles, and among a few more: one whose story leaves the others' as they were
    (``quiet``), and one that changes some (``moving``: a later figure, an earlier incident)."""
    folder = tmp_path_factory.mktemp("delta")
    base = sorted(generate(folder / "base", COUNT))
    iris = Iris()
    digests, _, _ = collect(base, RenderStore(folder / "renders", iris.base))
    before = story_resolver(digests, iris)
    found: dict[str, Path] = {}
    for path in generate(folder / "more", 8, start=COUNT):
        more, _, _ = collect([path], RenderStore(folder / "renders", iris.base))
        after = story_resolver(digests + more, iris)
        way = "quiet" if all(story_key(d, before) == story_key(d, after) for d in digests) else "moving"
        found.setdefault(way, path)
    assert set(found) == {"quiet", "moving"}
    return {"base": base, **{way: base + [path] for way, path in found.items()}}


@pytest.fixture(scope="module")
def articles(corpus) -> list[Path]:
    """The base articles and the quiet one (the last)."""
    return corpus["quiet"]


@pytest.fixture
def paths_taken(monkeypatch) -> list[str]:
    """The way each assembly went: "added" (kg.delta) or "whole"."""
    taken: list[str] = []
    for name, way in (("lines_added", "added"), ("lines_merged", "whole")):
        real = getattr(kg.graph, name)
        monkeypatch.setattr(kg.graph, name, lambda *a, _real=real, _way=way: taken.append(_way) or _real(*a))
    return taken


def built(paths, cache_dir: Path | None, out: Path) -> kg.graph.KnowledgeGraph:
    cache = FactsCache(cache_dir) if cache_dir is not None else None
    graph = build(paths, cache=cache).kg
    write_all(graph, out, RDF_FORMATS)
    return graph


def same_exports(one: Path, two: Path) -> None:
    for name in ("graph.ttl", "graph.nt", "graph.trig", "graph.jsonld"):
        assert (one / name).read_bytes() == (two / name).read_bytes(), name


def test_adding_an_article_merges_only_its_lines_and_gives_the_same_bytes(articles, tmp_path, paths_taken):
    built(articles[:-1], tmp_path / "cache", tmp_path / "first")
    graph = built(articles, tmp_path / "cache", tmp_path / "added")
    assert paths_taken == ["whole", "added"]
    whole = built(articles, None, tmp_path / "whole")
    assert graph.shared_nt == whole.shared_nt and graph.support_nt == whole.support_nt
    subjects = {line.split(b" ")[0] for line in whole.shared_nt.splitlines()}
    assert graph.shared_subjects == whole.shared_subjects == len(subjects)
    assert graph.shared_lines == whole.shared_lines == whole.shared_nt.count(b"\n")
    assert graph.triple_count == whole.triple_count
    assert graph.node_count == whole.node_count
    assert [graph.story_nt(d) for d in graph.digests] == [whole.story_nt(d) for d in whole.digests]
    same_exports(tmp_path / "added", tmp_path / "whole")
    # the pack kept names every article now; the same articles into another folder take it whole
    assert len(StoryPack(story_folder(tmp_path / "cache")).articles) == COUNT + 1
    again = built(articles, tmp_path / "cache", tmp_path / "again")
    assert paths_taken == ["whole", "added", "whole", "added"]  # the third: without a cache
    assert again.shared_nt == whole.shared_nt
    same_exports(tmp_path / "again", tmp_path / "whole")


def test_an_added_article_that_leaves_the_old_stories_is_resolved_alone(articles, tmp_path, monkeypatch):
    """The last build's ledger (kg.story_delta) answers for the quiet article: no resolver over every article."""
    built(articles[:-1], tmp_path / "cache", tmp_path / "first")
    made: list[int] = []
    real = kg.graph.story_resolver
    monkeypatch.setattr(kg.graph, "story_resolver",
                        lambda digests, iris: made.append(len(digests)) or real(digests, iris))
    built(articles, tmp_path / "cache", tmp_path / "added")
    assert made == []
    built(articles, None, tmp_path / "whole")
    assert made == [COUNT + 1]
    same_exports(tmp_path / "added", tmp_path / "whole")
    # and the ledger it kept is the one the whole resolver makes, for the build after
    index = pickle.loads((story_folder(tmp_path / "cache") / INDEX).read_bytes())
    digests = build(articles, cache=FactsCache(tmp_path / "cache")).kg.digests
    assert index["ledger"] == ledger_of(real(digests, Iris()), digests)


def test_an_added_article_that_moves_other_stories_assembles_the_whole_story(corpus, tmp_path, paths_taken):
    built(corpus["base"], tmp_path / "cache", tmp_path / "first")
    built(corpus["moving"], tmp_path / "cache", tmp_path / "added")
    assert paths_taken == ["whole", "whole"]
    built(corpus["moving"], None, tmp_path / "whole")
    same_exports(tmp_path / "added", tmp_path / "whole")


def test_an_edited_or_removed_article_assembles_the_whole_story(articles, tmp_path, paths_taken):
    edited = tmp_path / "edited"
    edited.mkdir()
    for p in articles:
        shutil.copy(p, edited / p.name)
    first = edited / articles[0].name
    first.write_text(first.read_text(encoding="utf-8") + "\n개인정보 유출 사고에 대한 조사가 이어졌다.\n", encoding="utf-8")
    built(articles, tmp_path / "cache", tmp_path / "first")
    built([edited], tmp_path / "cache", tmp_path / "edited-out")
    built(articles[1:], tmp_path / "cache", tmp_path / "removed-out")
    assert paths_taken == ["whole", "whole", "whole"]
    built([edited], None, tmp_path / "edited-whole")
    same_exports(tmp_path / "edited-out", tmp_path / "edited-whole")
    built(articles[1:], None, tmp_path / "removed-whole")
    same_exports(tmp_path / "removed-out", tmp_path / "removed-whole")


def test_a_pack_that_cannot_be_read_assembles_the_whole_story(articles, tmp_path, paths_taken):
    built(articles[:-1], tmp_path / "cache", tmp_path / "first")
    index = pickle.loads((story_folder(tmp_path / "cache") / INDEX).read_bytes())
    (story_folder(tmp_path / "cache") / index["pack"]).write_bytes(b"")  # truncated
    built(articles, tmp_path / "cache", tmp_path / "added")
    assert paths_taken == ["whole", "added", "whole"]  # tried, then the whole
    built(articles, None, tmp_path / "whole")
    same_exports(tmp_path / "added", tmp_path / "whole")


def test_an_index_without_the_last_builds_articles_assembles_the_whole_story(articles, tmp_path, paths_taken):
    """An index of earlier versions (only story spans) still serves the story lines it has."""
    built(articles[:-1], tmp_path / "cache", tmp_path / "first")
    path = story_folder(tmp_path / "cache") / INDEX
    index = pickle.loads(path.read_bytes())
    path.write_bytes(pickle.dumps({"pack": index["pack"], "spans": index["spans"]}))
    assert StoryPack(path.parent).articles == {} and StoryPack(path.parent).spans == index["spans"]
    built(articles, tmp_path / "cache", tmp_path / "added")
    assert paths_taken == ["whole", "whole"]


def story_folder(cache_dir: Path) -> Path:
    return FactsCache(cache_dir).renders(DEFAULT_BASE_IRI).folder / STORIES


class _Digest:
    def __init__(self, id: str):
        self.id = id


class _Pack:
    def __init__(self, articles: dict[str, str], basis: str = "b"):
        self.articles, self.basis = articles, basis


@pytest.mark.parametrize("last, now, expected", [
    ({"a": "1", "b": "2"}, {"a": "1", "b": "2", "c": "3"}, {"a": "1", "b": "2", "c": "3"}),  # one added
    ({"a": "1", "b": "2"}, {"a": "1", "b": "9", "c": "3"}, None),  # b's story changed
    ({"a": "1", "b": "2"}, {"a": "1", "c": "3"}, None),  # b removed (and c added)
    ({"a": "1", "b": "2"}, {"a": "1", "b": "2"}, {"a": "1", "b": "2"}),  # none added: another folder
    ({}, {"a": "1"}, None),  # no last build
])
def test_keys_if_only_added(last, now, expected):
    digests = [_Digest(i) for i in sorted(now)]
    assert keys_if_only_added(digests, lambda d: now[d.id], _Pack(last), "b") == expected


def test_keys_if_only_added_wants_the_same_basis_and_few_new_articles():
    now = {f"{i:03}": "k" for i in range(400)}
    last = {f"{i:03}": "k" for i in range(150)}
    digests = [_Digest(i) for i in sorted(now)]
    assert keys_if_only_added(digests, lambda d: now[d.id], _Pack(dict(last)), "another base") is None
    assert keys_if_only_added(digests, lambda d: now[d.id], _Pack(last), "b") is None  # 250 new, over 200
    assert keys_if_only_added(digests[:350], lambda d: now[d.id], _Pack(last), "b") is not None  # 200 new


def test_merged_with_equals_merging_everything_again():
    derived = b"<" + PROV.wasDerivedFrom.value.encode() + b">"

    def line(s: str, p: bytes, o: str) -> bytes:
        return f"<http://x/{s}> ".encode() + p + f" <http://x/{o}> .\n".encode()

    label = b"<http://x/label>"
    old = {line("org1", derived, "a1"), line("org1", label, "L"), line("inc", derived, "a1"), line("inc", derived, "a2")}
    new = sorted({line("org1", derived, "a3"), line("org2", derived, "a3"), line("org1", label, "L"),
                  line("inc", label, "I")})

    def merged(lines: set[bytes]) -> tuple[bytes, bytes]:
        support = support_counts(lines)
        return b"".join(sorted(lines | set(support))), b"".join(support)

    old_shared, old_support = merged(old)
    shared, support, gained = merged_with(old_shared, old_support, new, derived, support_line)
    assert (shared, support) == merged(old | set(new))
    assert gained == shared.count(b"\n") - old_shared.count(b"\n") == 4  # 3 new lines and org2's count
    assert merged_with(old_shared, old_support, sorted(old), derived, support_line) == (old_shared, old_support, 0)


def test_merged_with_equals_merging_everything_again_for_random_lines():
    import random
    derived = b"<" + PROV.wasDerivedFrom.value.encode() + b">"
    other = b"<http://x/p>"
    chooser = random.Random(7)

    def some_lines(n: int) -> set[bytes]:
        return {f"<http://x/n{chooser.randrange(40)}> ".encode() + chooser.choice((derived, other))
                + f" <http://x/a{chooser.randrange(30)}> .\n".encode() for _ in range(n)}

    def merged(lines: set[bytes]) -> tuple[bytes, bytes]:
        support = support_counts(lines)
        return b"".join(sorted(lines | set(support))), b"".join(support)

    for _ in range(200):
        old = some_lines(chooser.randrange(0, 60))
        added = sorted(some_lines(chooser.randrange(0, 12)))
        shared, support, gained = merged_with(*merged(old), added, derived, support_line)
        assert (shared, support) == merged(old | set(added))
        assert gained == shared.count(b"\n") - merged(old)[0].count(b"\n")


@pytest.mark.parametrize("lines, line, expected", [
    ([], b"b\n", 0), ([b"b\n"], b"a\n", 0), ([b"b\n"], b"b\n", 0), ([b"b\n"], b"c\n", 2),
    ([b"a\n", b"bb\n", b"cccc\n"], b"bb\n", 2), ([b"a\n", b"bb\n", b"cccc\n"], b"b\n", 2),
    ([b"a\n", b"bb\n", b"cccc\n"], b"c\n", 5), ([b"a\n", b"bb\n", b"cccc\n"], b"d\n", 10),
])
def test_line_at_finds_the_first_line_not_less(lines, line, expected):
    data = b"".join(lines)
    assert line_at(data, line) == expected
    assert holds_line(data, line) == (line in lines)


def test_subjects_not_in_counts_the_subjects_the_sorted_lines_lack():
    data = b"".join(sorted([b"<a> <p> 1 .\n", b"<a-b> <p> 2 .\n", b"<c> <p> 3 .\n"]))  # <a-b> first
    lines = [b"<a> <q> 4 .\n", b"<a-> <p> 5 .\n", b"<b> <p> 6 .\n", b"<b> <q> 7 .\n", b"<c> <q> 8 .\n"]
    assert subjects_not_in(data, lines) == 2  # <a-> and <b>
    assert subjects_not_in(b"", lines) == 4 and subjects_not_in(data, []) == 0


def test_patched_removes_and_inserts_in_order():
    data = b"b\nd\nf\n"
    assert patched(data, [b"d\n"], [b"a\n", b"c\n", b"e\n", b"g\n"]) == b"a\nb\nc\ne\nf\ng\n"
    assert patched(data, [b"b\n", b"f\n"], [b"c\n"]) == b"c\nd\n"
    assert patched(data, [], []) == data

