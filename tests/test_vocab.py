"""kg/vocab.py and ontology/tikg.ttl agree: every term the code can write is defined, and the reverse."""
from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg.vocab import TIKG, TIKG_IRI
from tests.conftest import ROOT


def ontology_terms() -> dict[str, set[str]]:
    store = ox.Store()
    store.load(path=str(ROOT / "ontology" / "tikg.ttl"))
    terms = {}
    for r in store.query(f"""SELECT ?t ?label ?lang WHERE {{ ?t ?p ?o .
            OPTIONAL {{ ?t <http://www.w3.org/2000/01/rdf-schema#label>|<http://www.w3.org/2004/02/skos/core#prefLabel> ?label
                       BIND(LANG(?label) AS ?lang) }}
            FILTER(STRSTARTS(STR(?t), "{TIKG_IRI}")) }}"""):
        terms.setdefault(r["t"].value[len(TIKG_IRI):], set()).add(r["lang"].value if r["lang"] else "")
    return terms


def test_code_and_ontology_define_the_same_terms():
    defined = ontology_terms()
    assert sorted(TIKG.terms - defined.keys()) == []
    assert sorted(defined.keys() - TIKG.terms) == []


def test_every_term_has_korean_and_english_labels():
    missing = {t: langs for t, langs in ontology_terms().items() if not {"ko", "en"} <= langs}
    assert missing == {}


def test_misspelt_term_is_rejected():
    with pytest.raises(AttributeError, match="not a term"):
        TIKG.Incidnet  # noqa: B018
