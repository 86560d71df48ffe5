"""The story of a build that adds articles to the last one, resolved for the new articles alone.

:mod:`kg.delta` merges the new articles' story lines into the last build's when no article of that build
has its story changed by them. To know that, the resolver was made again over every article and every
article's story key compared (at 10,000 articles 2.3 s and 0.5 s, for one new article). What the new
articles can change is known beforehand, so the last build keeps a *ledger* beside its story pack
(:func:`ledger_of`):

- each incident cluster: organization, family, first and last day, IRI and stated types;
- the incident each (article, organization) was placed in (:meth:`StoryResolver.incident_for`);
- for remedies, sanctions and figures, whose nodes the members of a group decide together
  (:class:`StoryResolver` groups them by organization, type and incident, or incident and measure),
  which articles are in each group;
- each article's content hash.

A new article is then resolved against the ledger (:func:`resolve_added`):

- each of its incident units must lie within the days of a cluster of its organization and family and
  state no type that cluster did not: the cluster keeps its IRI and attrs, and every other article's
  incident stays where it was;
- its events depend only on their own incident;
- each remedy, sanction or figure group it joins is replayed from its members' mentions, without the new
  articles and with them: every other member must get the same answer both ways.

If anything fails, the resolver is made over every article as before (:func:`kg.graph.merged_lines`); the
graph is the same bytes either way (tests/test_story_delta.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from operator import itemgetter
from typing import Any, Callable

from pyoxigraph import NamedNode

from kg.delta import ADDED_AT_MOST, ADDED_SHARE
from kg.iris import Iris
from kg.story import StoryResolver, by_kind, stated_types

Ledger = dict[str, Any]

# the stages whose nodes a group's members decide together: the resolver's methods that group a kind's
# mentions and that resolve the groups
_GROUPED = (("remedy", StoryResolver._remedy_groups, StoryResolver._resolve_remedies),
            ("sanction", StoryResolver._sanction_groups, StoryResolver._resolve_sanctions),
            ("figure", StoryResolver._figure_groups, StoryResolver._resolve_figures))


@dataclass(frozen=True)
class ClusterSpan:
    """An incident cluster as the ledger keeps it: what a unit joining it, and incident_for, read."""
    org: str
    family: str
    start: date
    end: date
    iri: NamedNode
    stated: tuple[str, ...]


def ledger_of(resolver: StoryResolver, digests: list) -> Ledger:
    """What :func:`resolve_added` needs of a resolver made over every article (``digests``)."""
    return {
        "window": resolver.window,
        "clusters": [(c.org, c.family, c.start, c.end, c.iri.value, c.stated) for c in resolver.clusters],
        "incidents": resolver.incidents_placed,
        "groups": resolver.groups,
        "contents": {d.id: d.content_hash for d in digests},
    }


class _Unknown(Exception):
    """The ledger does not say what the last build placed (another version's, or not whole)."""


class _Replay(StoryResolver):
    """A resolver of some mentions only: the old articles' incidents as the ledger has them, the new
    articles' as ``fresh`` places them."""

    def __init__(self, fresh: StoryResolver, placed: dict, new_ids: set[str]):
        self._start(fresh.iris, fresh.window, fresh.published)
        self.fresh, self.placed, self.new_ids = fresh, placed, new_ids

    def incident_for(self, aid: str, org: str | None) -> NamedNode | None:
        if aid in self.new_ids:
            return self.fresh.incident_for(aid, org)
        try:
            iri = self.placed[(aid, org)]
        except KeyError:
            raise _Unknown((aid, org)) from None
        return NamedNode(iri) if iri is not None else None


def resolve_added(digests: list, iris: Iris, window: int, ledger: Ledger | None, known: dict[str, str],
                  key_of: Callable[[Any, StoryResolver], str]) -> tuple[StoryResolver, dict[str, str], Ledger] | None:
    """For a build whose articles (``digests``, sorted by id) are the last build's unchanged and some new
    ones: a resolver that answers for the new articles, every article's story key (``known``: the last
    build's, by id; ``key_of(digest, resolver)`` for a new one) and the ledger with the new articles in it.
    None if that build's ledger is missing or another, an article of it changed or is gone, or a new
    article changes what an article of it is (then the whole story is resolved again)."""
    if not ledger or ledger.get("window") != window or set(ledger.get("contents", ())) != set(known):
        return None
    contents = ledger["contents"]
    new = [d for d in digests if d.id not in contents]
    if len(new) > max(ADDED_AT_MOST, ADDED_SHARE * len(contents)) or len(digests) - len(new) != len(contents) or \
            any(contents[d.id] != d.content_hash for d in digests if d.id in contents):
        return None
    try:
        found = _resolve_new(digests, new, iris, window, ledger)
    except _Unknown:
        return None
    if found is None:
        return None
    fresh, groups, placed = found
    keys = {d.id: known[d.id] if d.id in known else key_of(d, fresh) for d in digests}
    return fresh, keys, {**ledger, "incidents": placed, "groups": groups,
                         "contents": {**contents, **{d.id: d.content_hash for d in new}}}


def _resolve_new(digests: list, new: list, iris: Iris, window: int, ledger: Ledger):
    """(the new articles' resolver, the ledger's groups and incidents with them) or None."""
    fresh = StoryResolver.empty(iris, window, {d.id: d.published_at for d in digests})
    spans: dict[tuple[str, str], list[ClusterSpan]] = {}
    for org, family, start, end, iri, stated in ledger["clusters"]:
        span = ClusterSpan(org, family, start, end, NamedNode(iri), tuple(stated))
        spans.setdefault((org, family), []).append(span)
        fresh.clusters_of_org[org].append(span)
    told = by_kind({d.id: d.story_mentions for d in new})
    if not _joined_clusters(fresh, told["incident"], spans):
        return None
    fresh._events(told["event"])
    by_id = {d.id: d for d in digests}
    new_ids = {d.id for d in new}
    groups = dict(ledger["groups"])
    for kind, grouped, resolve in _GROUPED:
        joined = _replayed(kind, grouped, resolve, fresh, told[kind], ledger, by_id, new_ids)
        if joined is None:
            return None
        groups[kind] = {**groups[kind], **joined}
    placed = {**ledger["incidents"], **fresh.incidents_placed}
    return fresh, groups, placed


def _joined_clusters(fresh: StoryResolver, told: list, spans: dict[tuple[str, str], list[ClusterSpan]]) -> bool:
    """Place the new articles' incident units (``told``: their incident mentions) in the clusters they lie
    within; False if one lies within none, or states a type its cluster did not."""
    for unit in fresh.units(told):
        span = next((s for s in spans.get((unit.org, unit.family), ()) if s.start <= unit.time <= s.end), None)
        if span is None or not set(stated_types(unit.mentions)) <= set(span.stated):
            return False
        fresh.cluster_of[id(unit)] = span
        fresh._answer(((unit.article, m) for m in unit.mentions), span.iri, {"stated": span.stated})
    return True


def _replayed(kind: str, grouped: Callable, resolve: Callable, fresh: StoryResolver, told: list,
              ledger: Ledger, by_id: dict, new_ids: set[str]) -> dict[tuple, set[str]] | None:
    """Resolve the groups of ``kind`` the new articles' mentions (``told``) join, with their other members
    (``grouped`` and ``resolve``: the resolver's methods); their answers go to ``fresh``. The groups' members
    with the new articles in, or None if an old member's answer changed."""
    at = StoryResolver.ARTICLE_AT[kind]
    replay = _Replay(fresh, ledger["incidents"], new_ids)
    joining = grouped(replay, told)
    last = ledger["groups"][kind]
    members = sorted(set().union(*(last.get(key, ()) for key in joining)))
    had = grouped(replay, [(aid, m) for aid in members for m in by_id[aid].story_of_kind(kind)])
    had = {key: had[key] for key in joining if key in had}
    without, within = _Replay(fresh, ledger["incidents"], new_ids), _Replay(fresh, ledger["incidents"], new_ids)
    resolve(without, {key: list(items) for key, items in had.items()})
    # the articles in id order, as the whole build has them
    resolve(within, {key: sorted(had.get(key, []) + items, key=itemgetter(at)) for key, items in joining.items()})
    for items in had.values():
        for item in items:
            aid, m = item[at], item[at + 1]
            if _said(without, aid, m) != _said(within, aid, m):
                return None
    for aid, m in told:
        fresh.answers[aid][m.key] = within.answer(aid, m)
    return {key: last.get(key, set()) | {item[at] for item in items} for key, items in joining.items()}


def _said(resolver: StoryResolver, aid: str, m) -> str:
    """A mention's answer as its story key reads it (:meth:`StoryResolver.answers_text`, which writes the
    attrs a node's mentions share once)."""
    return resolver.answers_text(aid, (m,))
