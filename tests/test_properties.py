"""Property-based tests: arbitrary Unicode in bodies and front matter never crashes the build, and
whatever is built re-parses in Oxigraph and conforms to ontology/shapes.ttl."""
from __future__ import annotations

import tempfile
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, event, given, settings, strategies as st
from hypothesis.control import currently_in_test_context

from tests.conftest import ROOT

from kg.build import Skip, assemble_facts, extract_file
from kg.graph import ArticleFacts
from kg.vocab import DEFAULT_BASE_IRI

pyshacl = pytest.importorskip("pyshacl")

ONTOLOGY = ROOT / "ontology"
# Pieces of real article text, so that the extractors have something to find between the noise.
SNIPPETS = [
    "KT는 ", "SK텔레콤이 ", "LG유플러스 ", "과학기술정보통신부는 ", "김영섭 KT 대표는 ", "지난 9월 1일부터 ",
    "2월 30일 ", "내년 1월 13일까지 ", "2만2227명 ", "1억4000만원 ", "서버 94대가 악성코드 103종에 감염됐다. ",
    "위약금을 면제한다. ", "과징금 1348억원을 부과했다. ", "유심을 무상 교체한다. ", "&quot;사과드린다&quot;고 말했다. ",
    "\n\n", "\n", "# ", "---", "**", ". ", "…", "·", "(", ")", "%", "&amp;", "&#x27;", "<script>", "\t",
]
ANY_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
BODY = st.lists(st.one_of(ANY_TEXT, st.sampled_from(SNIPPETS)), min_size=1, max_size=40).map("".join)
VALUE = st.one_of(ANY_TEXT, st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30))
DATES = st.one_of(
    st.datetimes().map(lambda d: d.strftime("%Y-%m-%d %H:%M")),
    st.sampled_from(["2025-13-45", "2025-02-30 10:00", "0001-01-01", "9999-12-31 23:59", "2025-10-18T07:10:00+09:00"]),
    ANY_TEXT)
FIELD = st.sampled_from(["title", "publisher", "author", "url", "category", "oid", "crawled_at"])


def article_bytes(id_: str, published: str, fields: list[tuple[str, str]], body: str, quote_title: bool) -> bytes:
    lines = ["---", f"id: {id_}", f"published_at: {published}"]
    for name, value in fields:
        lines.append(f'{name}: "{value}"' if quote_title and name == "title" else f"{name}: {value}")
    return ("\n".join(lines) + "\n---\n\n" + body + "\n").encode("utf-8", "surrogatepass")


def build_one(data: bytes):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "article.txt"
        path.write_bytes(data)
        return extract_file(data, str(path))


def check_outcome(outcome) -> ArticleFacts | None:
    if currently_in_test_context():
        event("skipped" if isinstance(outcome, Skip) else "built")
    if isinstance(outcome, Skip):
        assert "\n" not in outcome.problem
        assert not outcome.problem.startswith(("extractor failed", "could not be read")), outcome.problem
        return None
    for m in outcome.mentions:
        assert outcome.article.body[m.start:m.end] == m.surface
    return outcome


def check_graph(facts: list[ArticleFacts], shapes: bool) -> None:
    from kg.export import FORMATS
    skipped: list[Skip] = []
    kg = assemble_facts(facts, DEFAULT_BASE_IRI, skipped)  # what build() does: a bad article is skipped
    assert all("\n" not in s.problem for s in skipped)
    if not kg.digests:
        return
    with tempfile.TemporaryDirectory() as out:
        written = FORMATS["ttl"](kg, Path(out))
        store = ox.Store()
        store.load(path=str(written))
        assert len(store) == len(kg.triples)
        if shapes:
            import rdflib
            data = rdflib.Graph().parse(written)
            conforms, _, report = pyshacl.validate(data, shacl_graph=SHAPES, ont_graph=ONTOLOGY_GRAPH,
                                                   inference="none")
            assert conforms, report


def _load(name):
    import rdflib
    return rdflib.Graph().parse(ONTOLOGY / name)


SHAPES = _load("shapes.ttl")
ONTOLOGY_GRAPH = _load("tikg.ttl")
FAST = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(body=BODY)
def test_any_body_builds_or_is_skipped_with_one_line(body):
    facts = check_outcome(build_one(article_bytes("prop_1", "2025-10-18 07:10", [("title", "제목")], body, True)))
    if facts is not None:
        check_graph([facts], shapes=False)


@FAST
@given(id_=VALUE, published=DATES, fields=st.lists(st.tuples(FIELD, VALUE), max_size=6), quote=st.booleans())
def test_any_front_matter_value_builds_or_is_skipped_with_one_line(id_, published, fields, quote):
    data = article_bytes(id_, published, fields, "KT는 30일 서버 94대가 악성코드에 감염됐다고 밝혔다.", quote)
    facts = check_outcome(build_one(data))
    if facts is not None:
        check_graph([facts], shapes=False)


@SLOW
@given(id_=VALUE, published=DATES, fields=st.lists(st.tuples(FIELD, VALUE), max_size=4), body=BODY,
       body2=BODY)
def test_what_is_built_conforms_to_the_shapes(id_, published, fields, body, body2):
    first = check_outcome(build_one(article_bytes(id_, published, fields, body, True)))
    second = check_outcome(build_one(article_bytes("prop_2", "2025-10-19 08:00", [("publisher", "여울일보")],
                                                   body2.replace("\x00", "") + "\n\nKT는 30일 사과했다.", False)))
    assert second is not None  # a body with text after arbitrary noise always builds
    facts = sorted([f for f in (first, second) if f is not None], key=lambda f: f.article.id)
    if facts and len({f.article.id for f in facts}) == len(facts):
        check_graph(facts, shapes=True)


@pytest.mark.parametrize("name", ["\x90", "\ufff0", "\ue000"])
def test_a_publisher_with_a_character_iris_forbid_still_builds(name):
    data = article_bytes("prop_iri", "2025-10-18 07:10", [("publisher", f"여울{name}일보")], "KT는 사과했다.", False)
    facts = check_outcome(build_one(data))
    skipped: list[Skip] = []
    kg = assemble_facts([facts], DEFAULT_BASE_IRI, skipped)
    assert skipped == []
    assert len(kg.digests) == 1


@pytest.mark.parametrize("body", ["지난1일 KT는 사과했다.", "지난달 KT는 사과했다.", "작년 KT는 사과했다."])
def test_relative_dates_before_year_one_are_no_dates(body):
    """An article dated 0001-01-01 (found by hypothesis): 지난 1일 would be in year 0, which has no calendar."""
    facts = check_outcome(build_one(article_bytes("prop_y0", "0001-01-01 00:00", [], body, False)))
    assert facts is not None
    assert all(m.value is None or not str(m.value).startswith("0000") for m in facts.mentions if m.kind == "date")
    check_graph([facts], shapes=True)
