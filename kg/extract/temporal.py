"""Korean dates, months, years, periods and durations, resolved against the publication date.

The words live in ``kg/resources/temporal.yaml``; this module holds the
patterns' shape, the calendar arithmetic and the context that carries a year
or a month from one expression to the next. It is a small rule engine in the
manner of HeidelTime (patterns + normalization tables + rules joined by name),
not a parser: every pattern is compiled once, and an article is read with a
handful of regular-expression passes, each one scan of the whole article
(:meth:`kg.resources.scanner.Scanner.finditer_each`).

Mentions
--------
kind ``"date"``: a calendar day, month or year the text names, or a vague
time expression kept without a value.

- ``value``: ``"2026-01-13"`` (day), ``"2026-08"`` (month), ``"2026"`` (year),
  or ``None`` for a vague expression (최근, 상반기, 당시, 매월 25일, an
  unanchored 사흘 뒤).
- ``attrs``:

  - ``granularity``: ``"day"`` | ``"month"`` | ``"year"`` (absent without a value);
  - ``anchor``: ISO date the value was resolved against: the publication date
    (Korea time), or the earlier day a relative expression counts from
    (이튿날인 19일 -> the 18th named before);
  - ``basis``: how the value was found: ``absolute`` (2025년 4월 22일),
    ``publication`` (이달, 지난 18일, bare 30일), ``sentence`` (a month carried
    from an earlier date in the sentence), ``paragraph`` (a year carried from
    an earlier date in the paragraph), ``weekday`` (1.22(목): the year whose
    calendar fits the weekday);
  - ``modifier``: vagueness kept with the value or instead of it: ``start``
    (초), ``mid`` (중순), ``end`` (말: the value is then the month, never a made-up
    last day), ``approx`` (께, 경), ``within`` (중), ``recurring`` (매월),
    ``recent``, ``year-end``, ``first-half`` ... for valueless words;
  - ``role``: ``"start"`` when the date opens a period (``부터``, ``~``, ``에서``),
    ``"end"`` when it closes one (``까지``, ``사이``);
  - ``range``: a string id shared by the two ends of one period written
    ``A부터 B까지``, ``A~B``, ``8~12월``, ``A부터 B 사이`` (both ends carry it;
    the start has role ``start``, the end role ``end``). A date with a role and
    no ``range`` is a period open on one side (``지난달 30일까지``).

kind ``"duration"``: a length of time (2주간, 6개월, 3년간, 다섯 달 동안,
하루 만, 48시간). Never a date.

- ``value``: an ``xsd:duration`` string: ``"P14D"`` (weeks are written as days),
  ``"P6M"``, ``"P2Y"``, ``"PT48H"``;
- ``attrs``: ``amount`` (int), ``unit`` (``Y``, ``M``, ``W``, ``D``, ``H``, ``MIN``),
  ``qualifier`` (이상, 남짓, 여, 가량 ... where written).

A remedy extractor reads a period as: the ``date`` mentions of a sentence with
``role`` start/end (paired by ``range`` where present) and the ``duration``
mentions beside them.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import MAXYEAR, MINYEAR, date, timedelta
from typing import Iterator

from kg.extract.korean import ends_word, is_hangul
from kg.ingest import Article, Span
from kg.mention import Found, Mention, make_attrs
from kg.resources import ResourceError, compile_pattern, load_resource, require
from kg.resources.scanner import Scanner

RESOURCE = "temporal"
DATE, DURATION = "date", "duration"
RANGE_DASHES = "~∼〜～"
_L = r"(?<![\d.,:])"  # no number just before a numeral
_H = r"(?<![가-힣])"  # a Korean word starts here


@dataclass(frozen=True)
class DayWord:
    offset: int
    anchors: tuple[str, ...]


@dataclass(frozen=True)
class TemporalRules:
    passes: tuple[tuple[str, re.Pattern], ...]  # (rule id, pattern), in priority order
    scanners: tuple[Scanner, ...]  # one per pass: its non-empty matches, found quickly
    year_words: dict
    year_prefix: dict
    month_words: dict
    day_words: dict
    day_counts: dict
    count_after: frozenset
    count_anchor: tuple
    past: frozenset
    future: frozenset
    parts: dict
    keep_day: frozenset
    vague: dict
    units: dict
    suffixes: dict
    duration_words: dict
    native: dict
    weekdays: tuple
    range_open: tuple
    range_close: tuple
    endings: tuple
    examples: tuple = field(default=())  # (rule id, example dict)


_KINDS = ("year_words", "year_number", "month_words", "month_number", "day_number", "direction", "day_words",
          "day_counts", "dotted", "parts", "vague", "recurring", "durations")


def _words(table) -> str:
    """An alternation of words in which a written space may also be left out."""
    return "|".join(re.escape(w).replace(r"\ ", r"\s?") for w in sorted(set(table), key=lambda w: (-len(w), w)))


def prepare_temporal(data: dict) -> TemporalRules:
    require(RESOURCE, data, ("native_numerals", "weekdays", "range_open", "range_close", "date_word_endings", "rules"))
    rules: dict[str, dict] = {}
    examples = []
    for rule in data["rules"]:
        rid = rule.get("id") if isinstance(rule, dict) else None
        require(RESOURCE, rule, ("id", "kind", "examples"), rid)
        if rule["kind"] not in _KINDS:
            raise ResourceError(RESOURCE, rid, f"unknown kind {rule['kind']!r} (one of {', '.join(_KINDS)})")
        if rule["kind"] in rules:
            raise ResourceError(RESOURCE, rid, f"a second rule of kind {rule['kind']!r}")
        if not isinstance(rule["examples"], list) or not rule["examples"]:
            raise ResourceError(RESOURCE, rid, "examples must be a non-empty list")
        for ex in rule["examples"]:
            require(RESOURCE, ex, ("text", "published"), rid)
            if "dates" not in ex and "durations" not in ex:
                raise ResourceError(RESOURCE, rid, f"example {ex['text']!r} expects neither dates nor durations")
            examples.append((rid, ex))
        rules[rule["kind"]] = rule
    missing = [k for k in _KINDS if k not in rules]
    if missing:
        raise ResourceError(RESOURCE, None, f"no rule of kind {', '.join(missing)}")

    def table(kind, key="table", value_type=None):
        t = rules[kind].get(key)
        if not isinstance(t, dict) or not t:
            raise ResourceError(RESOURCE, rules[kind]["id"], f"{key!r} must be a non-empty mapping")
        if value_type:
            for word, value in t.items():
                if value is not None and not isinstance(value, value_type):
                    raise ResourceError(RESOURCE, rules[kind]["id"], f"{word!r}: {value!r} is not {value_type.__name__}")
        return {str(k): v for k, v in t.items()}

    def words(kind, key):
        w = rules[kind].get(key)
        if not isinstance(w, list) or not w:
            raise ResourceError(RESOURCE, rules[kind]["id"], f"{key!r} must be a non-empty list")
        return [str(x) for x in w]

    year_words = table("year_words", value_type=int)
    year_prefix = table("year_words", "prefix_only", int)
    month_words = table("month_words", value_type=int)
    day_words, day_word_forms = {}, []
    for entry in rules["day_words"].get("table") or []:
        require(RESOURCE, entry, ("words", "offset", "anchor"), rules["day_words"]["id"])
        bad = set(entry["anchor"]) - {"sentence", "paragraph", "publication"}
        if bad:
            raise ResourceError(RESOURCE, rules["day_words"]["id"], f"unknown anchor {sorted(bad)}")
        for w in entry["words"]:
            day_word_forms.append(str(w))
            day_words[_squash(w)] = DayWord(int(entry["offset"]), tuple(entry["anchor"]))
    day_counts = table("day_counts", value_type=int)
    count_after, count_before = words("day_counts", "after"), words("day_counts", "before")
    joiners = words("day_counts", "joiners")
    past, future = words("direction", "past"), words("direction", "future")
    parts = table("parts", value_type=str)
    vague = table("vague", value_type=str)
    recurring = words("recurring", "prefixes")
    dur = rules["durations"]
    units = table("durations", "units", str)
    bad = {u for u, d in units.items() if d not in ("Y", "M", "W", "D", "H", "MIN")}
    if bad:
        raise ResourceError(RESOURCE, dur["id"], f"unknown duration designator for {sorted(bad)}")
    native_units = words("durations", "native_units")
    need_suffix = words("durations", "need_suffix")
    suffixes = table("durations", "suffixes")
    duration_words = table("durations", "words", str)
    native = {str(k): int(v) for k, v in data["native_numerals"].items()}
    for name, t in (("native_units", native_units), ("need_suffix", need_suffix)):
        if set(t) - set(units):
            raise ResourceError(RESOURCE, dur["id"], f"{name} names units not in units: {sorted(set(t) - set(units))}")
    weekdays = tuple(str(w) for w in data["weekdays"])
    if len(weekdays) != 7:
        raise ResourceError(RESOURCE, None, "weekdays must list seven names, Monday first")

    c = lambda rid, pattern: (rid, compile_pattern(RESOURCE, rid, pattern))
    dash = f"[{RANGE_DASHES}]"
    wd = f"\\s?\\((?P<wd>{'|'.join(map(re.escape, weekdays))})\\)"
    direction = _words(past + future)
    year = (rf"(?:{_L}(?P<y>(?:19|20)\d{{2}})\s?{re.escape(rules['year_number']['word'])}"
            rf"|{_H}(?P<yw>{_words(year_words)})"
            rf"|{_H}(?P<yp>{_words(year_prefix)})(?=\s?\d{{1,2}}\s?{re.escape(rules['month_number']['word'])}))")
    month = (rf"(?:{_L}(?P<m>\d{{1,2}})(?:\s?{dash}\s?(?P<m2>\d{{1,2}}))?\s?{re.escape(rules['month_number']['word'])}"
             rf"|{_H}(?P<mw>{_words(month_words)}))")
    day = rf"{_L}(?P<d>\d{{1,2}})(?:\s?{dash}\s?(?P<d2>\d{{1,2}}))?\s?{re.escape(rules['day_number']['word'])}"
    parts_alt = _words(parts)
    suffix_alt = _words(suffixes)
    free_units = [u for u in units if u not in need_suffix]
    join = _words(joiners)
    unit_words = "|".join(re.escape(rules[k]["word"]) for k in ("year_number", "month_number", "day_number"))
    day_word = re.escape(rules["day_number"]["word"])
    passes = (
        c("dotted", rf"{_L}(?P<y>(?:19|20)\d{{2}})\s?(?P<sep>[./-])\s?(?P<m>\d{{1,2}})\s?(?P=sep)\s?(?P<d>\d{{1,2}})(?![\d%])\.?(?:{wd})?"),
        c("dotted", rf"{_H}(?P<dir>{direction})\s?(?P<m>\d{{1,2}})\.(?P<d>\d{{1,2}})(?![\d.%]|\s?[KMGT]B)(?:{wd})?"),
        c("dotted", rf"{_L}(?P<m>\d{{1,2}})\.(?P<d>\d{{1,2}}){wd}"),
        c("recurring", rf"{_H}(?P<rec>{_words(recurring)})\s?(?:\d{{1,2}}\s?월\s?)?(?:\d{{1,2}}\s?{day_word})?"),
        c("day-words", rf"{_H}(?P<dw>{_words(day_word_forms)})(?:\s?(?P<j>{join})\s?(?P<jd>\d{{1,2}})\s?{day_word})?"),
        c("day-counts", rf"(?:{_H}(?P<cw>{_words(day_counts)})|{_L}(?P<cn>\d{{1,3}})\s?{day_word})\s?"
                        rf"(?P<cdir>{_words(count_after + count_before)})(?:\s?(?P<j>{join})\s?(?P<jd>\d{{1,2}})\s?{day_word})?"),
        c("durations", rf"{_H}(?P<dword>{_words(duration_words)})(?:\s?(?P<ds>{suffix_alt}))?"),
        c("day-counts", rf"{_H}(?P<dcw>{_words(day_counts)})(?:\s?(?P<ds>{suffix_alt}))?"),
        c("durations", rf"(?:{_L}(?P<dn>\d{{1,3}})|{_H}(?P<dnn>{_words(native)})(?=\s?(?:{_words(native_units)})))\s?"
                       rf"(?:(?P<du>{_words(free_units)})(?:\s?(?P<ds>{suffix_alt}))?|(?P<du2>{_words(need_suffix)})\s?(?P<ds2>{suffix_alt}))"),
        c("date", rf"(?=(?:(?:{direction})\s?)?(?:\d{{1,4}}\s?(?:{dash}\s?\d{{1,2}}\s?)?(?:{unit_words})|{_words(year_words)}|"
                  rf"{_words(year_prefix)}|{_words(month_words)}))"
                  rf"(?:{_H}(?P<dir>{direction})\s?(?=\d))?(?:{year}\s?)?(?:{month}\s?)?(?:{day})?"
                  rf"(?:\s?(?P<part>{parts_alt}))?"),
        c("vague", rf"{_H}(?P<vg>{_words(vague)})"),
    )
    return TemporalRules(
        passes=passes, scanners=tuple(Scanner(pattern) for _rid, pattern in passes),
        year_words={_squash(k): v for k, v in year_words.items()},
        year_prefix={_squash(k): v for k, v in year_prefix.items()},
        month_words={_squash(k): v for k, v in month_words.items()}, day_words=day_words,
        day_counts=day_counts, count_after=frozenset(count_after), count_anchor=tuple(rules["day_counts"].get("anchor") or ()),
        past=frozenset(past), future=frozenset(future), parts=parts,
        keep_day=frozenset(rules["parts"].get("keep_day") or ()), vague={_squash(k): v for k, v in vague.items()},
        units=units, suffixes={_squash(k): v for k, v in suffixes.items()}, duration_words=duration_words,
        native=native, weekdays=weekdays, range_open=tuple(data["range_open"]),
        range_close=tuple(data["range_close"]), endings=tuple(sorted(data["date_word_endings"], key=len, reverse=True)),
        examples=tuple(examples))


_SPACES = re.compile(r"\s+")


def _squash(word: str) -> str:
    return _SPACES.sub("", word)


def rules() -> TemporalRules:
    return load_resource(RESOURCE, prepare_temporal)


def opens_range(text: str, pos: int) -> bool:
    """Does a range connector that opens a period (부터, ~ ...; temporal.yaml range_open) start at ``pos``?"""
    return text.startswith(rules().range_open, pos)


def closes_range(text: str, pos: int) -> bool:
    """Does a connector that closes a period (까지, 사이; temporal.yaml range_close) start at ``pos``?"""
    return text.startswith(rules().range_close, pos)


# ---------------------------------------------------------------- calendar arithmetic
def add_months(year: int, month: int, offset: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + offset
    return index // 12, index % 12 + 1


def make_date(year: int, month: int, day: int) -> date | None:
    """The date, or None where the calendar has none (2월 30일, or a year before 1 or after 9999, which an
    article dated 0001-01-01 reaches with 지난 1일)."""
    if not (MINYEAR <= year <= MAXYEAR) or not (1 <= month <= 12) \
            or not (1 <= day <= calendar.monthrange(year, month)[1]):
        return None
    return date(year, month, day)


@dataclass
class Value:
    """A resolved time: its ISO value and how it was found."""

    iso: str | None
    granularity: str | None
    anchor: date | None
    basis: str | None
    modifier: str | None = None

    @property
    def day(self) -> date | None:
        return date.fromisoformat(self.iso) if self.granularity == "day" else None

    @property
    def year_month(self) -> tuple[int, int] | None:
        if self.granularity in ("day", "month"):
            return int(self.iso[:4]), int(self.iso[5:7])
        return None

    @property
    def year(self) -> int | None:
        return int(self.iso[:4]) if self.iso else None


def day_value(d: date | None, anchor: date, basis: str, modifier: str | None = None) -> Value:
    if d is None:
        return Value(None, None, None, None, modifier)
    return Value(d.isoformat(), "day", anchor, basis, modifier)


def month_value(year: int, month: int, anchor: date, basis: str, modifier: str | None = None) -> Value:
    if not 1 <= month <= 12 or not MINYEAR <= year <= MAXYEAR:
        return Value(None, None, None, None, modifier)
    return Value(f"{year:04d}-{month:02d}", "month", anchor, basis, modifier)


def year_value(year: int, anchor: date, basis: str, modifier: str | None = None) -> Value:
    if not MINYEAR <= year <= MAXYEAR:
        return Value(None, None, None, None, modifier)
    return Value(f"{year:04d}", "year", anchor, basis, modifier)


class Context:
    """What carries from one expression to the next: the month within a sentence, the year within a paragraph."""

    def __init__(self, published: date):
        self.pub = published
        self.para_year: int | None = None
        self.para_day: date | None = None
        self.sent_month: tuple[int, int] | None = None
        self.sent_month_anchor: date | None = None
        self.sent_day: date | None = None

    def new_paragraph(self):
        self.para_year = self.para_day = None
        self.new_sentence()

    def new_sentence(self):
        self.sent_month = self.sent_month_anchor = self.sent_day = None

    def saw(self, v: Value):
        if not v.iso:
            return
        self.para_year = v.year
        if v.year_month:
            self.sent_month = v.year_month
            self.sent_month_anchor = v.day or self.pub
        if v.day:
            self.sent_day = self.para_day = v.day

    def anchor(self, chain) -> tuple[date | None, str | None]:
        for name in chain:
            found = {"sentence": self.sent_day, "paragraph": self.para_day, "publication": self.pub}[name]
            if found:
                return found, name
        return None, None

    def bare_day(self, d: int, modifier=None) -> Value:
        """A day with no month written: of the month named earlier in the sentence, else of publication."""
        if self.sent_month:
            return day_value(make_date(*self.sent_month, d), self.sent_month_anchor, "sentence", modifier)
        return day_value(make_date(self.pub.year, self.pub.month, d), self.pub, "publication", modifier)


# ---------------------------------------------------------------- finding
@dataclass
class Candidate:
    start: int  # offsets in the sentence
    end: int
    rule: str
    priority: int
    match: re.Match


_CORE = ("y", "yw", "yp", "m", "mw", "d")


def _word_end_ok(r: TemporalRules, text: str, end: int) -> bool:
    if ends_word(text, end):
        return True
    rest = text[end:end + 4]
    return any(rest.startswith(e) and ends_word(text, end + len(e)) for e in r.endings)


def candidates(r: TemporalRules, text: str, matches: list[list[re.Match]] | None = None) -> list[Candidate]:
    """Every pass's matches that end a word; overlaps are settled by position, then priority, then length.

    ``matches``: each pass's matches in ``text`` where already found (Scanner.finditer_each).
    """
    if matches is None:
        matches = [list(scanner.finditer(text)) for scanner in r.scanners]  # an empty match names nothing
    found = []
    for priority, pass_matches in enumerate(matches):
        if not pass_matches:
            continue
        rid, pattern = r.passes[priority]
        is_date, has_part = rid == "date", "part" in pattern.groupindex
        for m in pass_matches:
            start, end = m.start(), m.end()
            if is_date and not any(m.group(*_CORE)):
                continue
            while end > start and text[end - 1].isspace():
                end -= 1
            if has_part and m.group("part"):
                if not _word_end_ok(r, text, end):
                    end = m.start("part")
                    while end > start and text[end - 1].isspace():
                        end -= 1
            if is_hangul(text[end - 1]) or text[end - 1].isdigit():
                if not _word_end_ok(r, text, end):
                    continue
            found.append(Candidate(start, end, rid, priority, m))
    found.sort(key=lambda c: (c.start, c.priority, -(c.end - c.start)))
    chosen, last_end = [], -1
    for cand in found:
        if cand.start >= last_end:
            chosen.append(cand)
            last_end = cand.end
    return chosen


def _g(m: re.Match, name: str):
    return m.group(name) if name in m.re.groupindex else None


# ---------------------------------------------------------------- resolving
@dataclass
class Piece:
    start: int
    end: int
    kind: str
    value: str | None
    rule: str
    attrs: dict


def resolve(r: TemporalRules, ctx: Context, text: str, cand: Candidate) -> list[Piece]:
    m, rid = cand.match, cand.rule
    pub = ctx.pub
    has_part = _g(m, "part") and m.end("part") <= cand.end

    def piece(start, end, v: Value, **extra):
        ctx.saw(v)
        return Piece(start, end, DATE, v.iso, rid, {
            "granularity": v.granularity, "anchor": v.anchor.isoformat() if v.anchor and v.iso else None,
            "basis": v.basis if v.iso else None, "modifier": v.modifier, **extra})

    if _g(m, "vg"):
        return [piece(cand.start, cand.end, Value(None, None, None, None, r.vague[_squash(m.group("vg"))]))]
    if _g(m, "rec"):
        return [piece(cand.start, cand.end, Value(None, None, None, None, "recurring"))]
    if _g(m, "dword") or _g(m, "dcw") or _g(m, "dn") or _g(m, "dnn"):
        return [_duration(r, m, cand)]
    if _g(m, "dw") or _g(m, "cw") or _g(m, "cn"):
        if _g(m, "dw"):
            word = r.day_words[_squash(m.group("dw"))]
            offset, chain = word.offset, word.anchors
        else:
            n = r.day_counts[m.group("cw")] if m.group("cw") else int(m.group("cn"))
            offset = n if m.group("cdir") in r.count_after else -n
            chain = r.count_anchor
        anchor, basis = ctx.anchor(chain)
        target = anchor + timedelta(days=offset) if anchor else None
        jd = _g(m, "jd")
        if jd:
            if target and target.day == int(jd):
                return [piece(cand.start, cand.end, day_value(target, anchor, basis))]
            return [piece(cand.start, cand.end, ctx.bare_day(int(jd)))]
        if target is None:
            return [piece(cand.start, cand.end, Value(None, None, None, None, "relative"))]
        return [piece(cand.start, cand.end, day_value(target, anchor, basis))]
    if rid == "dotted":
        y, mo, d = _g(m, "y"), int(m.group("m")), int(m.group("d"))
        if y:
            return [piece(cand.start, cand.end, day_value(make_date(int(y), mo, d), pub, "absolute"))]
        if _g(m, "dir"):
            return [piece(cand.start, cand.end, _directed(r, pub, m.group("dir"), mo, d))]
        weekday = r.weekdays.index(m.group("wd"))
        for year in sorted(range(pub.year - 1, pub.year + 2), key=lambda y: abs(y - pub.year)):
            d0 = make_date(year, mo, d)
            if d0 and d0.weekday() == weekday and abs((d0 - pub).days) < 300:
                return [piece(cand.start, cand.end, day_value(d0, pub, "weekday"))]
        return [piece(cand.start, cand.end, Value(None, None, None, None, "unresolved"))]
    # the general Korean date: [지난|오는] [year] [month] [day] [part]
    modifier = r.parts[_squash(m.group("part"))] if has_part else None
    direction = _g(m, "dir")
    y, yw, yp, mo, mo2, mw, d, d2 = m.group("y", "yw", "yp", "m", "m2", "mw", "d", "d2")
    year = int(y) if y else pub.year + r.year_words[_squash(yw)] if yw else pub.year + r.year_prefix[_squash(yp)] if yp else None
    basis = "absolute" if y else "publication"
    if mw:
        yy, mm = add_months(pub.year, pub.month, r.month_words[_squash(mw)])
        if d:
            return _days(ctx, cand, piece, yy, mm, int(d), d2, pub, "publication", modifier)
        return [piece(cand.start, cand.end, month_value(yy, mm, pub, "publication", modifier))]
    if mo:
        mm = int(mo)
        if year is None:
            if direction:
                ref = int(d) if d else None
                v = _directed(r, pub, direction, mm, ref)
                year, basis = (v.year, "publication") if v.iso else (pub.year, "publication")
            elif ctx.para_year is not None:
                year, basis = ctx.para_year, "paragraph"
            else:
                year = pub.year
        if mo2:
            mm2 = int(mo2)
            rng = f"{cand.start}-{cand.end}"
            first = piece(cand.start, m.end("m"), month_value(year, mm, pub, basis), role="start", range=rng)
            year2 = year + 1 if mm2 < mm else year
            last = piece(m.start("m2"), cand.end, month_value(year2, mm2, pub, basis, modifier), role="end", range=rng)
            return [first, last]
        if d:
            return _days(ctx, cand, piece, year, mm, int(d), d2, pub, basis, modifier)
        return [piece(cand.start, cand.end, month_value(year, mm, pub, basis, modifier))]
    if d:
        if year is not None:  # 2025년 22일: not a date we can trust
            return [piece(cand.start, cand.end, Value(None, None, None, None, "unresolved"))]
        if direction:
            v = _directed(r, pub, direction, None, int(d))
            if d2 or not v.iso:
                return [piece(cand.start, cand.end, v)]
            v.modifier = modifier if modifier in r.keep_day else v.modifier
            return [piece(cand.start, cand.end, v)]
        if ctx.sent_month:
            yy, mm = ctx.sent_month
            anchor, basis = ctx.sent_month_anchor, "sentence"
        else:
            yy, mm, anchor, basis = pub.year, pub.month, pub, "publication"
        return _days(ctx, cand, piece, yy, mm, int(d), d2, anchor, basis, modifier)
    if year is not None:
        return [piece(cand.start, cand.end, year_value(year, pub, basis, modifier))]
    return []


def _days(ctx, cand, piece, yy, mm, d, d2, anchor, basis, modifier) -> list[Piece]:
    m = cand.match
    keep = modifier in rules().keep_day
    if d2:
        rng = f"{cand.start}-{cand.end}"
        first = piece(cand.start, m.end("d"), day_value(make_date(yy, mm, d), anchor, basis), role="start", range=rng)
        y2, m2 = (yy, mm) if int(d2) >= d else add_months(yy, mm, 1)
        last = piece(m.start("d2"), cand.end, day_value(make_date(y2, m2, int(d2)), anchor, basis), role="end", range=rng)
        return [first, last]
    if modifier and not keep:  # 18일 말 makes no sense; keep the day, drop nothing
        modifier = None
    return [piece(cand.start, cand.end, day_value(make_date(yy, mm, d), anchor, basis, modifier))]


def _directed(r: TemporalRules, pub: date, direction: str, month: int | None, day: int | None) -> Value:
    """지난/오는 + month and/or day: the latest such date before publication, or the next one from it."""
    past = direction in r.past
    if month is None:  # 지난 18일, 오는 13일
        if past:
            yy, mm = (pub.year, pub.month) if day < pub.day else add_months(pub.year, pub.month, -1)
        else:
            yy, mm = (pub.year, pub.month) if day >= pub.day else add_months(pub.year, pub.month, 1)
        return day_value(make_date(yy, mm, day), pub, "publication")
    if past:
        yy = pub.year if (month, day or 1) <= (pub.month, pub.day) else pub.year - 1
    else:
        yy = pub.year if (month, day or 31) >= (pub.month, pub.day) else pub.year + 1
    if day is None:
        return month_value(yy, month, pub, "publication")
    return day_value(make_date(yy, month, day), pub, "publication")


def _duration(r: TemporalRules, m: re.Match, cand: Candidate) -> Piece:
    suffix = _g(m, "ds") or _g(m, "ds2")
    qualifier = r.suffixes.get(_squash(suffix)) if suffix else None
    if _g(m, "dword"):
        value = r.duration_words[m.group("dword")]
        amount, unit = None, None
    else:
        if _g(m, "dcw"):
            amount, unit = r.day_counts[m.group("dcw")], "D"
        else:
            amount = int(m.group("dn")) if _g(m, "dn") else r.native[m.group("dnn")]
            unit = r.units[_squash(m.group("du") or m.group("du2"))]
        value = iso_duration(amount, unit)
    return Piece(cand.start, cand.end, DURATION, value, cand.rule,
                 {"amount": amount, "unit": unit, "qualifier": qualifier})


def iso_duration(amount: int, unit: str) -> str:
    if unit == "W":
        return f"P{amount * 7}D"
    if unit == "H":
        return f"PT{amount}H"
    if unit == "MIN":
        return f"PT{amount}M"
    return f"P{amount}{unit}"


# ---------------------------------------------------------------- periods
def link_periods(r: TemporalRules, text: str, pieces: list[Piece]) -> None:
    """Roles from the connectors around dates (부터/까지/~), and one range id for both ends of a period."""
    dates = [p for p in pieces if p.kind == DATE]
    for p in dates:
        after = text[p.end:p.end + 3].lstrip()
        if "role" not in p.attrs or p.attrs.get("role") is None:
            if after.startswith(r.range_open):
                p.attrs["role"] = "start"
            elif text[p.end:p.end + 4].lstrip().startswith(r.range_close):
                p.attrs["role"] = "end"
    for a, b in zip(dates, dates[1:]):
        if a.attrs.get("range") or b.attrs.get("range"):
            continue
        between = text[a.end:b.start].strip()
        if between in r.range_open and b.attrs.get("role") in ("end", None):
            rng = f"{a.start}-{b.end}"
            a.attrs.update(role="start", range=rng)
            b.attrs.update(role="end", range=rng)


# ---------------------------------------------------------------- the extractor
def tag_sentences(body: str, paragraphs: list[list[Span]], published: date) -> list[Mention]:
    """Date and duration mentions of ``body``, read paragraph by paragraph, sentence by sentence."""
    r = rules()
    ctx = Context(published)
    out: list[Mention] = []
    texts = [s.text for sentences in paragraphs for s in sentences]
    # one scan of the article per pass, then each sentence's matches of every pass
    by_sentence = iter(zip(*(scanner.finditer_each(texts) for scanner in r.scanners)))
    for sentences in paragraphs:
        ctx.new_paragraph()
        for s in sentences:
            ctx.new_sentence()
            text = s.text
            matches = next(by_sentence)
            pieces = [p for cand in candidates(r, text, matches) for p in resolve(r, ctx, text, cand)]
            link_periods(r, text, pieces)
            for p in pieces:
                start, end = s.start + p.start, s.start + p.end
                if p.attrs.get("range"):  # sentence offsets -> body offsets: unique in the article
                    a, b = p.attrs["range"].split("-")
                    p.attrs["range"] = f"{s.start + int(a)}-{s.start + int(b)}"
                out.append(Mention(p.kind, start, end, body[start:end], p.value, f"temporal:{p.rule}",
                                   make_attrs(**p.attrs)))
    return out


def paragraph_sentences(article: Article) -> list[list[Span]]:
    groups: list[list[Span]] = [[] for _ in article.paragraphs]
    i = 0
    for s in article.sentences:
        while i + 1 < len(article.paragraphs) and s.start >= article.paragraphs[i + 1].start:
            i += 1
        groups[i].append(s)
    return groups


def extract_temporal(article: Article, found: Found) -> list[Mention]:
    return tag_sentences(article.body, paragraph_sentences(article), article.published_date)


def examples() -> Iterator[tuple[str, dict]]:
    """Every (rule id, example) of the resource file, for the test that runs them."""
    yield from rules().examples
