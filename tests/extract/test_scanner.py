"""kg.resources.scanner: the same non-empty matches as ``finditer``, found by trying fewer places."""
from __future__ import annotations

import random
import re

import pytest

from kg.extract import events, incidents, numbers, organizations, remedies, sanctions, temporal
from kg.resources.scanner import Scanner
from tests.conftest import make_article

SYNTHETIC = [
    r"abc|abd|x",
    r"(?<![가-힣])(?:지난|오는)\s?\d{1,2}일",
    r"(?<!로밍 )데이터|로밍\s?데이터",
    r"(?:(?<![가-힣])(?P<pre>약|최대)\s?)?(?<![\d.,])(?P<num>\d+(?:,\d{3})*)(?P<unit>명|원)?",
    r"(?=\d{1,2}월|올해)(?:(?<![가-힣])올해\s?)?(?:(?<!\d)(?P<m>\d{1,2})월)?",  # can match empty
    r"a??b?",  # can match empty, and lazily: falls back to finditer
    r"[^.,]{0,3}?제공",  # starts at any character: falls back to finditer
    r"(?:가|나)+다|\b라",
    r"(?i)abc",
    r"x(?=y)|y(?!x)z?",
    r"(?a)(?<!\w)\d+",  # ASCII: 가 is no word character here
    r"(?m)^\d|x.",
    r"(?s)\d.",
    r"(?<![\x00가-힣])\d",  # the separator of finditer_each in a negative lookbehind: scanned text by text
]


def engine_patterns():
    yield from (pattern for _rid, pattern in temporal.rules().passes)
    yield remedies.rules().any_rule
    yield events.rules().any_rule
    yield sanctions.rules().any_rule
    yield incidents.rules().any_type
    yield incidents.rules().grammar.clause_boundary
    yield numbers.rules().pattern
    yield organizations.lexicon().known


def texts():
    """Sentences of the example articles, and random strings over the characters the patterns use."""
    rng = random.Random(7)
    alphabet = list("0123456789 .,~-()·…%abcxyzKT가나다라지난오는올해월일년데이터로밍약최대명원제공유출해킹사과위약금면제서버\n\x00")
    yield from ("", "2025년 4월 22일", "지난 18일부터 이달 말까지 6개월간", "로밍 데이터를 제공, 데이터·OTT 이용권")
    words = ["2025년", "4월", "22일", "1.22(목)", "2025.7.4.", "~", "부터", "까지", "지난", "오는", "이달", "말",
             "6개월간", "사흘", "위약금", "면제", "환급", "데이터", "로밍", "1,347억", "9100만원", "약", "명", "대",
             "9.82GB", "KT", "SK텔레콤", "해킹", "유출", "과징금", "사과했다", "고", "며", ",", " ", "  ", "."]
    for _ in range(400):
        yield "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 60)))
        yield "".join(rng.choice(words) for _ in range(rng.randint(1, 20)))


def spans(matches):
    return [(m.span(), m.groups()) for m in matches]


@pytest.mark.parametrize("pattern", [re.compile(p) for p in SYNTHETIC] + list(engine_patterns()),
                         ids=lambda p: p.pattern[:40])
def test_same_matches_as_finditer(pattern):
    scanner = Scanner(pattern)
    for text in texts():
        expected = [m for m in pattern.finditer(text) if m.end() > m.start()]
        assert spans(scanner.finditer(text)) == spans(expected), text


def test_the_engines_patterns_are_scanned_not_searched_everywhere():
    assert all(Scanner(p).starts is not None for p in engine_patterns())
    assert Scanner(re.compile(r"[^.,]{0,3}?제공")).starts is None
    assert Scanner(re.compile(r"a??b?")).starts is None


def test_a_lookbehind_sees_the_text_before_the_start():
    scanner = Scanner(re.compile(r"(?<![가-힣])데이터"))
    assert [m.start() for m in scanner.finditer("빅데이터와 데이터")] == [6]


def test_sentences_of_an_article():
    article = make_article("KT는 지난 5월 9일부터 이달 13일까지 6주간 위약금을 면제한다. 데이터 5GB와 로밍 데이터를 제공했다.")
    for pattern in engine_patterns():
        for s in article.sentences:
            assert spans(Scanner(pattern).finditer(s.text)) == spans(
                m for m in pattern.finditer(s.text) if m.end() > m.start())


@pytest.mark.parametrize("pattern", [re.compile(p) for p in SYNTHETIC] + list(engine_patterns()),
                         ids=lambda p: p.pattern[:40])
def test_finditer_each_is_finditer_of_each(pattern):
    scanner = Scanner(pattern)
    all_texts = list(texts())
    for size in (1, 2, 5, 30):  # texts scanned together, as the sentences of one article
        for at in range(0, len(all_texts), size):
            group = all_texts[at:at + size]
            assert [spans(found) for found in scanner.finditer_each(group)] == \
                   [spans(m for m in pattern.finditer(text) if m.end() > m.start()) for text in group], group


def test_a_text_starts_where_the_one_before_it_ends():
    # sentences cut inside a run-together headline: "...발표9월부터" -> "...발표", "9월부터"
    scanner = Scanner(re.compile(r"(?<![\d가-힣])\d{1,2}월"))
    assert [spans(f) for f in scanner.finditer_each(["발표", "9월부터", "", "9월"])] == [
        [], [((0, 2), ())], [], [((0, 2), ())]]
    assert Scanner(re.compile(r"(?<![\x00가-힣])\d")).joinable is False
