"""Fixtures for the export tests: the hand-written graph, the seeds' build, the XSS article's build."""
from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace

import pyoxigraph as ox
import pytest

TESTS = Path(__file__).resolve().parent.parent
ROOT = TESTS.parent
sys.path.insert(0, str(TESTS / "browser"))


def fixture_graph() -> SimpleNamespace:
    """tests/fixtures/views_graph.ttl as the writers see a graph (they read ``.triples``)."""
    quads = ox.parse(path=str(TESTS / "fixtures" / "views_graph.ttl"), format=ox.RdfFormat.TURTLE)
    return SimpleNamespace(triples=sorted((q.triple for q in quads), key=str))


@pytest.fixture(scope="session")
def fixture_kg():
    return fixture_graph()


@pytest.fixture(scope="session")
def seeds_kg():
    from kg.build import build
    return build([ROOT / "seeds"]).kg


@pytest.fixture(scope="session")
def xss_kg():
    from kg.build import build
    return build([TESTS / "fixtures" / "xss"]).kg


@pytest.fixture(scope="session")
def browser():
    from chromium import CHROMIUM, Browser
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (make browser installs it)")
    b = Browser()
    yield b
    b.close()
