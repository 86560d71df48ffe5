"""Money and counts: Korean digit groups, counters, qualifiers; what is not a figure."""
from __future__ import annotations

from decimal import Decimal

import pytest

from kg.extract import extract_article, numbers
from kg.extract.numbers import find_figures, parse_korean_number, prepare_numbers
from kg.resources import ResourceError, read_yaml
from tests.conftest import make_article


def money(text):
    return [v for _, _, k, v, _ in find_figures(text) if k == "money"]


def quantities(text):
    return [(v, a["unit"]) for _, _, k, v, a in find_figures(text) if k == "quantity"]


MONEY_CASES = [
    ("손실이 7조원에 달한다.", [7000000000000]),
    ("과징금 1347억9100만원", [134791000000]),
    ("과징금 1,347억9,100만 원", [134791000000]),
    ("과징금 1347억 9100만원", [134791000000]),
    ("5천억 원 규모", [500000000000]),
    ("피해액 2억4000만원", [240000000]),
    ("2억4000만 원으로 늘었다.", [240000000]),
    ("1억7000만원이다.", [170000000]),
    ("7,700원이다.", [7700]),
    ("7700원이다.", [7700]),
    ("월 1만원을 낸다.", [10000]),
    ("과태료 960만원과", [9600000]),
    ("7000만원 증가했다.", [70000000]),
    ("5년간 1조원을 투자한다.", [1000000000000]),
    ("1조원을 웃도는", [1000000000000]),
    ("약 1조2000억원 규모", [1200000000000]),
    ("1.5조원을 쓴다.", [1500000000000]),
    ("정보보호에 7000억 투입", [700000000000]),
    ("1만원씩 돌려준다.", [10000]),
    ("수십만원씩 결제됐다.", []),
    ("수천억 원이 든다.", []),
    ("10억 달러를 모았다.", []),
    ("고객센터 080-2323-0114", []),
    ("2025년 5G 요금", []),
    ("원장 3명", []),
]


@pytest.mark.parametrize("text, expected", MONEY_CASES, ids=[c[0][:16] for c in MONEY_CASES])
def test_money(text, expected):
    assert money(text) == expected


QUANTITY_CASES = [
    ("60만1376명을 기록했다.", [(601376, "명")]),
    ("2만여명에 대해", [(20000, "명")]),
    ("2696만 건이 유출", [(26960000, "건")]),
    ("2,696만 건이 유출", [(26960000, "건")]),
    ("2696만건", [(26960000, "건")]),
    ("서버 94대가 감염", [(94, "대")]),
    ("악성코드 103종에", [(103, "종")]),
    ("100기가바이트(GB) 데이터", [(100, "GB")]),
    ("50GB를 준다.", [(50, "GB")]),
    ("9.82GB에 이른다.", [(Decimal("9.82"), "GB")]),
    ("50% 할인", [(50, "%")]),
    ("100% 책임지겠다", [(100, "%")]),
    ("약 2300만명과 약 187만명", [(23000000, "명"), (1870000, "명")]),
    ("약 1만9000명이라고", [(19000, "명")]),
    ("서버 8900여대의 정보", [(8900, "대")]),
    ("임직원 160여명의", [(160, "명")]),
    ("29만1831건 등", [(291831, "건")]),
    ("23대로 늘었다.", [(23, "대")]),
    ("24종은 BPFDoor", [(24, "종")]),
    ("매장 2600여곳", [(2600, "곳")]),
    ("계정 4만여개", [(40000, "개")]),
    ("277만명이며", [(2770000, "명")]),
    ("만 65세 이상", []),
    ("1차 발표", []),
    ("2차관은 말했다.", []),
    ("통신 3사", []),
    ("5G 요금제", []),
    ("4대 그룹", []),
    ("20대 남성", []),
    ("1대1 상담", []),
    ("6개월간 제공", []),
    ("2025년 4월", []),
    ("명단 3건강", []),
]


@pytest.mark.parametrize("text, expected", QUANTITY_CASES, ids=[c[0][:16] for c in QUANTITY_CASES])
def test_quantities(text, expected):
    assert quantities(text) == expected


def test_attrs_qualifier_measured_per():
    [(_, _, _, _, a)] = find_figures("가입자 약 2300만명")
    assert a["qualifier"] == "약" and a["measured"] == "가입자" and a["unit"] == "명"
    [(_, _, _, _, a)] = find_figures("피해자는 2만여명이다")
    assert a["qualifier"] == "여" and a["measured"] == "피해자"
    [(_, _, _, _, a)] = find_figures("요금은 월 1만원")
    assert a["per"] == "month" and a["currency"] == "KRW"


def test_parse_korean_number():
    assert parse_korean_number("1347억9100만") == (Decimal(134791000000), "만")
    assert parse_korean_number("5천억") == (Decimal(500000000000), "억")
    assert parse_korean_number("60만1376") == (Decimal(601376), None)
    assert parse_korean_number("9100만1347억") is None  # units must fall


def test_dates_in_tables_are_not_counts():
    ms = extract_article(make_article("환급일은 1.22(목)이고 서버 94대가 감염됐다."))
    assert [(m.kind, m.value) for m in ms if m.kind in ("quantity", "date")] == [("date", "2026-01-22"), ("quantity", 94)]


@pytest.mark.parametrize("rule, example", list(numbers.examples()),
                         ids=[f"{r}:{e['text'][:16]}" for r, e in numbers.examples()])
def test_resource_examples(rule, example):
    if "money" in example:
        assert money(example["text"]) == example["money"]
    if "quantities" in example:
        assert [[float(v) if isinstance(v, Decimal) else v, u] for v, u in quantities(example["text"])] == example["quantities"]


def test_malformed_resource():
    data = read_yaml("numbers")
    data["rules"][1]["units"] = ["경"]
    with pytest.raises(ResourceError, match=r"numbers.yaml, rule 'money-bare': units not among large_units"):
        prepare_numbers(data)
