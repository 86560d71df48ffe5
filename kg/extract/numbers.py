"""Money in won and counts with their counters, as whole numbers.

The words live in ``kg/resources/numbers.yaml``; this module reads digit
groups joined by large units (``1347억9100만``, ``1,347억 9,100만``, ``5천억``,
``60만1376``) and does the arithmetic. Phone numbers, years, network
generations (5G), ordinals (2차), ages (만 65세) and durations are not figures:
a figure needs a counter or ``원`` after it (or, for money, a number ending in
조/억), and spans already read as dates or durations are skipped.

Mentions
--------
kind ``"money"``: ``value`` = int, whole won (``7조원`` -> 7000000000000).
``attrs``: ``currency`` (``"KRW"``), ``qualifier`` (약, 여, 이상, 가량 ... where
written), ``per`` (``month`` for 월 1만원), ``measured`` (the noun written
just before the number, particles stripped: 과징금, 피해액), ``bare`` (True
for 7000억 written without 원).

kind ``"quantity"``: ``value`` = int, or Decimal where written with a
fraction (9.82GB). ``attrs``: ``unit`` (the counter as written, normalised to
its symbol for data sizes and percentages: 명, 대, 종, 건, 개, 곳, GB, %),
``qualifier``, ``measured`` (피해자, 서버, 악성코드 ...).
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from itertools import accumulate
from decimal import Decimal

from kg.extract.korean import ends_word, strip_particles
from kg.ingest import Article
from kg.mention import Found, Mention, make_attrs
from kg.resources import ResourceError, compile_pattern, load_resource, require
from kg.resources.scanner import Scanner

RESOURCE = "numbers"
MONEY, QUANTITY = "money", "quantity"
_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
_TOKEN_BEFORE = re.compile(r"(?:^|(?<=[\s(\[·,]))([가-힣A-Za-z][가-힣A-Za-z0-9]*)[\s(]*$")


@dataclass(frozen=True)
class NumberRules:
    pattern: re.Pattern
    figures: Scanner  # pattern's matches, found quickly
    large: dict
    small: dict
    counters: dict  # counter as written -> unit
    currency: frozenset
    money_endings: tuple
    per: dict
    bare_units: frozenset
    other_currencies: tuple
    not_after: dict
    before: dict
    after: dict
    infix: dict
    not_measured: frozenset
    not_measured_endings: tuple
    examples: tuple


def _alt(words) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


def prepare_numbers(data: dict) -> NumberRules:
    require(RESOURCE, data, ("large_units", "small_units", "approx_infix", "qualifiers_before", "qualifiers_after",
                             "not_measured", "rules"))
    by_kind, examples = {}, []
    for rule in data["rules"]:
        rid = rule.get("id") if isinstance(rule, dict) else None
        require(RESOURCE, rule, ("id", "kind", "examples"), rid)
        if rule["kind"] in by_kind:
            raise ResourceError(RESOURCE, rid, f"a second rule of kind {rule['kind']!r}")
        by_kind[rule["kind"]] = rule
        if not isinstance(rule["examples"], list) or not rule["examples"]:
            raise ResourceError(RESOURCE, rid, "examples must be a non-empty list")
        for ex in rule["examples"]:
            require(RESOURCE, ex, ("text",), rid)
            if "money" not in ex and "quantities" not in ex:
                raise ResourceError(RESOURCE, rid, f"example {ex['text']!r} expects neither money nor quantities")
            examples.append((rid, ex))
    for kind in ("money", "money_bare", "counts"):
        if kind not in by_kind:
            raise ResourceError(RESOURCE, None, f"no rule of kind {kind!r}")
    money, bare, counts = by_kind["money"], by_kind["money_bare"], by_kind["counts"]
    require(RESOURCE, money, ("currency_words", "endings", "per"), money["id"])
    require(RESOURCE, bare, ("units", "other_currencies"), bare["id"])
    require(RESOURCE, counts, ("counters", "not_after"), counts["id"])
    large = {str(k): int(v) for k, v in data["large_units"].items()}
    small = {str(k): int(v) for k, v in data["small_units"].items()}
    if set(bare["units"]) - set(large):
        raise ResourceError(RESOURCE, bare["id"], f"units not among large_units: {sorted(set(bare['units']) - set(large))}")
    counters = {str(k): str(v) for k, v in counts["counters"].items()}
    currency = [str(w) for w in money["currency_words"]]
    overlap = set(counters) & set(currency)
    if overlap:
        raise ResourceError(RESOURCE, counts["id"], f"{sorted(overlap)} are both counters and currency words")
    sm, lg = _alt(small), _alt(large)
    infix = {str(k): str(v) for k, v in data["approx_infix"].items()}
    before = {str(k): str(v) for k, v in data["qualifiers_before"].items()}
    after = {str(k): str(v) for k, v in data["qualifiers_after"].items()}
    pattern = compile_pattern(
        RESOURCE, counts["id"],
        rf"(?:(?<![가-힣])(?P<pre>{_alt(before)})\s?)?(?<![\d.,\-A-Za-z])"
        rf"(?P<num>(?:{_NUM}(?:{sm})?(?:{lg})\s?)+(?:{_NUM}(?:{sm})?)?|{_NUM}(?:{sm})?)"
        rf"(?:(?P<infix>{_alt(infix)})?\s?(?P<counter>{_alt(list(counters) + currency)}))?"
        rf"(?:\s?(?P<post>{_alt(after)}))?")
    return NumberRules(
        pattern=pattern, figures=Scanner(pattern), large=large, small=small, counters=counters,
        currency=frozenset(currency),
        money_endings=tuple(sorted(money["endings"], key=len, reverse=True)),
        per={str(k): str(v) for k, v in money["per"].items()},
        bare_units=frozenset(bare["units"]), other_currencies=tuple(bare["other_currencies"]),
        not_after={str(k): tuple(v) for k, v in counts["not_after"].items()},
        before=before, after=after, infix=infix, not_measured=frozenset(data["not_measured"]),
        not_measured_endings=tuple(data.get("not_measured_endings") or ()),
        examples=tuple(examples))


def rules() -> NumberRules:
    return load_resource(RESOURCE, prepare_numbers)


_GROUP = None


def parse_korean_number(text: str, r: NumberRules | None = None) -> tuple[Decimal, str | None] | None:
    """``1347억9100만`` -> (134791000000, '만'): the value and the last large unit, or None if malformed."""
    r = r or rules()
    global _GROUP
    if _GROUP is None:
        _GROUP = re.compile(rf"({_NUM})({_alt(r.small)})?({_alt(r.large)})?\s?")
    total, last_large, pos, previous = Decimal(0), None, 0, None
    text = text.strip()
    if text.isdecimal():  # digits only, the most common figure: what the loop below would read
        return Decimal(text), None
    while pos < len(text):
        m = _GROUP.match(text, pos)
        if not m or m.end() == pos:
            return None
        digits, small, large = m.groups()
        n = Decimal(digits.replace(",", "")) * r.small.get(small, 1)
        if large:
            unit = r.large[large]
            if previous is not None and unit >= previous:
                return None  # units must fall: 억 then 만
            previous, last_large = unit, large
            n *= unit
        elif m.end() < len(text):
            return None  # a bare number in the middle
        else:
            last_large = None
        total += n
        pos = m.end()
    return total, last_large


def _whole(d: Decimal):
    return int(d) if d == d.to_integral_value() else d.normalize()


def _measured(r: NumberRules, text: str, start: int) -> str | None:
    head = text[:start]
    for _ in range(2):
        m = _TOKEN_BEFORE.search(head)
        if not m:
            return None
        word = m.group(1)
        stems = strip_particles(word)
        stem = min((s for s in stems if len(s) >= 2), key=len, default=word)
        if stem not in r.not_measured and word not in r.not_measured:
            if len(stem) < 2 or stem.endswith(r.not_measured_endings):
                return None  # a verb or a particle, not a noun
            return stem
        head = head[:m.start()]
    return None


def _word_ends(r: NumberRules, text: str, end: int, extra=()) -> bool:
    if ends_word(text, end):
        return True
    return any(text.startswith(e, end) and ends_word(text, end + len(e)) for e in extra)


def find_figures(text: str, r: NumberRules | None = None,
                 matches: list[re.Match] | None = None) -> list[tuple[int, int, str, object, dict]]:
    """(start, end, kind, value, attrs) for each figure in ``text``.

    ``matches``: the pattern's matches in ``text`` where already found (Scanner.finditer_each).
    """
    r = r or rules()
    out = []
    for m in r.figures.finditer(text) if matches is None else matches:
        pre, num, infix, counter, post = m.group("pre", "num", "infix", "counter", "post")
        num = num.strip()
        if not counter and (infix or not any(unit in num for unit in r.bare_units)):
            continue  # neither a counter nor a bare amount of money (below): a number only
        parsed = parse_korean_number(num, r)
        if parsed is None:
            continue
        value, last_large = parsed
        start = m.start("pre") if pre else m.start("num")
        end = m.end("post") if post else (m.end("counter") if counter else m.start("num") + len(num))
        qualifier = (r.after.get(post) if post else None) or \
                    (r.infix.get(infix) if infix else None) or \
                    (r.before.get(pre) if pre else None)
        # the noun measured (_measured) is read only for a figure that is kept
        if counter in r.currency:
            if not _word_ends(r, text, m.end("counter"), r.money_endings) and not post:
                continue
            before = text[:start].rstrip()
            per = next((v for k, v in r.per.items() if before.endswith(k) and
                        (len(before) == len(k) or not "가" <= before[-len(k) - 1] <= "힣")), None)
            out.append((start, end, MONEY, _whole(value), {"currency": "KRW", "qualifier": qualifier,
                                                           "per": per, "measured": _measured(r, text, start)}))
        elif counter:
            unit = r.counters[counter]
            if counter[-1] >= "가" and not post and not _word_ends(r, text, m.end("counter")):
                continue
            rest = text[m.end("counter"):].lstrip()
            if rest.startswith(r.not_after.get(counter, ())) or rest[:1].isdigit():
                continue
            out.append((start, end, QUANTITY, _whole(value), {"unit": unit, "qualifier": qualifier,
                                                              "measured": _measured(r, text, start)}))
        elif last_large in r.bare_units and not infix:
            end = m.start("num") + len(num)
            rest = text[end:].lstrip()
            if rest[:1].isdigit() or any(rest.startswith(c) for c in r.other_currencies):
                continue
            if not _word_ends(r, text, end, r.money_endings):
                continue
            out.append((m.start("pre") if pre else m.start("num"), end, MONEY, _whole(value),
                        {"currency": "KRW", "qualifier": qualifier, "measured": _measured(r, text, start),
                         "bare": True}))
    return out


def extract_numbers(article: Article, found: Found) -> list[Mention]:
    r = rules()
    dates = found.of("date", "duration")
    date_starts = [m.start for m in dates]
    date_reach = list(accumulate((m.end for m in dates), max))  # the furthest end of the dates so far
    mentions = []
    matches = r.figures.finditer_each([s.text for s in article.sentences])
    for s, found in zip(article.sentences, matches):
        if not found:
            continue
        for start, end, kind, value, attrs in find_figures(s.text, r, found):
            start, end = s.start + start, s.start + end
            before_end = bisect_left(date_starts, end)  # dates[:before_end] start before the figure ends
            if before_end and date_reach[before_end - 1] > start:  # ... and one of them ends after it starts
                continue
            rule = "numbers:" + ("money-bare" if attrs.get("bare") else "money-won" if kind == MONEY else "counts")
            mentions.append(Mention(kind, start, end, article.body[start:end], value, rule, make_attrs(**attrs)))
    return mentions


def examples():
    yield from rules().examples
