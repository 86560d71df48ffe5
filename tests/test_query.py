"""kg query: bundled queries on a hand-written fixture graph (exact rows), goldens on the sample corpus, the CLI."""
from __future__ import annotations

import json

import pytest

from pathlib import Path

from kg import query as q
from kg.cli import main

GRAPH = Path(__file__).resolve().parent / "fixtures" / "query_graph.ttl"
SANCTION_SENTENCE = "개인정보위는 SK텔레콤에 과징금 1347억9100만원을 부과했다."


@pytest.fixture(scope="module")
def store():
    return q.load_graph(GRAPH)


def rows(store, name, **params):
    query = q.bundled()[name]
    return q.Table.of(q.run(store, query, q.bind_params(query, params))).plain()


# ------------------------------------------------------------------ each bundled query, exact rows

def test_timeline_of_an_organization_by_alias(store):
    assert rows(store, "timeline", org="skt") == [
        ("2025-04-18", "Incident", "DataLeak, Hacking", "startDate", "3", "A1", "incident:skt-usim"),
        ("2025-04-20", "Event", "해킹 신고", "startDate", "1", "A1", "event:skt-report"),
        ("2025-04-28", "Remedy", "UsimReplacement", "startDate", "1", "A1", "remedy:skt-usim-replacement"),
        ("2025-07", "Remedy", "SecurityInvestment", "startDate", "1", "A3", "remedy:skt-investment"),
        ("2025-07-05", "Remedy", "PenaltyWaiver", "startDate", "1", "A3", "remedy:skt-waiver"),
        ("2025-07-14", "Remedy", "PenaltyWaiver", "endDate", "1", "A3", "remedy:skt-waiver"),
        ("2025-08-27", "Event", "과징금 의결", "startDate", "1", "A3", "event:pipc-decision"),
        ("2025-08-27", "Sanction", "Fine", "startDate", "1", "A3", "sanction:pipc-fine"),
    ]
    assert rows(store, "timeline", org="SK텔레콤") == rows(store, "timeline", org="skt")
    assert rows(store, "timeline", org="과기정통부") == []  # named, but nothing dated links to it


def test_remedies_in_force_on_a_date(store):
    assert rows(store, "remedies-in-force", date="2025-07-10") == [
        ("Compensation", "KT", "", "2025-09", "", "1", "A4", "remedy:kt-compensation"),
        ("UsimReplacement", "SK텔레콤", "2025-04-28", "", "", "1", "A1", "remedy:skt-usim-replacement"),
        ("SecurityInvestment", "SK텔레콤", "2025-07", "", "P5Y", "1", "A3", "remedy:skt-investment"),
        ("PenaltyWaiver", "SK텔레콤", "2025-07-05", "2025-07-14", "P10D", "1", "A3", "remedy:skt-waiver"),
    ]
    # the waiver has ended; a month as end date covers the whole month; before any start, only the open-start one
    assert [r[0] for r in rows(store, "remedies-in-force", date="2025-09-30")] == [
        "Compensation", "UsimReplacement", "SecurityInvestment"]
    assert [r[0] for r in rows(store, "remedies-in-force", date="2025-10-01")] == ["UsimReplacement", "SecurityInvestment"]
    assert [r[0] for r in rows(store, "remedies-in-force", date="2025-04-01")] == ["Compensation"]
    assert [r[0] for r in rows(store, "remedies-in-force", date="2025-07-10", org="kt")] == ["Compensation"]


def test_money_with_roles(store):
    assert rows(store, "money") == [
        ("5000000000", "KRW", "unclassified", "", "2025-05-02", "A2", "50억원", "mention:A2.money.50-55"),
        ("700000000000", "KRW", "investment", "SK텔레콤", "2025-07", "A3", "7000억원", "mention:A3.money.40-45"),
        ("134791000000", "KRW", "fine", "SK텔레콤", "2025-08-27", "A3", "1347억9100만원", "mention:A3.money.0-9"),
        ("170000000", "KRW", "estimated loss", "KT", "2025-08-28", "A3", "1억7000만원", "mention:A3.money.10-20"),
        ("242000000", "KRW", "estimated loss", "KT", "2025-09-15", "A4", "2억4200만원", "mention:A4.money.5-15"),
        ("10000", "KRW", "compensation", "KT", "2025-09-15", "A4", "1만원", "mention:A4.money.30-35"),
    ]
    assert [r[2] for r in rows(store, "money", org="SKT")] == ["investment", "fine"]


def test_incidents_with_remedies_and_sanctions(store):
    assert rows(store, "incident-responses") == [
        ("KT", "UnauthorizedPayment", "Remedy", "Compensation", "KT", "", "2025-09", "10000",
         "incident:kt-payment", "remedy:kt-compensation"),
        ("SK텔레콤", "DataLeak, Hacking", "Remedy", "UsimReplacement", "SK텔레콤", "2025-04-28", "", "",
         "incident:skt-usim", "remedy:skt-usim-replacement"),
        ("SK텔레콤", "DataLeak, Hacking", "Remedy", "SecurityInvestment", "SK텔레콤", "2025-07", "", "700000000000",
         "incident:skt-usim", "remedy:skt-investment"),
        ("SK텔레콤", "DataLeak, Hacking", "Remedy", "PenaltyWaiver", "SK텔레콤", "2025-07-05", "2025-07-14", "",
         "incident:skt-usim", "remedy:skt-waiver"),
        ("SK텔레콤", "DataLeak, Hacking", "Sanction", "CorrectiveOrder", "과학기술정보통신부", "", "", "",
         "incident:skt-usim", "sanction:msit-order"),
        ("SK텔레콤", "DataLeak, Hacking", "Sanction", "Fine", "개인정보보호위원회", "2025-08-27", "", "134791000000",
         "incident:skt-usim", "sanction:pipc-fine"),
    ]
    assert {r[8] for r in rows(store, "incident-responses", org="kt")} == {"incident:kt-payment"}


def test_sanctions_by_regulator(store):
    assert rows(store, "sanctions-by-regulator") == [
        ("개인정보보호위원회", "Fine", "SK텔레콤", "134791000000", "2025-08-27", "incident:skt-usim", "1", "A3",
         "sanction:pipc-fine"),
        ("과학기술정보통신부", "CorrectiveOrder", "SK텔레콤", "", "", "incident:skt-usim", "1", "A3",
         "sanction:msit-order"),
    ]
    assert [r[0] for r in rows(store, "sanctions-by-regulator", regulator="과기정통부")] == ["과학기술정보통신부"]


def test_persons_per_organization(store):
    assert rows(store, "persons") == [
        ("KT", "김영섭", "대표", "1", "person:kt_김영섭"),
        ("SK텔레콤", "유영상", "대표", "2", "person:sk-telecom_유영상"),
        ("개인정보보호위원회", "고학수", "위원장", "1", "person:pipc_고학수"),
    ]
    assert rows(store, "persons", org="개인정보위") == [("개인정보보호위원회", "고학수", "위원장", "1", "person:pipc_고학수")]


def test_figures_reported_differently(store):
    assert rows(store, "disagreements") == [
        ("KT", "VictimCount", "278", "명", "A3", "2025-08-28", "false", "figure:victims-278", "incident:kt-payment"),
        ("KT", "VictimCount", "362", "명", "A4", "2025-09-15", "true", "figure:victims-362", "incident:kt-payment"),
    ]


def test_articles_supporting_each_incident_by_date(store):
    assert rows(store, "incident-coverage") == [
        ("KT", "2025-08-28", "1", "A3", "2", "incident:kt-payment"),
        ("KT", "2025-09-15", "1", "A4", "2", "incident:kt-payment"),
        ("SK텔레콤", "2025-04-25", "1", "A1", "3", "incident:skt-usim"),
        ("SK텔레콤", "2025-05-02", "1", "A2", "3", "incident:skt-usim"),
        ("SK텔레콤", "2025-08-28", "1", "A3", "3", "incident:skt-usim"),
    ]


def test_evidence_behind_a_node_directly_and_through_its_figures(store):
    assert rows(store, "evidence", node="sanction:pipc-fine") == [
        ("A3", "2025-08-28", "0", "36", SANCTION_SENTENCE, "mention:A3.money.0-9", "sentence:A3.0"),
        ("A3", "2025-08-28", "0", "36", SANCTION_SENTENCE, "sanction:pipc-fine", "sentence:A3.0"),
    ]
    full = rows(store, "evidence", node="<https://w3id.org/tikg/id/person/sk-telecom_유영상>")
    assert [r[6] for r in full] == ["sentence:A1.1"]
    assert rows(store, "evidence", node="https://w3id.org/tikg/id/org/sk-telecom")[0][6] == "sentence:A1.0"


def test_every_bundled_query_has_a_header_and_a_test():
    queries = q.bundled()
    assert len(queries) >= 9
    for name, query in queries.items():
        assert query.title and query.question and query.example.startswith(f"kg query {name}"), name
        assert set(query.example_params()) <= {p.name for p in query.params}, name


# ------------------------------------------------------------------ parameters are RDF terms, never query text

@pytest.mark.parametrize("value", ['SKT") } ?s ?p ?o { ("', "SKT' } #", "x\\\" ) } DROP ALL", "KT\n} SELECT *"])
def test_parameters_cannot_change_the_query(store, value):
    assert rows(store, "timeline", org=value) == []


def test_values_clause_opens_the_outermost_group():
    query = q.Query(text="# a { comment\nPREFIX ex: <http://ex/{x}>\nSELECT ?x WHERE { ?x ?p ?o FILTER(?o = '{') }")
    text = q.with_values(query.text, {"org": q.to_term('a"b'), "d": q.to_term("2025-01-02", "date")})
    assert text.endswith('WHERE { VALUES (?d ?org) { ("2025-01-02"^^<http://www.w3.org/2001/XMLSchema#date> '
                         '"a\\"b") }  ?x ?p ?o FILTER(?o = \'{\') }')


@pytest.mark.parametrize("name, params, message", [
    ("timeline", {}, "query timeline needs --param org="),
    ("remedies-in-force", {"date": "July 10"}, "--param date: not a date (YYYY-MM-DD): 'July 10'"),
    ("persons", {"orgg": "KT"}, "query persons has no parameter 'orgg' (parameters: org)"),
    ("evidence", {"node": "nope:x y"}, "--param node: not an IRI or known prefixed name: 'nope:x y'"),
])
def test_bad_parameters_are_one_line_errors(name, params, message):
    with pytest.raises(q.QueryError) as err:
        q.bind_params(q.bundled()[name], params)
    assert str(err.value).startswith(message)


def test_resolve_file_inline_and_unknown(tmp_path):
    path = tmp_path / "mine.rq"
    path.write_text("SELECT * WHERE { ?s ?p ?o }", encoding="utf-8")
    assert q.resolve(str(path)).text == "SELECT * WHERE { ?s ?p ?o }"
    assert q.resolve("  select ?s { ?s ?p ?o }").name is None
    assert q.resolve("money").name == "money"
    with pytest.raises(q.QueryError, match="unknown bundled query 'monee'"):
        q.resolve("monee")
    with pytest.raises(q.QueryError, match="cannot read query file"):
        q.resolve(str(tmp_path / "missing.rq"))


# ------------------------------------------------------------------ output formats

def test_formats(store):
    query = q.bundled()["persons"]
    table = q.Table.of(q.run(store, query, q.bind_params(query, {"org": "SKT"})))
    assert q.format_results(table, "table") == (
        "organization  person  jobTitle  articles  node\n"
        "------------  ------  --------  --------  ------------------------\n"
        "SK텔레콤      유영상  대표             2  person:sk-telecom_유영상\n"
        "(1 row)\n")
    assert q.format_results(table, "csv") == (
        "organization,person,jobTitle,articles,node\r\n"
        "SK텔레콤,유영상,대표,2,https://w3id.org/tikg/id/person/sk-telecom_유영상\r\n")
    assert q.format_results(table, "tsv") == (
        "?organization\t?person\t?jobTitle\t?articles\t?node\n"
        '"SK텔레콤"\t"유영상"\t"대표"\t2\t<https://w3id.org/tikg/id/person/sk-telecom_유영상>\n')
    doc = json.loads(q.format_results(table, "json"))
    assert doc["head"]["vars"] == ["organization", "person", "jobTitle", "articles", "node"]
    assert doc["results"]["bindings"][0]["articles"] == {
        "type": "literal", "value": "2", "datatype": "http://www.w3.org/2001/XMLSchema#integer"}
    assert doc["results"]["bindings"][0]["node"]["type"] == "uri"


# ------------------------------------------------------------------ the command

def test_cli_query_list(capsys):
    assert main(["query", "--list"]) == 0
    out = capsys.readouterr().out
    for name in q.bundled():
        assert out.count(f"\n{name}  —  ") + out.startswith(f"{name}  —  ") == 1
    assert "--param org=<string>  (required)" in out


def test_cli_query_runs_with_graph_and_params(capsys):
    assert main(["query", str(GRAPH), "persons", "--param", "org=kt", "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines()[1].startswith("KT,김영섭,대표,1,")
    assert main(["query", str(GRAPH), "SELECT (COUNT(*) AS ?n) WHERE { ?i a tikg:Incident }", "-f", "tsv"]) == 0
    assert capsys.readouterr().out == "?n\n2\n"
    assert main(["query", str(GRAPH), "ASK { org:kt a tikg:Company }"]) == 0
    assert capsys.readouterr().out == "true\n"


@pytest.mark.parametrize("argv, message", [
    (["query", "/nonexistent/graph.ttl", "money"], "kg query: graph not found: /nonexistent/graph.ttl\n"),
    (["query", str(GRAPH), "monee"], "kg query: unknown bundled query 'monee'"),
    (["query", str(GRAPH), "SELECT ?x WHERE { ?x a }"], "kg query: bad query: "),
    (["query", str(GRAPH), "timeline"], "kg query: query timeline needs --param org="),
    (["query", str(GRAPH), "persons", "-p", "org"], "kg query: --param wants NAME=VALUE, got 'org'"),
])
def test_cli_errors_are_one_line(capsys, argv, message):
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.startswith(message) and err.count("\n") == 1


# ------------------------------------------------------------------ goldens on the sample corpus

def test_goldens_on_the_sample_corpus(seed_build):
    """Regenerate with: .venv/bin/python -m kg.query --regen-goldens"""
    produced = q.golden_outputs(seed_build.kg.store())
    on_disk = {p.name: p.read_text(encoding="utf-8") for p in sorted(q.GOLDEN_DIR.glob("*.tsv"))}
    assert sorted(on_disk) == sorted(produced), "run: .venv/bin/python -m kg.query --regen-goldens"
    for name, text in produced.items():
        assert text == on_disk[name], f"{name} differs; if intended, run: .venv/bin/python -m kg.query --regen-goldens"
