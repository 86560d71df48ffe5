"""Remedies: measures an organization announces towards customers or its own security.

A remedy mention is a cue (``위약금 면제``, ``유심 무상 교체``, ``사과드린다``
...) with who offers it (the clause's subject or the company the sentence is
about; a person stands for the employer) and its period, read from the date
and duration mentions of its clause (kg.extract.temporal):

- a date followed by ``부터`` (or with role ``start``) is the start, one followed
  by ``까지`` (or role ``end``) the end: ``이달 31일부터 내년 1월 13일까지``;
- a date after ``끝나는``/``끝난`` right after the cue is the end
  (``위약금 면제가 끝난 7월 14일``);
- a duration in the clause is the duration (``6개월간``, ``2년간``, ``6개월 동안``);
  with a start day and an end, the duration is derived when the text gives none;
- in a clause that says ``소급``, the dates say who is eligible, not the period.

Mention value: the remedy concept. ``attrs``: ``org``, ``start``, ``end``,
``duration`` (ISO 8601), ``derived_duration``, ``eligibility`` (as written),
``amount`` (won) and ``amount_span``, ``status`` (decided, planned).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from kg.extract.incidents import Story
from kg.extract.temporal import closes_range, opens_range
from kg.ingest import Article
from kg.mention import Found, Mention, make_attrs
from kg.resources import compile_pattern, load_resource, matched_rule, require
from kg.resources.scanner import Scanner

KIND = "remedy"


@dataclass(frozen=True)
class RemedyRule:
    id: str
    type: str
    pattern: re.Pattern


@dataclass(frozen=True)
class RemedyRules:
    rules: tuple[RemedyRule, ...]
    any_rule: re.Pattern
    not_after: re.Pattern
    retroactive: re.Pattern
    planned: re.Pattern
    eligibility: re.Pattern
    end_marker: re.Pattern
    cues: Scanner  # any_rule's matches, found quickly


def prepare_rules(data: dict) -> RemedyRules:
    name = "remedies"
    require(name, data, ("rules", "not_after", "retroactive", "planned", "eligibility", "end_marker"))
    rules_ = []
    for raw in data["rules"]:
        require(name, raw, ("id", "type", "pattern", "examples"), raw.get("id") if isinstance(raw, dict) else None)
        rules_.append(RemedyRule(raw["id"], raw["type"], compile_pattern(name, raw["id"], raw["pattern"])))
    any_rule = compile_pattern(name, "rules", "|".join(f"(?P<r{i}>{r.pattern.pattern})" for i, r in enumerate(rules_)))
    checks = (compile_pattern(name, k, data[k]) for k in ("not_after", "retroactive", "planned", "eligibility", "end_marker"))
    return RemedyRules(tuple(rules_), any_rule, *checks, Scanner(any_rule))


def rules() -> RemedyRules:
    return load_resource("remedies", prepare_rules)


def extract_remedies(article: Article, found: Found) -> list[Mention]:
    r = rules()
    story = Story.of(article, found)
    mentions = []
    seen: set = set()
    cues = r.cues.finditer_each([s.text for s in article.sentences])
    for index, sentence in enumerate(article.sentences):
        for match in cues[index]:
            rule = r.rules[matched_rule(match)]
            if r.not_after.search(sentence.text[match.end():match.end() + 12]):
                continue
            start, end = sentence.start + match.start(), sentence.start + match.end()
            org = story.actor(index, start)
            if org is None:
                continue
            clause = story.view(index).clause_of(start)
            if (rule.type, org, clause) in seen:  # "OTT ... 이용권": one measure named twice in a clause
                continue
            seen.add((rule.type, org, clause))
            mentions.append(Mention(KIND, start, end, match.group(0), rule.type, f"remedy:{rule.id}",
                                    make_attrs(org=org, **period(story, index, start, end))))
    return mentions


def period(story: Story, index: int, start: int, end: int) -> dict:
    """start, end, duration, eligibility, amount and status of the remedy whose cue is at [start, end)."""
    r = rules()
    body = story.article.body
    v = story.view(index)
    cs, ce = v.clause_of(start)
    clause = body[cs:ce]
    facts: dict = {}
    retro = bool(r.retroactive.search(clause))
    if not retro:
        starts, ends = [], []
        for d in story.dates_in(cs, ce):
            role = d.get("role")
            if role == "start" or opens_range(body, d.end):
                starts.append(d)
            elif role == "end" or closes_range(body, d.end):
                ends.append(d)
            elif d.start >= end and r.end_marker.search(body[end:d.start]):
                ends.append(d)
        if starts:
            facts["start"] = str(_nearest(starts, start).value)
        if ends:
            facts["end"] = str(_nearest(ends, start).value)
    # a duration before the cue, or right after it ("보험을 2년간 제공"), not one of another predicate
    durations = [d for d in story.durations_in(cs, ce) if d.start < start or d.start - end <= 6]
    if durations:
        facts["duration"] = str(_nearest(durations, start).value)
    elif facts.get("start") and facts.get("end"):
        derived = derive_duration(facts["start"], facts["end"])
        if derived:
            facts["duration"] = derived
            facts["derived_duration"] = True
    elig = r.eligibility.search(body[cs:start])
    if elig:
        facts["eligibility"] = elig.group(0).strip()
    elif retro:
        facts["eligibility"] = clause[: start - cs].strip()
    money = story.found.starting_in(cs, ce, "money")
    if money:
        m = _nearest(money, start)
        facts["amount"] = m.value
        facts["amount_span"] = (m.start, m.end)
    facts["status"] = "planned" if r.planned.search(body[end:ce]) else "decided"
    return facts


def _nearest(mentions: list[Mention], offset: int) -> Mention:
    """The mention nearest before ``offset``, else the first after."""
    before = [m for m in mentions if m.start < offset]
    return before[-1] if before else mentions[0]


def derive_duration(start: str, end: str) -> str | None:
    """``2025-12-31`` .. ``2026-01-13`` -> P14D; ``2025-08-01`` .. ``2025-12`` -> P5M (both ends counted)."""
    try:
        if len(start) == 10 and len(end) == 10:
            days = (date.fromisoformat(end) - date.fromisoformat(start)).days + 1
            return f"P{days}D" if days > 0 else None
        if len(start) == 10 and start.endswith("-01") and len(end) == 7:
            months = (int(end[:4]) - int(start[:4])) * 12 + int(end[5:7]) - int(start[5:7]) + 1
            return f"P{months}M" if months > 0 else None
        if len(start) == 7 and len(end) == 7:
            months = (int(end[:4]) - int(start[:4])) * 12 + int(end[5:7]) - int(start[5:7]) + 1
            return f"P{months}M" if months > 0 else None
    except ValueError:
        return None
    return None
