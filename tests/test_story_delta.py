"""kg.story_delta: new articles resolved against the last build's ledger give the whole resolver's answers."""
from __future__ import annotations

import sys

import pytest

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
from generate import generate  # noqa: E402

from kg.build import collect  # noqa: E402
from kg.graph import story_key  # noqa: E402
from kg.iris import Iris  # noqa: E402
from kg.render import RenderStore  # noqa: E402
from kg.story import story_resolver, window_days  # noqa: E402
from kg.story_delta import ledger_of, resolve_added  # noqa: E402

BASE = 40
MORE = 24


@pytest.fixture(scope="module")
def story(tmp_path_factory):
    """BASE generated articles' digests, their resolver's ledger and story keys, and MORE candidates."""
    folder = tmp_path_factory.mktemp("story-delta")
    iris = Iris()
    store = RenderStore(folder / "renders", iris.base)
    base, _, _ = collect(sorted(generate(folder / "base", BASE)), store)
    more, _, _ = collect(sorted(generate(folder / "more", MORE, start=BASE)), store)
    resolver = story_resolver(base, iris)
    return iris, base, more, ledger_of(resolver, base), {d.id: story_key(d, resolver) for d in base}


def whole(digests, iris):
    resolver = story_resolver(digests, iris)
    return {d.id: story_key(d, resolver) for d in digests}, ledger_of(resolver, digests)


@pytest.mark.parametrize("added", [[i] for i in range(MORE)] + [[0, 1], [2, 5, 9]])
def test_added_articles_resolved_alone_give_the_whole_resolvers_keys_and_ledger(story, added):
    iris, base, more, ledger, known = story
    digests = sorted(base + [more[i] for i in added], key=lambda d: d.id)
    keys, whole_ledger = whole(digests, iris)
    found = resolve_added(digests, iris, window_days(), ledger, known, story_key)
    if found is None:  # allowed only when it cannot tell; most added articles leave the old stories be
        return
    resolver, got_keys, got_ledger = found
    assert got_keys == keys
    assert got_ledger == whole_ledger


def test_most_added_articles_are_resolved_alone_and_never_one_that_moves_an_old_story(story):
    iris, base, more, ledger, known = story
    alone = moved = 0
    for d in more:
        digests = sorted(base + [d], key=lambda x: x.id)
        keys, _ = whole(digests, iris)
        found = resolve_added(digests, iris, window_days(), ledger, known, story_key)
        if any(keys[i] != k for i, k in known.items()):
            moved += 1
            assert found is None
        elif found is not None:
            alone += 1
    assert moved >= 1 and alone >= (MORE - moved) // 2  # 11 of 12 here


def test_an_edited_or_removed_article_or_another_ledger_resolves_everything(story):
    iris, base, more, ledger, known = story
    digests = next(ds for ds in (sorted(base + [d], key=lambda x: x.id) for d in more)
                   if resolve_added(ds, iris, window_days(), ledger, known, story_key) is not None)
    edited = dict(ledger, contents={**ledger["contents"], base[3].id: "another content"})
    assert resolve_added(digests, iris, window_days(), edited, known, story_key) is None
    gone = [d for d in digests if d.id != base[0].id]
    assert resolve_added(gone, iris, window_days(), ledger, known, story_key) is None
    assert resolve_added(digests, iris, window_days() + 1, ledger, known, story_key) is None
    assert resolve_added(digests, iris, window_days(), None, known, story_key) is None  # an older index
    unplaced = dict(ledger, incidents={})  # what the last build placed is not known
    assert resolve_added(digests, iris, window_days(), unplaced, known, story_key) is None


def test_nothing_added_keeps_every_key_and_the_ledger(story):
    iris, base, more, ledger, known = story
    resolver, keys, kept = resolve_added(base, iris, window_days(), ledger, known, story_key)
    assert keys == known and kept == ledger
