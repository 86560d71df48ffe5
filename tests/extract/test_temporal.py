"""The temporal tagger: every case of issue 3, sentences of our own, the resource examples, the seeds."""
from __future__ import annotations

import pytest

from kg.extract import temporal
from kg.extract.temporal import extract_temporal, iso_duration, prepare_temporal
from kg.resources import ResourceError, read_yaml
from tests.conftest import make_article


def tag(text: str, published: str):
    return extract_temporal(make_article(text, published_at=f"{published} 10:00"), None)


def dates(text: str, published: str):
    return [(m.value, m.get("anchor")) for m in tag(text, published) if m.kind == "date"]


def durations(text: str, published: str = "2025-12-30"):
    return [m.value for m in tag(text, published) if m.kind == "duration"]


P = "2025-12-30"  # KT's briefing, the running example

# (sentence, publication date, [(value, anchor)] of every date in order)
DATE_CASES = [
    # ---- absolute
    ("2025년 4월 22일 신고했다.", P, [("2025-04-22", P)]),
    ("2022년 6월 15일부터 로그가 없다.", "2025-05-20", [("2022-06-15", "2025-05-20")]),
    ("2025.4.22 공개됐다.", "2025-10-18", [("2025-04-22", "2025-10-18")]),
    ("2025.7.4 발표했다.", "2025-10-18", [("2025-07-04", "2025-10-18")]),
    ("2025.07.04 발표했다.", "2025-10-18", [("2025-07-04", "2025-10-18")]),
    ("2025-07-04 발표했다.", "2025-10-18", [("2025-07-04", "2025-10-18")]),
    ("4월 22일 공지했다.", "2025-07-04", [("2025-04-22", "2025-07-04")]),
    ("22일 공지했다.", "2025-04-25", [("2025-04-22", "2025-04-25")]),
    ("4월 공지했다.", "2025-07-04", [("2025-04", "2025-07-04")]),
    ("2025년 4월 SK텔레콤에서 시작됐다.", "2026-01-12", [("2025-04", "2026-01-12")]),
    ("2024년 실적이 나왔다.", "2025-05-20", [("2024", "2025-05-20")]),
    ("2025년형 단말기는 빠졌다.", P, []),
    # ---- 4.22 only where a date
    ("지난 4.22 유심 해킹 공개 이후", "2025-10-18", [("2025-04-22", "2025-10-18")]),
    ("오는 1.5 시행된다.", P, [("2026-01-05", P)]),
    ("환급일은 1.22(목)이다.", P, [("2026-01-22", P)]),
    ("2.5(목) 2차 환급", P, [("2026-02-05", P)]),
    ("용량은 9.82GB다.", "2025-07-04", []),
    ("점유율은 4.22 수준이다.", P, []),
    # ---- publication-day words
    ("이날 오전 가입자가 늘었다.", "2025-04-25", [("2025-04-25", "2025-04-25")]),
    ("오늘 발표한다.", P, [("2025-12-30", P)]),
    ("당일 신청하면 된다.", P, [(None, None)]),
    ("SK텔레콤은 같은 날 보상안을 내놨다.", "2025-07-04", [("2025-07-04", "2025-07-04")]),
    ("지난 18일 감지했고 같은 날 신고했다.", "2025-04-25", [("2025-04-18", "2025-04-25"), ("2025-04-18", "2025-04-18")]),
    ("전날 조사 결과가 나왔다.", P, [("2025-12-29", P)]),
    ("전일 발표했다.", P, [("2025-12-29", P)]),
    ("지난 5일 발표했고 전날 회의를 열었다.", "2025-09-11", [("2025-09-05", "2025-09-11"), ("2025-09-04", "2025-09-05")]),
    ("다음날 재개했다.", P, [("2025-12-31", P)]),
    ("다음 날 재개했다.", P, [("2025-12-31", P)]),
    ("이튿날 사과했다.", "2025-12-29", [("2025-12-30", "2025-12-29")]),
    ("지난달 29일 결과가 나왔다. 대표는 이튿날 사과했다.", "2026-01-12",
     [("2025-12-29", "2026-01-12"), ("2025-12-30", "2025-12-29")]),
    ("지난 18일 감지됐다. 회사는 이튿날인 19일 흔적을 찾았다.", "2025-04-25",
     [("2025-04-18", "2025-04-25"), ("2025-04-19", "2025-04-18")]),
    ("KT는 이튿날인 30일 대책을 발표한다.", "2025-12-29", [("2025-12-30", "2025-12-29")]),
    ("지난해 4월 18일 포착했고, 나흘 뒤인 22일 공개했다.", "2026-01-12",
     [("2025-04-18", "2026-01-12"), ("2025-04-22", "2025-04-18")]),
    ("지난 3일 신고했고 사흘 뒤 조사가 시작됐다.", "2025-09-11", [("2025-09-03", "2025-09-11"), ("2025-09-06", "2025-09-03")]),
    ("사흘 뒤 다시 열렸다.", P, [(None, None)]),
    ("지난 10일 접수했고 이틀 전 감지했다.", "2025-09-11", [("2025-09-10", "2025-09-11"), ("2025-09-08", "2025-09-10")]),
    # ---- 지난 / 오는
    ("지난 18일 사고가 났다.", "2025-04-25", [("2025-04-18", "2025-04-25")]),
    ("지난 25일 발표했다.", "2025-10-18", [("2025-09-25", "2025-10-18")]),
    ("지난 9월 1일부터 해지한 고객", P, [("2025-09-01", P)]),
    ("지난 11월 30일까지 시행했다.", P, [("2025-11-30", P)]),
    ("지난 7월 발표했다.", "2025-09-11", [("2025-07", "2025-09-11")]),
    ("지난 12월 발표했다.", "2025-05-20", [("2024-12", "2025-05-20")]),
    ("오는 28일부터 교체한다.", "2025-04-25", [("2025-04-28", "2025-04-25")]),
    ("오는 13일까지 면제한다.", "2026-01-12", [("2026-01-13", "2026-01-12")]),
    ("오는 5일 시작한다.", "2025-10-18", [("2025-11-05", "2025-10-18")]),
    ("오는 3월 출시한다.", P, [("2026-03", P)]),
    ("오는 1월 13일까지", P, [("2026-01-13", P)]),
    # ---- month words
    ("이달 31일부터 면제한다.", P, [("2025-12-31", P)]),
    ("이번 달 31일까지 신청한다.", P, [("2025-12-31", P)]),
    ("이달 안에 끝낸다.", P, [("2025-12", P)]),
    ("지난달 29일 발표했다.", "2026-01-12", [("2025-12-29", "2026-01-12")]),
    ("지난달 검거했다.", "2025-10-18", [("2025-09", "2025-10-18")]),
    ("내달 13일까지 면제한다.", P, [("2026-01-13", P)]),
    ("내달 5일부터 교체한다.", "2025-10-18", [("2025-11-05", "2025-10-18")]),
    ("다음 달 14일까지 고친다.", "2025-04-25", [("2025-05-14", "2025-04-25")]),
    ("다음 달까지 분석한다.", "2025-05-20", [("2025-06", "2025-05-20")]),
    ("다음달 1일부터 준다.", "2025-07-04", [("2025-08-01", "2025-07-04")]),
    # ---- year words
    ("올해 4월 22일부터 7월 14일까지", P, [("2025-04-22", P), ("2025-07-14", P)]),
    ("지난해 12월 3일부터 지난달 24일까지", "2025-05-20", [("2024-12-03", "2025-05-20"), ("2025-04-24", "2025-05-20")]),
    ("작년 8월 보도했다.", "2026-01-12", [("2025-08", "2026-01-12")]),
    ("내년 1월 13일 기준", P, [("2026-01-13", P)]),
    ("내년 8월까지 이어간다.", P, [("2026-08", P)]),
    ("내년 실적에 부담이다.", P, [("2026", P)]),
    ("올해 실적이 나빠진다.", "2025-07-04", [("2025", "2025-07-04")]),
    ("올 4월 사고가 났다.", "2025-10-01", [("2025-04", "2025-10-01")]),
    # ---- carrying year and month across lists and ranges
    ("내년 1월 22일, 2월 5일, 2월 19일 등 순차 진행된다.", P, [("2026-01-22", P), ("2026-02-05", P), ("2026-02-19", P)]),
    ("내년 1월 22일·2월 5일 지급한다.", P, [("2026-01-22", P), ("2026-02-05", P)]),
    ("내년 1월 14일부터 31일까지 신청한다.", P, [("2026-01-14", P), ("2026-01-31", "2026-01-14")]),
    ("이달 31일부터 내년 1월 13일까지 2주간", P, [("2025-12-31", P), ("2026-01-13", P)]),
    ("지난해 12월 29일부터 이달 9일까지 접수했다.", "2026-01-12", [("2025-12-29", "2026-01-12"), ("2026-01-09", "2026-01-12")]),
    ("지난해 3월부터 7월 사이 감염됐다.", "2025-12-29", [("2024-03", "2025-12-29"), ("2024-07", "2025-12-29")]),
    ("8~12월 데이터를 준다.", "2025-07-04", [("2025-08", "2025-07-04"), ("2025-12", "2025-07-04")]),
    ("11~2월 한시 운영한다.", "2025-10-18", [("2025-11", "2025-10-18"), ("2026-02", "2025-10-18")]),
    ("내년 1월 14~31일 신청한다.", P, [("2026-01-14", P), ("2026-01-31", P)]),
    ("1월 14일~31일 신청", "2026-01-05", [("2026-01-14", "2026-01-05"), ("2026-01-31", "2026-01-14")]),
    ("지난 18일 감지했고 20일 신고했다.", "2025-04-25", [("2025-04-18", "2025-04-25"), ("2025-04-20", "2025-04-18")]),
    ("지난해 8월 보도됐다. 10월 신고했다.", "2026-01-12", [("2025-08", "2026-01-12"), ("2025-10", "2026-01-12")]),
    # a bare day takes the month of its own sentence, not of an earlier one
    ("내년 1월까지 내라고 했다. 13일까지 면제한다.", P, [("2026-01", P), ("2025-12-13", P)]),
    ("지난해 8월 보도됐다. 면제가 끝나는 13일까지 이어진다.", "2026-01-12", [("2025-08", "2026-01-12"), ("2026-01-13", "2026-01-12")]),
    # ---- vague: kept, never a made-up day
    ("이달 말까지 제출하라고 했다.", "2025-07-04", [("2025-07", "2025-07-04")]),
    ("다음 달 말까지 들여온다.", "2025-04-25", [("2025-05", "2025-04-25")]),
    ("지난달 말부터 이달 초 사이 집중됐다.", "2025-09-11", [("2025-08", "2025-09-11"), ("2025-09", "2025-09-11")]),
    ("4월 중순 발표한다.", "2025-03-02", [("2025-04", "2025-03-02")]),
    ("내년 초 출시한다.", P, [("2026", P)]),
    ("4월 18일께 알았다.", "2025-07-04", [("2025-04-18", "2025-07-04")]),
    ("최근 해킹이 늘었다.", P, [(None, None)]),
    ("연말까지 마친다.", P, [(None, None)]),
    ("상반기 실적이 나왔다.", P, [(None, None)]),
    ("이번 주 발표한다.", P, [(None, None)]),
    ("당시 SK텔레콤은 면제를 발표했다.", P, [(None, None)]),
    ("매월 25일 요금을 낸다.", P, [(None, None)]),
    # ---- durations and other numbers are never dates
    ("2주간 면제한다.", P, []),
    ("6개월 동안 제공한다.", P, []),
    ("3년간 7조원에 달한다.", P, []),
    ("한 달 만이다.", P, []),
    ("48시간 안에 신고해야 한다.", P, []),
    ("유효기간을 10년으로 설정했다.", P, []),
    ("넉 달 동안 점검했다.", P, []),
    ("3일간 점검했다.", P, []),
    ("T월드 매장 2600여곳", P, []),
    ("1차 발표 당시 5대였다.", P, [(None, None)]),
    ("만 65세 이상 고객", P, []),
    ("무단 소액결제 피해 278명", P, []),
    ("월 1만원을 낸다.", P, []),
]


@pytest.mark.parametrize("text, published, expected", DATE_CASES, ids=[c[0][:24] for c in DATE_CASES])
def test_dates(text, published, expected):
    assert dates(text, published) == expected


DURATION_CASES = [
    ("2주간 위약금을 면제한다.", ["P14D"]),
    ("6개월간 데이터를 준다.", ["P6M"]),
    ("6개월 동안 운영한다.", ["P6M"]),
    ("3년간 7조원", ["P3Y"]),
    ("2년간 제공한다.", ["P2Y"]),
    ("5년간 투자한다.", ["P5Y"]),
    ("다섯 달 동안 준다.", ["P5M"]),
    ("한 달 만이다.", ["P1M"]),
    ("두 달 넘게 점검했다.", ["P2M"]),
    ("두 달여 만이다.", ["P2M"]),
    ("넉 달이 지나서야", ["P4M"]),
    ("48시간 안에 신고한다.", ["PT48H"]),
    ("24시간을 넘겼다.", ["PT24H"]),
    ("하루 만이다.", ["P1D"]),
    ("이틀 만에 신고했다.", ["P2D"]),
    ("열흘 남짓으로 짧다.", ["P10D"]),
    ("열이틀 만에 드러났다.", ["P12D"]),
    ("반년 만에 또 사고가 났다.", ["P6M"]),
    ("10일간 점검한다.", ["P10D"]),
    ("3주 동안 점검한다.", ["P21D"]),
    ("10년으로 설정했다.", ["P10Y"]),
    ("14일 발표한다.", []),
    ("나흘 뒤인 22일", []),
]


@pytest.mark.parametrize("text, expected", DURATION_CASES, ids=[c[0][:20] for c in DURATION_CASES])
def test_durations(text, expected):
    assert durations(text) == expected


def test_duration_qualifier_and_attrs():
    [m] = [m for m in tag("두 달 넘게 점검했다.", P) if m.kind == "duration"]
    assert (m.value, m.get("amount"), m.get("unit"), m.get("qualifier")) == ("P2M", 2, "M", "이상")
    assert iso_duration(2, "W") == "P14D" and iso_duration(30, "MIN") == "PT30M"


def test_range_attrs_for_periods():
    ms = [m for m in tag("KT는 이달 31일부터 내년 1월 13일까지 2주간 면제한다.", P) if m.kind == "date"]
    assert [(m.surface, m.get("role")) for m in ms] == [("이달 31일", "start"), ("내년 1월 13일", "end")]
    assert ms[0].get("range") == ms[1].get("range") is not None
    one_sided = [m for m in tag("지난달 30일까지 면제했다.", P) if m.kind == "date"]
    assert one_sided[0].get("role") == "end" and one_sided[0].get("range") is None
    months = [m for m in tag("8~12월 데이터", "2025-07-04") if m.kind == "date"]
    assert [m.get("role") for m in months] == ["start", "end"] and months[0].get("range") == months[1].get("range")


def test_granularity_basis_and_modifier():
    [m] = [m for m in tag("이달 말까지 내라.", "2025-07-04") if m.kind == "date"]
    assert (m.value, m.get("granularity"), m.get("modifier")) == ("2025-07", "month", "end")
    [m] = [m for m in tag("2월 5일 지급", P) if m.kind == "date"]
    assert (m.get("granularity"), m.get("basis")) == ("day", "publication")
    ms = [m for m in tag("내년 1월 22일, 2월 5일 지급", P) if m.kind == "date"]
    assert ms[1].get("basis") == "paragraph"
    [m] = [m for m in tag("최근 늘었다.", P) if m.kind == "date"]
    assert m.value is None and m.get("granularity") is None and m.get("modifier") == "recent"


def test_carry_stops_at_paragraph_end():
    ms = tag("내년 1월 22일 지급한다.\n\n3월 5일 발표했다.", P)
    assert [m.value for m in ms if m.kind == "date"] == ["2026-01-22", "2025-03-05"]


@pytest.mark.parametrize("rule, example", list(temporal.examples()),
                         ids=[f"{r}:{e['text'][:16]}" for r, e in temporal.examples()])
def test_resource_examples(rule, example):
    ms = tag(example["text"], str(example["published"]))
    if "dates" in example:
        assert [m.value for m in ms if m.kind == "date"] == example["dates"]
    if "durations" in example:
        assert [m.value for m in ms if m.kind == "duration"] == example["durations"]


@pytest.mark.parametrize("breakage, problem", [
    (lambda d: d["rules"][0].pop("examples"), "missing key 'examples'"),
    (lambda d: d["rules"][0].update(kind="nonsense"), "unknown kind"),
    (lambda d: d["rules"][0]["table"].update({"올해": "this"}), "is not int"),
    (lambda d: d.update(weekdays=["월"]), "seven names"),
    (lambda d: [r for r in d["rules"] if r["kind"] == "durations"][0]["units"].update({"초": "S"}), "designator"),
])
def test_malformed_resource_names_file_rule_and_problem(breakage, problem):
    data = read_yaml("temporal")
    breakage(data)
    with pytest.raises(ResourceError, match="temporal.yaml") as err:
        prepare_temporal(data)
    assert problem in str(err.value)


def test_seed_dates(seed_articles):
    """Regression: the dates of the KT briefing article, in text order."""
    a = seed_articles["014_0005456133"]
    values = [m.value for m in extract_temporal(a, None) if m.kind == "date" and m.value]
    assert values[:5] == ["2026-01-13", "2025-09", "2025-12-30", "2025-12-31", "2026-01-13"]
    assert "2026-02-05" in values and "2026-01-31" in values
