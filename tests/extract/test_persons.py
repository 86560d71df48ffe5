from __future__ import annotations

import pytest

from kg.extract import extract_article
from kg.extract.persons import parse_author
from tests.conftest import make_article


def persons(body: str):
    return [(m.value, m.get("org"), m.get("title")) for m in extract_article(make_article(body)) if m.kind == "person"]


@pytest.mark.parametrize("body, expected", [
    # the three orders news uses
    ("유영상 SK텔레콤 대표는 25일 사과했다.", [("유영상", "sk-telecom", "대표")]),
    ("KT 권희근 마케팅혁신본부장은 30일 밝혔다.", [("권희근", "kt", "마케팅혁신본부장")]),
    ("SK텔레콤 대표 유영상은 말했다.", [("유영상", "sk-telecom", "대표")]),
    # a department before the title, a numbered rank
    ("류제명 과기정통부 네트워크정책실장은 말했다.", [("류제명", "msit", "네트워크정책실장")]),
    ("류제명 과기정통부 2차관은 설명했다.", [("류제명", "msit", "2차관")]),
    # a name introduced once with its employer keeps it later in the article
    ("최태원 SK그룹 회장은 사과했다. 최태원 회장은 약속했다.", [("최태원", "sk-group", "회장"), ("최태원", "sk-group", "회장")]),
    # no employer written: the organization the sentence is about
    ("KT는 이튿날인 30일 김영섭 대표가 직접 나선다.", [("김영섭", "kt", "대표")]),
    # date words and common nouns next to a title are not names
    ("김영섭 KT 대표는 이튿날 기자들 앞에서 사과했다.", [("김영섭", "kt", "대표")]),
    ("이번 대표 선출은 미뤄졌다.", []),
])
def test_persons(body, expected):
    assert persons(body) == expected


def test_author_front_matter():
    assert parse_author("\n\t\t장민권 기자 (mkchang@fnnews.com)\n") == {
        "name": "장민권", "jobTitle": "기자", "email": "mkchang@fnnews.com"}
    assert parse_author("") == {}
