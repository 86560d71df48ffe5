"""Events: the dated happenings of an incident's timeline (detection, report to KISA, disclosure,
investigation results, briefings, hearings, apologies, remedy announcements, regulator decisions).

An event is kept only where its clause names a resolved date (a date
mention before the cue that is no range end or deadline), so that every
date an event carries is one the article names. Mention value: the event
concept. ``attrs``: ``date``, ``actor`` (the organization that acts, any
kind), ``org`` (the company whose incident it belongs to).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from kg.extract.incidents import Story, rules as incident_rules
from kg.extract.temporal import closes_range, opens_range
from kg.ingest import Article
from kg.mention import Found, Mention, make_attrs
from kg.resources import compile_pattern, load_resource, matched_rule, require
from kg.resources.scanner import Scanner

KIND = "event"


@dataclass(frozen=True)
class EventRules:
    rules: tuple[tuple[str, str], ...]  # (id, type)
    any_rule: re.Pattern
    cues: Scanner  # any_rule's matches, found quickly


def prepare_rules(data: dict) -> EventRules:
    require("events", data, ("rules",))
    rules_ = []
    for raw in data["rules"]:
        require("events", raw, ("id", "type", "pattern", "examples"), raw.get("id") if isinstance(raw, dict) else None)
        compile_pattern("events", raw["id"], raw["pattern"])
        rules_.append((raw["id"], raw["type"], raw["pattern"]))
    any_rule = compile_pattern("events", "rules", "|".join(f"(?P<r{i}>{p})" for i, (_, _, p) in enumerate(rules_)))
    return EventRules(tuple((i, t) for i, t, _ in rules_), any_rule, Scanner(any_rule))


def rules() -> EventRules:
    return load_resource("events", prepare_rules)


def extract_events(article: Article, found: Found) -> list[Mention]:
    r = rules()
    story = Story.of(article, found)
    body = article.body
    companies = incident_rules().grammar.company_types
    mentions = []
    cues = r.cues.finditer_each([s.text for s in article.sentences])
    for index, sentence in enumerate(article.sentences):
        for match in cues[index]:
            rule_id, event_type = r.rules[matched_rule(match)]
            start, end = sentence.start + match.start(), sentence.start + match.end()
            v = story.view(index)
            cs, _ce = v.clause_of(start)
            when = None
            for d in reversed(story.dates_in(v.start, start)):
                if opens_range(body, d.end) or closes_range(body, d.end) or d.get("role") in ("start", "end") or d.get("modifier") not in (None, "approx"):
                    continue
                if d.start >= cs or not when:
                    when = d
                break
            if when is None or when.start < cs - 60:
                continue
            actor = v.subject_before(start) or story.about(index)
            org = story.actor(index, start, companies)  # whose incident: may be none (a hearing in general)
            mentions.append(Mention(KIND, start, end, match.group(0), event_type, f"event:{rule_id}",
                                    make_attrs(date=str(when.value), actor=actor, org=org)))
    return mentions
