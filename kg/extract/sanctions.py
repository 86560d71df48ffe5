"""Sanctions: fines (과징금), administrative penalties (과태료) and corrective orders by a regulator.

The regulator is a government body that is the clause's subject or topic,
or that the sanction comes from (``개인정보위로부터``), else the subject of the
sentence before; the organization sanctioned is the company marked as its
target (``SK텔레콤에``), else the nearest company before the cue, else the
last company the paragraph named. Only planned or possible sanctions
(``방침``, ``예정``, ``검토``, ``할 수 있다``) get status ``planned``.

Mention value: the sanction concept. ``attrs``: ``on``, ``by``, ``amount``
(won) and ``amount_span``, ``date`` (a resolved date of the decision),
``status`` (decided, planned).
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

KIND = "sanction"


@dataclass(frozen=True)
class SanctionRule:
    id: str
    type: str
    pattern: re.Pattern


@dataclass(frozen=True)
class SanctionRules:
    rules: tuple[SanctionRule, ...]
    any_rule: re.Pattern
    planned: re.Pattern
    by_roles: frozenset
    by_from: re.Pattern
    target_particles: tuple[str, ...]
    cues: Scanner  # any_rule's matches, found quickly


def prepare_rules(data: dict) -> SanctionRules:
    name = "sanctions"
    require(name, data, ("rules", "planned", "by_roles", "by_from", "target_particles"))
    rules_ = []
    for raw in data["rules"]:
        require(name, raw, ("id", "type", "pattern", "examples"), raw.get("id") if isinstance(raw, dict) else None)
        rules_.append(SanctionRule(raw["id"], raw["type"], compile_pattern(name, raw["id"], raw["pattern"])))
    any_rule = compile_pattern(name, "rules", "|".join(f"(?P<r{i}>{r.pattern.pattern})" for i, r in enumerate(rules_)))
    return SanctionRules(tuple(rules_), any_rule, compile_pattern(name, "planned", data["planned"]),
                         frozenset(data["by_roles"]), compile_pattern(name, "by_from", data["by_from"]),
                         tuple(sorted(data["target_particles"], key=len, reverse=True)), Scanner(any_rule))


def rules() -> SanctionRules:
    return load_resource("sanctions", prepare_rules)


def extract_sanctions(article: Article, found: Found) -> list[Mention]:
    r = rules()
    g = incident_rules().grammar
    story = Story.of(article, found)
    body = article.body
    mentions = []
    cues = r.cues.finditer_each([s.text for s in article.sentences])
    for index, sentence in enumerate(article.sentences):
        for match in cues[index]:
            rule = r.rules[matched_rule(match)]
            start, end = sentence.start + match.start(), sentence.start + match.end()
            v = story.view(index)
            cs, ce = v.clause_of(start)
            regulators = [o for o in v.orgs if o.type in g.regulator_types]
            by = None
            for o in sorted(regulators, key=lambda o: o.mention.start):
                if o.mention.start < start and (o.role in r.by_roles or r.by_from.search(body[o.mention.end:o.mention.end + 20])):
                    by = o.mention.value
            if by is None and index > 0:
                prev = story.view(index - 1).first_subject()
                by = prev[0] if prev and prev[1] in g.regulator_types else None
            companies = [o for o in v.orgs if o.type in g.company_types]
            targets = [o for o in companies if o.role == "oblique" and o.mention.start < start
                       and body.startswith(r.target_particles, o.mention.end)]
            before = [o for o in companies if o.mention.start < start]
            on = (targets[-1] if targets else before[-1] if before else None)
            on_key = on.mention.value if on else last_company_before(story, start)
            if on_key is None:
                continue
            amount = sanction_amount(found.of("money"), cs, start, end)
            status = "planned" if r.planned.search(body[end:ce]) else "decided"
            mentions.append(Mention(KIND, start, end, match.group(0), rule.type, f"sanction:{rule.id}", make_attrs(
                on=on_key, by=by, amount=amount.value if amount else None,
                amount_span=(amount.start, amount.end) if amount else None,
                date=decision_date(story, cs, start), status=status)))
    return mentions


def sanction_amount(money: list[Mention], clause_start: int, cue_start: int, cue_end: int) -> Mention | None:
    """The amount written right after the cue (과태료 960만원), else right before it (1347억원의 과징금).

    After wins: in 과징금 64억원과 과태료 1200만원, 64억원 ends just before 과태료 but is the fine's.
    """
    after = [m for m in money if cue_end <= m.start <= cue_end + 12]
    if after:
        return after[0]
    before = [m for m in money if clause_start <= m.start and m.end <= cue_start and cue_start - m.end <= 6]
    return before[-1] if before else None


def last_company_before(story: Story, offset: int) -> str | None:
    """The last company named before ``offset`` in the same paragraph."""
    companies = incident_rules().grammar.company_types
    para = next((p for p in story.article.paragraphs if p.start <= offset < p.end), None)
    lo = para.start if para else 0
    found = [m for m in story.found.starting_in(lo, offset, "organization")
             if (m.get("type") or "Company") in companies]
    return found[-1].value if found else None


def decision_date(story: Story, clause_start: int, cue: int) -> str | None:
    """A date in the clause before the cue that is no deadline and not about the incident itself."""
    body = story.article.body
    inc = incident_rules().any_type
    for d in reversed(story.dates_in(clause_start, cue)):
        if opens_range(body, d.end) or closes_range(body, d.end) or d.get("role") in ("start", "end") or d.get("modifier") not in (None, "approx"):
            continue
        if inc.search(body[d.end:cue]):
            return None
        return str(d.value)
    return None
