"""Incidents, and the figures that measure them; plus the clause grammar the story extractors share.

An incident mention is an incident noun (``해킹``, ``유출``, ``무단 소액결제``
...) with the organization it belongs to, decided by Korean grammar rather
than by proximity alone, in this order:

1. the noun phrase's owner: an organization directly before it, bare or with
   ``의``, with only noun-phrase words between (``SK텔레콤 해킹 사고``, ``KT의
   무단 소액결제``, ``LG유플러스 내부 서버 해킹 정황``);
2. the head of a relative clause holding the noun (``유출 의혹이 제기된 KT는``);
3. the clause's subject or topic (``SK텔레콤이 ... 유출된 사고``), never an
   organization in an oblique case (``KISA에 침해사고를 신고``);
4. the company the paragraph is about (the last subject or topic before).

Mention value: the organization key. ``attrs``: ``type`` (incident concept),
``family`` (breach, outage), ``suspected`` (정황, 의혹 ...), ``when`` (a date
naming when it happened, where one modifies it), ``how`` (which rule above).

A figure mention (kind ``figure``) is a quantity or money mention that
measures an incident (``피해자 362명``): value = measure concept,
``attrs``: ``number``, ``org``, ``superseded`` (an earlier value the text
corrects), ``source`` (kind, start, end of the quantity or money mention).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from kg.extract.korean import hangul_run_end
from kg.extract.temporal import closes_range
from kg.ingest import Article
from kg.mention import Found, Mention, make_attrs
from kg.resources import ResourceError, compile_pattern, load_resource, matched_rule, require
from kg.resources.scanner import Scanner

KIND = "incident"
FIGURE = "figure"


@dataclass(frozen=True)
class TypeRule:
    id: str
    type: str
    family: str
    pattern: re.Pattern


@dataclass(frozen=True)
class FigureRule:
    id: str
    measure: str
    kinds: tuple[str, ...]
    units: tuple[str, ...]
    cue: re.Pattern  # anchored at the end of the text before the number
    cue_after: re.Pattern | None  # anchored at the start of the text after it


@dataclass(frozen=True)
class Grammar:
    particle_role: dict[str, str]
    particles: tuple[str, ...]  # longest first
    clause_boundary: re.Pattern
    clause_boundaries: Scanner  # clause_boundary's matches, found quickly
    adnominal: re.Pattern
    np_word: re.Pattern
    np_max_words: int
    company_types: frozenset
    regulator_types: frozenset
    non_org_topics: re.Pattern


@dataclass(frozen=True)
class IncidentRules:
    types: tuple[TypeRule, ...]
    any_type: re.Pattern
    cues: Scanner  # any_type's matches, found quickly
    not_after: re.Pattern
    suspect_window: int
    suspected: re.Pattern
    grammar: Grammar
    figures: tuple[FigureRule, ...]
    figure_window: int
    window_days: int
    superseded_after: re.Pattern
    superseded_before: re.Pattern


def prepare_rules(data: dict) -> IncidentRules:
    name = "incidents"
    require(name, data, ("types", "particles", "clause_boundary", "adnominal", "figures"))
    types = []
    for raw in data["types"]:
        require(name, raw, ("id", "type", "family", "pattern", "examples"), raw.get("id") if isinstance(raw, dict) else None)
        types.append(TypeRule(raw["id"], raw["type"], raw["family"], compile_pattern(name, raw["id"], raw["pattern"])))
    any_type = compile_pattern(name, "types", "|".join(f"(?P<t{i}>{r.pattern.pattern})" for i, r in enumerate(types)))
    role = {}
    for r, words in data["particles"].items():
        for w in words:
            role.setdefault(w, r)
    clause_boundary = compile_pattern(name, "clause_boundary", data["clause_boundary"])
    grammar = Grammar(
        role, tuple(sorted(role, key=len, reverse=True)), clause_boundary, Scanner(clause_boundary),
        compile_pattern(name, "adnominal", data["adnominal"]),
        compile_pattern(name, "np_word", data.get("np_word", r"[가-힣A-Za-z0-9]+")),
        int(data.get("np_max_words", 4)),
        frozenset(data.get("company_types") or ()), frozenset(data.get("regulator_types") or ()),
        compile_pattern(name, "non_org_topics", data.get("non_org_topics", "(?!)")))
    figures = []
    for raw in data["figures"]:
        require(name, raw, ("id", "measure", "kinds", "cue", "examples"), raw.get("id") if isinstance(raw, dict) else None)
        figures.append(FigureRule(raw["id"], raw["measure"], tuple(raw["kinds"]), tuple(raw.get("units") or ()),
                                  compile_pattern(name, raw["id"], f"(?:{raw['cue']})\\s?\\(?$"),
                                  compile_pattern(name, raw["id"], raw["cue_after"]) if raw.get("cue_after") else None))
    if not figures or not types:
        raise ResourceError(name, None, "no rules")
    return IncidentRules(tuple(types), any_type, Scanner(any_type),
                         compile_pattern(name, "not_after", data.get("not_after", "(?!)")),
                         int(data.get("suspect_window", 12)), compile_pattern(name, "suspected", data["suspected"]),
                         grammar, tuple(figures), int(data.get("figure_window", 12)), int(data.get("cluster_window_days", 365)),
                         compile_pattern(name, "superseded_after", data.get("superseded_after", "(?!)")),
                         compile_pattern(name, "superseded_before", data.get("superseded_before", "(?!)")))


def rules() -> IncidentRules:
    return load_resource("incidents", prepare_rules)


# ---------------------------------------------------------------- clause grammar shared by the story extractors
@dataclass(frozen=True)
class OrgRef:
    """An organization mention with its grammatical role in the sentence."""

    mention: Mention
    role: str  # subject, topic, genitive, oblique, bare
    end: int  # where the name and its particles end (after a parenthesised alias)
    type: str


def org_type(m: Mention) -> str:
    return m.get("type") or "Company"


def _org_type_of(key: str | None) -> str:
    from kg.extract.organizations import lexicon
    entry = lexicon().entries.get(key or "")
    return entry.type if entry else "Company"


def particle_after(body: str, pos: int) -> tuple[str, int]:
    """(role, end) of the particle after a name ending at ``pos``; ``(SKT)`` aliases are skipped."""
    g = rules().grammar
    if body.startswith("(", pos):
        close = body.find(")", pos, pos + 30)
        if close > 0:
            pos = close + 1
    end = hangul_run_end(body, pos)
    rest = body[pos:end]
    if not rest:
        return "bare", pos
    role = g.particle_role.get(rest)  # the whole rest must be one particle
    if role is not None:
        return role, end
    return "word", end  # the name runs into a longer word: no particle of its own


class SentenceView:
    """One sentence's organizations with their roles, persons, and clause spans (body offsets)."""

    def __init__(self, article: Article, index: int, found: Found, boundaries: list[re.Match] | None = None):
        """``boundaries``: the clause boundaries of the sentence where already found (Story finds them all at once)."""
        g = rules().grammar
        self.article = article
        self.index = index
        span = article.sentences[index]
        self.start, self.end, self.text = span.start, span.end, span.text
        body = article.body
        self.orgs: list[OrgRef] = []
        for m in found.starting_in(self.start, self.end, "organization"):
            role, end = particle_after(body, m.end)
            self.orgs.append(OrgRef(m, role, end, org_type(m)))
        self.persons = [m for m in found.starting_in(self.start, self.end, "person") if m.get("org")]
        if boundaries is None:
            boundaries = g.clause_boundaries.finditer(self.text)
        cuts = [self.start] + [self.start + b.end() for b in boundaries] + [self.end]
        self.clauses = list(zip(cuts, cuts[1:]))

    def clause_of(self, offset: int) -> tuple[int, int]:
        for s, e in self.clauses:
            if s <= offset < e:
                return s, e
        return self.start, self.end

    def subject_before(self, offset: int, types: frozenset | None = None) -> str | None:
        """The last organization before ``offset`` that is a subject or topic (a person stands for its employer)."""
        best: tuple[int, str] | None = None
        for ref in self.orgs:
            if ref.mention.start < offset and ref.role in ("subject", "topic") and (types is None or ref.type in types):
                best = max(best or (-1, ""), (ref.mention.start, ref.mention.value))
        for p in self.persons:
            if p.start < offset and self._person_is_subject(p) and (types is None or _org_type_of(p.get("org")) in types):
                best = max(best or (-1, ""), (p.start, p.get("org")))
        return best[1] if best else None

    def _person_is_subject(self, p: Mention) -> bool:
        """``김영섭은``, ``김영섭 KT 대표는``, ``김영섭 대표가``: the name or its title carries the particle."""
        role, _ = particle_after(self.article.body, p.end)
        if role in ("subject", "topic"):
            return True
        words = self.article.body[p.end:p.end + 40].split()[:3]
        title = p.get("title", "")
        for w in words:
            if w.startswith(title) and particle_after(w, len(title))[0] in ("subject", "topic"):
                return True
        return False

    def first_subject(self) -> tuple[str, str] | None:
        """The organization key of the sentence's first subject or topic (a person stands for its employer)."""
        refs = [(r.mention.start, r.mention.value, r.type) for r in self.orgs if r.role in ("subject", "topic")]
        refs += [(p.start, p.get("org"), _org_type_of(p.get("org"))) for p in self.persons if self._person_is_subject(p)]
        return min(refs)[1:] if refs else None

    def topic_blocked(self) -> bool:
        """True when the sentence is about someone who is no organization (``한 관계자는``)."""
        return bool(rules().grammar.non_org_topics.search(self.text[:40]))


class Story:
    """Per-article reading state: sentence views and the company each sentence is about."""

    def __init__(self, article: Article, found: Found):
        self.article = article
        self.found = found
        self._views: dict[int, SentenceView] = {}
        self._about: dict[int, str | None] = {}
        self._people = self._people_count(found)
        self._boundaries: list[list[re.Match]] | None = None  # clause boundaries of every sentence

    @staticmethod
    def _people_count(found: Found) -> tuple[int, int]:
        return found.count("organization"), found.count("person")

    @classmethod
    def of(cls, article: Article, found: Found) -> Story:
        """The story of ``article``, shared by the story extractors that read it one after another.

        What a Story caches (sentence views, whom each sentence is about) is
        read from the organizations and persons found, which no story extractor
        adds to; sharing it builds each view once per article instead of once
        per extractor. A new one is made for another article or Found, or when
        organizations or persons were added since.
        """
        global _last_story
        story = _last_story
        if story is None or story.article is not article or story.found is not found \
                or story._people != cls._people_count(found):
            story = _last_story = cls(article, found)
        return story

    def view(self, index: int) -> SentenceView:
        v = self._views.get(index)
        if v is None:
            if self._boundaries is None:  # one scan of the article: most sentences get a view
                self._boundaries = rules().grammar.clause_boundaries.finditer_each(
                    [s.text for s in self.article.sentences])
            v = self._views[index] = SentenceView(self.article, index, self.found, self._boundaries[index])
        return v

    def about(self, index: int) -> str | None:
        """The company sentence ``index`` is about: its subject or topic, else the sentence before's."""
        if index in self._about:
            return self._about[index]
        companies = rules().grammar.company_types
        v = self.view(index)
        first = v.first_subject()
        if first is not None and first[1] not in companies:
            self._about[index] = None  # the sentence is about a regulator or another body
            return None
        org = v.subject_before(v.end, companies)
        if org is None:
            own = [r for r in v.orgs if r.type in companies and r.role in ("bare", "genitive", "subject", "topic")]
            if own and len({r.mention.value for r in own}) == 1:
                org = own[0].mention.value
        if org is None and index > 0 and not v.topic_blocked():
            same_paragraph = self._same_paragraph(index - 1, index)
            org = self.about(index - 1) if same_paragraph or index <= 1 else None
        self._about[index] = org
        return org

    def _same_paragraph(self, i: int, j: int) -> bool:
        a, b = self.article.sentences[i].start, self.article.sentences[j].start
        return not any(p.start <= a < p.end and not (p.start <= b < p.end) for p in self.article.paragraphs)

    def actor(self, index: int, offset: int, types: frozenset | None = None) -> str | None:
        """Who does what the word at ``offset`` says: the clause's subject, else the sentence's company."""
        v = self.view(index)
        return v.subject_before(offset, types or rules().grammar.company_types) or self.about(index)

    def dates_in(self, start: int, end: int) -> list[Mention]:
        return [m for m in self.found.starting_in(start, end, "date") if m.value is not None]

    def durations_in(self, start: int, end: int) -> list[Mention]:
        return [m for m in self.found.starting_in(start, end, "duration") if m.value is not None]


_last_story: Story | None = None  # see Story.of


# ---------------------------------------------------------------- incidents
def owner(story: Story, index: int, start: int, end: int) -> tuple[str | None, str]:
    """The organization an incident noun at [start, end) belongs to, and which grammar rule said so."""
    g = rules().grammar
    v = story.view(index)
    body = story.article.body
    companies = g.company_types
    clause_start, clause_end = v.clause_of(start)
    # 1. noun phrase owner: ORG [의] w1 w2 ... CUE
    before = [r for r in v.orgs if r.mention.end <= start and r.role in ("bare", "genitive", "word", "subject")]
    for ref in sorted(before, key=lambda r: -r.mention.end):
        between = body[ref.end:start].strip()
        words = between.split()
        if len(words) <= g.np_max_words and all(g.np_word.fullmatch(w) for w in words) and (
                ref.role != "subject" or len(words) <= 2) and ref.type in companies:
            # a subject may own the noun only through a short phrase ("KT 서버 94대가 악성코드")
            if ref.role == "subject" and not words:
                return ref.mention.value, "subject-np"
            if ref.role != "subject":
                return ref.mention.value, "noun-phrase"
        break
    # 2. relative clause: CUE ... 된 ORG
    after = [r for r in v.orgs if r.mention.start >= end and r.mention.start < clause_end + 40]
    for ref in sorted(after, key=lambda r: r.mention.start)[:1]:
        lead = body[end:ref.mention.start].rstrip()
        if ref.type in companies and g.adnominal.search(lead) and len(lead.split()) <= 6 \
                and not any(r.mention.end <= ref.mention.start and r.mention.start >= end for r in v.orgs if r is not ref):
            return ref.mention.value, "relative-clause"
    # 3. the clause's subject or topic
    subj = v.subject_before(start, companies)
    if subj:
        return subj, "subject"
    # 4. the company the sentence or paragraph is about
    about = story.about(index)
    return (about, "context") if about else (None, "none")


def extract_incidents(article: Article, found: Found) -> list[Mention]:
    r = rules()
    story = Story.of(article, found)
    mentions = []
    cues = r.cues.finditer_each([s.text for s in article.sentences])
    for index, sentence in enumerate(article.sentences):
        for match in cues[index]:
            rule = r.types[matched_rule(match)]
            after = sentence.text[match.end():]
            if r.not_after.search(after):
                continue
            start = sentence.start + match.start()
            end = sentence.start + match.end()
            org, how = owner(story, index, start, end)
            if org is None:
                continue
            suspected = bool(r.suspected.search(after[: r.suspect_window]))
            when = occurrence_date(story, index, start)
            mentions.append(Mention(KIND, start, end, match.group(0), org, f"incident:{rule.id}",
                                    make_attrs(type=rule.type, family=rule.family, suspected=suspected,
                                               when=when, how=how)))
    return mentions


def occurrence_date(story: Story, index: int, start: int) -> str | None:
    """A date that says when the incident happened: in its clause, before it, not a deadline (``까지``)."""
    v = story.view(index)
    cs, _ce = v.clause_of(start)
    body = story.article.body
    for d in reversed(story.dates_in(cs, start)):
        if start - d.end > 40 or closes_range(body, d.end) or d.get("role") == "end":
            continue
        return str(d.value)
    return None


# ---------------------------------------------------------------- figures
def extract_figures(article: Article, found: Found) -> list[Mention]:
    r = rules()
    story = Story.of(article, found)
    incident_orgs = {m.value for m in found.of(KIND)}
    mentions = []
    body = article.body
    last: Mention | None = None
    for m in found.of("quantity", "money"):
        index = article.sentence_at(m.start)
        if last is not None and last.get("superseded") and last.get("unit") == m.get("unit") \
                and r.superseded_after.search(body[last.end:m.start]) and m.start - last.end <= 8:
            # "278명에서 362명으로": the new value measures what the old one did
            last = Mention(FIGURE, m.start, m.end, m.surface, last.value, last.rule, make_attrs(
                number=m.value, org=last.get("org"), superseded=False, source=(m.kind, m.start, m.end),
                unit=m.get("unit")))
            mentions.append(last)
            continue
        v = story.view(index)
        cs, _ce = v.clause_of(m.start)
        before = body[max(cs, m.start - r.figure_window - 20):m.start]
        for rule in r.figures:
            if m.kind not in rule.kinds or (rule.units and m.get("unit") not in rule.units):
                continue
            if not rule.cue.search(before) and not (rule.cue_after and rule.cue_after.search(body[m.end:m.end + 40])):
                continue
            org = _figure_org(story, index, m.start, incident_orgs)
            if org is None:
                break
            superseded = bool(r.superseded_after.search(body[m.end:m.end + 4])) or bool(
                r.superseded_before.search(body[max(cs, m.start - 30):m.start]))
            mentions.append(Mention(FIGURE, m.start, m.end, m.surface, rule.measure, f"figure:{rule.id}",
                                    make_attrs(number=m.value, org=org, superseded=superseded,
                                               source=(m.kind, m.start, m.end), unit=m.get("unit"))))
            last = mentions[-1]
            break
    return mentions


def _figure_org(story: Story, index: int, offset: int, incident_orgs: set) -> str | None:
    v = story.view(index)
    companies = rules().grammar.company_types
    near = [r for r in v.orgs if r.mention.end <= offset and r.type in companies and r.mention.value in incident_orgs]
    if near:
        return max(near, key=lambda r: r.mention.end).mention.value
    org = story.about(index)
    return org if org in incident_orgs else None


@lru_cache(maxsize=None)
def type_family() -> dict[str, str]:
    return {t.type: t.family for t in rules().types}
