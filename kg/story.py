"""One story across articles: which incident, remedy, sanction, event and figure node each mention is.

The assembler (:func:`kg.graph.assemble`) builds a :class:`StoryResolver`
from every article's mentions before mapping:

- **incidents**: an article's incident mentions of one organization and one
  family (breach, outage) are one incident, unless the dates that say when
  they happened lie more than the window apart (two incidents of one company
  in one article); across articles, incidents of one organization and family
  chain into one when their times are within the window
  (``cluster_window_days`` in kg/resources/incidents.yaml). A type is
  *stated* when any mention states it plainly, else only suspected.
- **remedies**: one node per organization, type, incident and compatible
  period: mentions that agree on every period field they both give, and share
  one, are one remedy; mentions without a period are one remedy per
  organization, type and incident.
- **sanctions**: one node per organization sanctioned, type, incident and
  regulator (a mention that names no regulator joins the only one there is).
- **events**: one node per type, date, actor and incident.
- **figures**: one node per incident, measure and value; per incident and
  measure, the value reported by the latest article (not as an earlier
  figure it corrects) is marked latest.

Everything is sorted before it is numbered, so the same input gives the same IRIs.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property, lru_cache
from typing import Any, Iterable

from pyoxigraph import NamedNode

from kg.iris import Iris
from kg.mapping.context import Resolver
from kg.mention import Mention
from kg.gc_pause import paused_gc

PERIOD_FIELDS = ("start", "end", "duration")


@lru_cache(maxsize=1 << 14)  # asked once per incident mention; a build's mentions name a few thousand dates
def as_day(value: str | None) -> date | None:
    """``2025-04-18`` / ``2025-04`` / ``2025`` -> the first day it names."""
    if not value:
        return None
    try:
        parts = [int(p) for p in str(value).split("-")]
        return date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except (ValueError, IndexError):
        return None


@dataclass
class IncidentUnit:
    article: str
    org: str
    family: str
    time: date
    mentions: list[Mention] = field(default_factory=list)


@dataclass
class IncidentCluster:
    org: str
    family: str
    units: list[IncidentUnit]
    iri: NamedNode | None = None
    stated: tuple[str, ...] = ()  # the types its mentions state plainly (not only suspected), sorted

    @cached_property  # units are complete when a cluster is made
    def start(self) -> date:
        return min(u.time for u in self.units)

    @cached_property
    def end(self) -> date:
        return max(u.time for u in self.units)


_NOT_PLACED: tuple[None, dict[str, Any]] = (None, {})  # the answer for a mention the resolver did not place


class StoryResolver(Resolver):
    only_some = False  # True: it has resolved some articles' mentions only (:meth:`empty`), not the whole story
    # where the article id is in the items of each kind's groups (the _*_groups methods)
    ARTICLE_AT = {"remedy": 0, "sanction": 0, "figure": 2}

    def __init__(self, facts: list, iris: Iris, window_days: int = 365):
        """``facts``: ``kg.graph.ArticleFacts`` or ``kg.render.ArticleDigest``s."""
        told = sorted(told_by_article(facts), key=lambda x: x[0])
        self._start(iris, window_days, {aid: published for aid, published, _ in told})
        told_of = by_kind({aid: mentions for aid, _, mentions in told})
        self._incidents(told_of["incident"])
        self._remedies(told_of["remedy"])
        self._sanctions(told_of["sanction"])
        self._events(told_of["event"])
        self._figures(told_of["figure"])

    @classmethod
    def empty(cls, iris: Iris, window_days: int, published: dict[str, datetime]) -> "StoryResolver":
        """A resolver that has placed nothing yet, for articles published at ``published`` (by id): its
        stages are then run on some mentions only (:mod:`kg.story_delta`)."""
        resolver = cls.__new__(cls)
        resolver._start(iris, window_days, published)
        resolver.only_some = True
        resolver.article_units = defaultdict(list)
        resolver.cluster_of, resolver.clusters_of_org = {}, defaultdict(list)
        return resolver

    def _start(self, iris: Iris, window_days: int, published: dict[str, datetime]) -> None:
        self.iris = iris
        self.window = window_days
        self.published = published
        # article id -> mention key -> the mention's node and what the build knows about it
        self.answers: dict[str, dict[tuple, tuple[NamedNode, dict[str, Any]]]] = defaultdict(dict)
        self._incident_of: dict[tuple[str, str | None], NamedNode | None] = {}  # incident_for's answers
        self._attrs_texts: dict[int, str] = {}  # id of an answer's attrs -> its repr (answers_text)
        # kind -> group key -> the ids of the articles with a mention in it: the groups whose nodes are
        # decided by all their members together (what kg.story_delta replays when an article joins one)
        self.groups: dict[str, dict[tuple, set[str]]] = {"remedy": {}, "sanction": {}, "figure": {}}

    # ------------------------------------------------------------ the Resolver interface
    def node_for(self, article_id: str, mention: Mention) -> NamedNode | None:
        return self.answer(article_id, mention)[0]

    def attrs_for(self, article_id: str, mention: Mention) -> dict[str, Any]:
        return self.answer(article_id, mention)[1]

    def answer(self, article_id: str, mention: Mention) -> tuple[NamedNode | None, dict[str, Any]]:
        """``node_for`` and ``attrs_for`` in one look-up."""
        return self.answers.get(article_id, {}).get(mention.key, _NOT_PLACED)

    def answers_text(self, article_id: str, mentions: Iterable[Mention]) -> str:
        """What the resolver answered for an article's mentions, as text: each mention's kind and offsets,
        its node's IRI and its attrs (what the article's story lines depend on, :func:`kg.graph.story_key`).

        The mentions of one node share one attrs dict, so its text is made once (remembered by the dict's
        id: every answer lives as long as the resolver). Writing each answer's repr took 0.6 s of the
        0.8 s that 10,000 articles' keys took."""
        own = self.answers.get(article_id, {})
        texts = self._attrs_texts
        parts = []
        for m in mentions:
            node, attrs = own.get(m.key, _NOT_PLACED)
            text = texts.get(id(attrs))
            if text is None:
                text = texts[id(attrs)] = repr(attrs)
            parts.append(f"{m.kind} {m.start} {m.end} {node.value if node is not None else '-'} {text}")
        return "\n".join(parts)

    @property
    def incidents_placed(self) -> dict[tuple[str, str | None], str | None]:
        """The IRI of the incident each (article id, organization) asked about was placed in
        (:meth:`incident_for`), or None."""
        return {key: inc.value if inc is not None else None for key, inc in self._incident_of.items()}

    def _answer(self, members: Iterable[tuple[str, Mention]], node: NamedNode, attrs: dict[str, Any]) -> None:
        """Record what the mentions ``members`` ((article id, mention) pairs) are: one node, and one ``attrs``
        dict they share (read only, like every answer: the mappers and story keys only read them)."""
        answer = (node, attrs)
        answers = self.answers
        for aid, m in members:
            answers[aid][m.key] = answer

    # ------------------------------------------------------------ incidents
    def _incidents(self, told: list[tuple[str, Mention]]) -> None:
        self.article_units: dict[tuple[str, str], list[IncidentUnit]] = defaultdict(list)
        units = self.units(told)
        by_key: dict[tuple[str, str], list[IncidentUnit]] = defaultdict(list)
        for u in units:
            by_key[(u.org, u.family)].append(u)
        self.clusters: list[IncidentCluster] = []
        for (org, family), us in sorted(by_key.items()):
            us.sort(key=lambda u: (u.time, u.article))
            current: list[IncidentUnit] = []
            for u in us:  # sorted by time, so the last unit is the latest
                if current and (u.time - current[-1].time).days > self.window:
                    self.clusters.append(IncidentCluster(org, family, current))
                    current = []
                current.append(u)
            if current:
                self.clusters.append(IncidentCluster(org, family, current))
        self.cluster_of: dict[int, IncidentCluster] = {}
        self.clusters_of_org: dict[str, list[IncidentCluster]] = defaultdict(list)
        for c in self.clusters:
            self.clusters_of_org[c.org].append(c)
            c.iri = self.iris.thing("incident", c.org, c.family, c.start.isoformat()[:7])
            c.stated = stated_types(m for u in c.units for m in u.mentions)
            for u in c.units:
                self.cluster_of[id(u)] = c
            self._answer(((u.article, m) for u in c.units for m in u.mentions), c.iri, {"stated": c.stated})

    def units(self, told: list[tuple[str, Mention]]) -> list[IncidentUnit]:
        """The incident units of the mentions ``told``: per article, organization and family, apart when
        their dates lie apart (:meth:`_split`); each is also listed in ``article_units``."""
        groups: dict[tuple[str, str, str], list[Mention]] = defaultdict(list)
        for aid, m in told:
            groups[(aid, m.value, m.get("family", "breach"))].append(m)
        units: list[IncidentUnit] = []
        for (aid, org, family), ms in sorted(groups.items()):
            for unit in self._split(aid, org, family, self.published[aid].date(), ms):
                units.append(unit)
                self.article_units[(aid, org)].append(unit)
        return units

    def _split(self, aid: str, org: str, family: str, pub: date, ms: list[Mention]) -> list[IncidentUnit]:
        """One article's mentions of one organization and family: apart when their dates lie apart.

        The dated ones are taken in time order, so a unit's first date is its earliest and a mention
        joins the last unit when it lies within the window of that unit's time."""
        days = [(as_day(m.get("when")), m) for m in ms]
        subs: list[IncidentUnit] = []
        for day, m in sorted(((d, m) for d, m in days if d), key=lambda x: (x[0], x[1].start)):
            if subs and (day - subs[-1].time).days <= self.window:
                subs[-1].mentions.append(m)
            else:
                subs.append(IncidentUnit(aid, org, family, day, [m]))
        undated = [m for d, m in days if not d]
        if undated:
            near = min(subs, key=lambda u: abs((pub - u.time).days), default=None)
            if near is not None and abs((pub - near.time).days) <= self.window:
                near.mentions.extend(undated)
            else:
                subs.append(IncidentUnit(aid, org, family, pub, undated))
        for u in subs:
            u.mentions.sort(key=lambda m: m.start)
        return subs

    def incident_for(self, aid: str, org: str | None) -> NamedNode | None:
        """The incident of ``org`` an article is about: its own mention nearest the publication date,
        else the organization's incident whose time span holds the publication date.

        Asked once per remedy, sanction, event and figure mention; answered once per article and
        organization."""
        key = (aid, org)
        if key not in self._incident_of:
            self._incident_of[key] = self._find_incident(aid, org)
        return self._incident_of[key]

    def _find_incident(self, aid: str, org: str | None) -> NamedNode | None:
        if not org:
            return None
        pub = self.published[aid].date()
        units = self.article_units.get((aid, org))
        if units:
            u = min(units, key=lambda u: (u.family != "breach", abs((pub - u.time).days), u.time))
            return self.cluster_of[id(u)].iri
        near = [c for c in self.clusters_of_org.get(org, ()) if (c.start - pub).days <= 0
                and (pub - c.end).days <= self.window]
        return max(near, key=lambda c: (c.end, c.iri.value)).iri if near else None

    # ------------------------------------------------------------ remedies
    def _remedies(self, told: list[tuple[str, Mention]]) -> None:
        self._resolve_remedies(self._remedy_groups(told))

    def _remedy_groups(self, told: list[tuple[str, Mention]]) -> dict[tuple, list[tuple[str, Mention, dict]]]:
        """(organization, type, incident) -> its items (article id, mention, period), in the order told."""
        groups: dict[tuple, list[tuple[str, Mention, dict]]] = defaultdict(list)
        for aid, m in told:
            said = m.attr_map()  # read five times
            org = said.get("org")
            inc = self.incident_for(aid, org)
            groups[(org, m.value, inc.value if inc else "")].append((aid, m, period_of(said)))
        return groups

    def _resolve_remedies(self, groups: dict[tuple, list[tuple[str, Mention, dict]]]) -> None:
        self._record("remedy", groups)
        for (org, rtype, inc), items in sorted(groups.items()):
            items.sort(key=lambda x: (-len(x[2]), x[0], x[1].start))
            clusters = merge_periods(items)
            for merged, members in clusters:
                iri = self.iris.thing("remedy", org, rtype, inc, *(merged.get(f, "") for f in PERIOD_FIELDS))
                decided = any(m.get("status") != "planned" for _, m in members)
                self._answer(members, iri, {"period": merged, "incident": NamedNode(inc) if inc else None,
                                            "status": "decided" if decided else "planned"})

    # ------------------------------------------------------------ sanctions
    def _sanctions(self, told: list[tuple[str, Mention]]) -> None:
        self._resolve_sanctions(self._sanction_groups(told))

    def _sanction_groups(self, told: list[tuple[str, Mention]]) -> dict[tuple, list[tuple[str, Mention]]]:
        """(organization sanctioned, type, incident) -> its items (article id, mention), in the order told."""
        groups: dict[tuple, list[tuple[str, Mention]]] = defaultdict(list)
        for aid, m in told:
            inc = self.incident_for(aid, m.get("on"))
            groups[(m.get("on"), m.value, inc.value if inc else "")].append((aid, m))
        return groups

    def _resolve_sanctions(self, groups: dict[tuple, list[tuple[str, Mention]]]) -> None:
        self._record("sanction", groups)
        for (on, stype, inc), items in sorted(groups.items()):
            regulators = sorted({m.get("by") for _, m in items if m.get("by")})
            only = regulators[0] if len(regulators) == 1 else ""
            decided_by: dict[str, bool] = defaultdict(bool)  # regulator -> any of its members decided
            members_by: dict[str, list[tuple[str, Mention]]] = defaultdict(list)  # regulator -> its members
            for aid, m in items:
                by = m.get("by") or only
                decided_by[by] |= m.get("status") != "planned"
                members_by[by].append((aid, m))
            for by, members in members_by.items():
                self._answer(members, self.iris.thing("sanction", on, stype, inc, by),
                             {"by": by or None, "incident": NamedNode(inc) if inc else None,
                              "status": "decided" if decided_by[by] else "planned"})

    # ------------------------------------------------------------ events
    def _events(self, told: list[tuple[str, Mention]]) -> None:
        members: dict[tuple, list[tuple[str, Mention]]] = defaultdict(list)  # node key -> its mentions
        for aid, m in told:
            said = m.attr_map()
            inc = self.incident_for(aid, said.get("org"))
            members[(m.value, said.get("date"), said.get("actor") or "", inc)].append((aid, m))
        for (etype, day, actor, inc), ms in members.items():
            self._answer(ms, self.iris.thing("event", etype, day, actor, inc.value if inc else ""), {"incident": inc})

    # ------------------------------------------------------------ figures
    def _figures(self, told: list[tuple[str, Mention]]) -> None:
        self._resolve_figures(self._figure_groups(told))

    def _figure_groups(self, told: list[tuple[str, Mention]]) -> dict[tuple, list[tuple[datetime, Any, str, Mention]]]:
        """(incident, measure) -> its items (published, number, article id, mention), in the order told."""
        reports: dict[tuple[str, str], list[tuple[datetime, Any, str, Mention]]] = defaultdict(list)
        for aid, m in told:
            inc = self.incident_for(aid, m.get("org"))
            if inc is not None:
                reports[(inc.value, m.value)].append((self.published[aid], m.get("number"), aid, m))
        return reports

    def _resolve_figures(self, reports: dict[tuple, list[tuple[datetime, Any, str, Mention]]]) -> None:
        self._record("figure", reports)
        for (inc, measure), items in sorted(reports.items()):
            current = [x for x in items if not x[3].get("superseded")] or items
            last = max(x[0] for x in current)
            latest = max(x[1] for x in current if x[0] == last)
            incident = NamedNode(inc)
            # a value's mentions, by its text (which names the node: 1 and 1.0 are equal, yet two nodes)
            members: dict[tuple[type, str], list[tuple[str, Mention]]] = defaultdict(list)
            values: dict[tuple[type, str], Any] = {}
            for when, number, aid, m in items:
                key = (type(number), str(number))
                members[key].append((aid, m))
                values.setdefault(key, number)
            for key, ms in members.items():
                number = values[key]
                self._answer(ms, self.iris.thing("figure", measure, number, inc),
                             {"incident": incident, "latest": number == latest})

    def _record(self, kind: str, groups: dict[tuple, list[tuple]]) -> None:
        """Keep which articles have a mention in each group."""
        recorded, at = self.groups[kind], self.ARTICLE_AT[kind]
        for key, items in groups.items():
            recorded[key] = {item[at] for item in items}


def stated_types(mentions: Iterable[Mention]) -> tuple[str, ...]:
    """The incident types that incident mentions state plainly, sorted (an incident's ``stated`` attr)."""
    return tuple(sorted({m.get("type") for m in mentions if not m.get("suspected")}))


def period_of(attrs: dict[str, Any]) -> dict[str, Any]:
    """The period fields a remedy mention gives (``attrs``: its :meth:`Mention.attr_map`)."""
    return {f: value for f in PERIOD_FIELDS if (value := attrs.get(f))}


def merge_periods(items: list[tuple[str, Mention, dict]]) -> list[tuple[dict, list[tuple[str, Mention]]]]:
    """Remedy mentions with their periods (most period fields first) -> (merged period, members) clusters.

    A mention joins the first cluster whose period agrees with every field it gives and shares one of
    them; mentions without a period form one cluster. Clusters are found through the (field, value)
    pairs they hold, so this stays linear when one remedy is told by thousands of articles.
    """
    clusters: list[tuple[dict, list[tuple[str, Mention]]]] = []
    holding: dict[tuple[str, Any], list[int]] = defaultdict(list)  # (field, value) -> clusters holding it
    no_period: int | None = None
    for aid, m, period in items:
        if not period:
            if no_period is None:
                no_period = len(clusters)
                clusters.append(({}, []))
            clusters[no_period][1].append((aid, m))
            continue
        candidates = sorted({i for fv in period.items() for i in holding.get(fv, ())})
        for i in candidates:
            merged, members = clusters[i]
            if all(merged.get(f) in (None, v) for f, v in period.items()):
                for fv in period.items():
                    if fv not in merged.items():
                        holding[fv].append(i)
                merged.update(period)
                members.append((aid, m))
                break
        else:
            for fv in period.items():
                holding[fv].append(len(clusters))
            clusters.append((dict(period), [(aid, m)]))
    return clusters


def by_kind(by_article: dict[str, tuple[Mention, ...]]) -> dict[str, list[tuple[str, Mention]]]:
    """(article id, mention) pairs of each kind, in article and text order: each stage reads one kind."""
    told: dict[str, list[tuple[str, Mention]]] = defaultdict(list)
    for aid, mentions in by_article.items():
        for m in mentions:
            told[m.kind].append((aid, m))
    return told


def told_by_article(articles: list) -> list[tuple[str, datetime, tuple]]:
    """(article id, publication time, mentions) of ``kg.graph.ArticleFacts`` or ``kg.render.ArticleDigest``s
    (a digest holds only the story mentions, which are all the resolver reads)."""
    out = []
    for a in articles:
        if hasattr(a, "article"):
            out.append((a.article.id, a.article.published_at, a.mentions))
        else:
            out.append((a.id, a.published_at, a.story_mentions))
    return out


def story_resolver(facts: list, iris: Iris) -> StoryResolver:
    """The resolver of the whole build, made with the cyclic collector paused (:func:`kg.gc_pause.paused_gc`):
    it is a million small tuples and dicts that live on, which each collection would walk again
    (at 10,000 articles half the time it takes)."""
    with paused_gc():
        return StoryResolver(facts, iris, window_days())


def window_days() -> int:
    """How far apart in days two incident mentions may lie and still be one incident (kg/resources)."""
    from kg.extract.incidents import rules
    return rules().window_days
