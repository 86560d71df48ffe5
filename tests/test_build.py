"""The whole path on the sample corpus: determinism, independent re-parse, SHACL, identity, committed exports."""
from __future__ import annotations

import filecmp
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from tests.conftest import ROOT, SEEDS, export_names

ONTOLOGY = ROOT / "ontology"


def kg_build(out: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg", "build", str(SEEDS), "--out", str(out), *extra],
                          capture_output=True, text=True, cwd=ROOT)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("build")
    proc = kg_build(out)
    assert proc.returncode == 0, proc.stderr
    return out


def test_two_builds_are_byte_identical(built, tmp_path):
    assert kg_build(tmp_path, "-q").returncode == 0
    names = export_names(built)
    assert "graph.ttl" in names
    match, mismatch, errors = filecmp.cmpfiles(built, tmp_path, names, shallow=False)
    assert mismatch == [] and errors == []


def test_committed_exports_are_current(built):
    """exports/ is what `make demo` builds from seeds/ (regenerate: `make demo`)."""
    exports = ROOT / "exports"
    fresh = export_names(built)
    committed = export_names(exports)
    assert committed == fresh
    match, mismatch, errors = filecmp.cmpfiles(built, exports, fresh, shallow=False)
    assert mismatch == [], f"stale exports {mismatch}: run `make demo`"


def test_export_reparses_in_oxigraph_with_same_triples(built, seed_build):
    store = ox.Store()
    store.load(path=str(built / "graph.ttl"))
    assert len(store) == len(seed_build.kg.triples)
    rows = list(store.query("PREFIX schema: <https://schema.org/> SELECT (COUNT(?a) AS ?n) WHERE { ?a a schema:NewsArticle }"))
    assert rows[0]["n"].value == "9"


def test_export_conforms_to_shapes(built):
    pyshacl = pytest.importorskip("pyshacl")
    import rdflib
    data = rdflib.Graph().parse(built / "graph.ttl")
    conforms, _, report = pyshacl.validate(
        data, shacl_graph=rdflib.Graph().parse(ONTOLOGY / "shapes.ttl"),
        ont_graph=rdflib.Graph().parse(ONTOLOGY / "tikg.ttl"), inference="rdfs")
    assert conforms, report


def test_every_organization_is_one_node_across_articles(seed_build):
    from collections import defaultdict
    from kg.vocab import SCHEMA
    names = defaultdict(set)
    for t in seed_build.kg.triples:
        if t.predicate == SCHEMA.name:
            names[t.object.value].add(t.subject.value)
    assert names["KT"] == {"https://w3id.org/tikg/id/org/kt"}
    assert names["SK텔레콤"] == {"https://w3id.org/tikg/id/org/sk-telecom"}
    kt = ox.NamedNode("https://w3id.org/tikg/id/org/kt")
    derived = {t.object.value.rsplit("/", 1)[-1] for t in seed_build.kg.triples
               if t.subject == kt and t.predicate.value.endswith("wasDerivedFrom")}
    assert derived == {"014_0005456133", "901_0000000014", "902_0000000016", "903_0000000018",
                       "904_0000000015", "905_0000000017"}


def test_evidence_offsets_point_into_the_unescaped_body(seed_build, seed_articles):
    store = seed_build.kg.store()
    rows = store.query("""PREFIX schema: <https://schema.org/> PREFIX tikg: <https://w3id.org/tikg/ontology#>
        SELECT ?id ?text ?s ?e WHERE { ?x a tikg:Sentence ; schema:text ?text ; tikg:startOffset ?s ;
        tikg:endOffset ?e ; schema:isPartOf/schema:identifier ?id }""")
    n = 0
    for r in rows:
        body = seed_articles[r["id"].value].body
        assert body[int(r["s"].value):int(r["e"].value)] == r["text"].value
        n += 1
    assert n > 50


def test_python_api_returns_rdflib_graph_and_skips():
    import kg
    result = kg.build_graph([SEEDS], base_iri="https://example.org/kg/")
    import rdflib
    assert isinstance(result.graph, rdflib.Graph)
    assert result.skipped == []
    assert (rdflib.URIRef("https://example.org/kg/org/kt"), rdflib.namespace.RDF.type, None) in result.graph


def test_cli_help_and_version():
    out = subprocess.run([sys.executable, "-m", "kg", "build", "--help"], capture_output=True, text=True).stdout
    assert "--out" in out and "exit codes" in out
    from kg import __version__
    assert subprocess.run([sys.executable, "-m", "kg", "--version"], capture_output=True, text=True).stdout.strip() \
        == f"kg {__version__}"
