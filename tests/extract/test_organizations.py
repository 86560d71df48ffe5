from __future__ import annotations

import pytest

from kg.extract.organizations import extract_organizations, lexicon
from tests.conftest import make_article


def orgs(body: str) -> list[tuple[str, str]]:
    """Organizations in ``body`` (the test article's headline left out)."""
    article = make_article(body)
    return [(m.surface, m.value) for m in extract_organizations(article) if m.start >= article.sentences[1].start]


@pytest.mark.parametrize("body, expected", [
    # aliases resolve to one key
    ("SK텔레콤(SKT)이 사과했다.", [("SK텔레콤", "sk-telecom"), ("SKT", "sk-telecom")]),
    ("과학기술정보통신부(과기정통부)는 밝혔다.", [("과학기술정보통신부", "msit"), ("과기정통부", "msit")]),
    ("개인정보위로부터 과징금을 받았다.", [("개인정보위", "pipc")]),
    ("국회 과학기술정보방송통신위원회(과방위)는 청문회를 연다.",
     [("국회 과학기술정보방송통신위원회", "assembly-science-ict-committee"), ("과방위", "assembly-science-ict-committee")]),
    # a Latin alias does not match inside another word
    ("SKT와 KT, LG U+가 모두 신고했다.", [("SKT", "sk-telecom"), ("KT", "kt"), ("LG U+", "lg-uplus")]),
    # an alias inside a longer Hangul word is not a mention
    ("경기남부경찰청은 수사 중이다.", [("경기남부경찰청", "~경기남부경찰청")]),
    ("조사단에서는 분석을 마쳤다.", [("조사단", "joint-investigation-team")]),
    # discovered by suffix; generic prefixes and buildings are not organizations
    ("서울 금천경찰서와 광명경찰서가 수사했다.", [("금천경찰서", "~금천경찰서"), ("광명경찰서", "~광명경찰서")]),
    ("그룹 차원의 정보보호혁신위원회를 만든다.", [("정보보호혁신위원회", "~정보보호혁신위원회")]),
    ("해당 위원회와 소위원회는 정부서울청사에서 열렸다.", []),
    ("한국소비자단체협의회는 성명을 냈다.", [("한국소비자단체협의회", "~한국소비자단체협의회")]),
])
def test_organizations(body, expected):
    assert orgs(body) == expected


def test_every_alias_belongs_to_one_organization():
    lex = lexicon()
    assert lex.by_surface["SKT"] == lex.by_surface["SK텔레콤"] == "sk-telecom"
    assert lex.entries["kisa"].name == "한국인터넷진흥원"


def test_seed_organizations(seed_build):
    from collections import defaultdict
    names = defaultdict(set)
    for facts in seed_build.kg.articles:
        for m in facts.mentions:
            if m.kind == "organization":
                names[facts.article.id].add(m.value)
    assert names["901_0000000014"] == {"kt", "kisa", "msit", "joint-investigation-team", "pipc", "~광명경찰서",
                                       "~금천경찰서", "~경기남부경찰청", "assembly-science-ict-committee"}
    assert names["902_0000000012"] == {"sk-telecom", "msit", "joint-investigation-team", "sk-group",
                                       "~정보보호혁신위원회"}
