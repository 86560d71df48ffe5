"""Resource files load, reject malformed rules with a clear message, and their examples run."""
from __future__ import annotations

import pytest

from kg.ingest import run_together_cuts
from kg.resources import RESOURCE_DIR, ResourceError, load_resource, read_yaml
from tests.conftest import make_article


@pytest.mark.parametrize("name", sorted(p.stem for p in RESOURCE_DIR.glob("*.yaml")))
def test_every_resource_is_valid_yaml_with_an_id(name):
    data = read_yaml(name)
    assert isinstance(data, dict) and data.get("id") == name


def test_malformed_rule_names_file_and_rule():
    from kg.extract.organizations import prepare_lexicon
    with pytest.raises(ResourceError, match=r"kg/resources/organizations.yaml, rule 'x': missing key 'type'"):
        prepare_lexicon({"organizations": [{"key": "x", "name": "X"}], "discovery": []})
    with pytest.raises(ResourceError, match="alias 'A' also belongs to 'a'"):
        prepare_lexicon({"organizations": [{"key": "a", "name": "A", "type": "Company"},
                                           {"key": "b", "name": "B", "type": "Company", "aliases": ["A"]}],
                         "discovery": []})


def _sentence_examples():
    for rule in read_yaml("sentences")["boundaries"]:
        for ex in rule["examples"]:
            yield pytest.param(ex["text"], ex["cut_after"], id=f"{rule['id']}:{ex['text']}")


@pytest.mark.parametrize("text, cut_after", list(_sentence_examples()))
def test_sentence_boundary_examples(text, cut_after):
    cuts = run_together_cuts(text)
    if cut_after is None:
        assert cuts == []
    else:
        assert text.index(cut_after) + len(cut_after) in cuts


def _discovery_examples():
    for rule in read_yaml("organizations")["discovery"]:
        for ex in rule.get("examples", []):
            yield pytest.param(ex, rule["type"], id=f"{rule['id']}:{ex}")


@pytest.mark.parametrize("name, org_type", list(_discovery_examples()))
def test_organization_discovery_examples(name, org_type):
    from kg.extract.organizations import extract_organizations
    article = make_article(f"이번 발표에서 {name}는 입장을 밝혔다.")
    found = [(m.surface, m.get("type")) for m in extract_organizations(article) if m.start >= article.sentences[1].start]
    assert found == [(name, org_type)]


@pytest.mark.parametrize("ex", read_yaml("persons")["examples"], ids=lambda ex: ex["text"])
def test_person_examples(ex):
    from kg.extract import extract_article
    from kg.extract.organizations import lexicon
    article = make_article(ex["text"] + " 말했다.")
    found = [(m.value, m.get("title"), m.get("org")) for m in extract_article(article) if m.kind == "person"]
    assert (ex["name"], ex["title"], lexicon().by_surface[ex["org"]]) in found


@pytest.mark.parametrize("ex", read_yaml("grammar")["examples"], ids=lambda ex: ex["word"])
def test_grammar_examples(ex):
    from kg.extract.korean import strip_particles
    assert ex["stem"] in strip_particles(ex["word"])
    assert ex["word"] == ex["stem"] + ex["rest"]
