from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def seed_paths() -> list[Path]:
    return sorted(SEEDS.glob("*.txt"))


@pytest.fixture(scope="session")
def seed_articles(seed_paths):
    from kg.ingest import read_article
    return {a.id: a for a in map(read_article, seed_paths)}


@pytest.fixture(scope="session")
def seed_build(seed_paths):
    from kg.build import build
    return build([SEEDS])


def make_article(body: str, published_at: str = "2025-12-30 00:00", title: str = "제목", extra: str = ""):
    """An in-memory article for tests of sentences we write ourselves."""
    from kg.ingest import parse_article
    text = (f"---\nid: test_0001\ntitle: \"{title}\"\npublisher: 테스트일보\nauthor: 홍길동 기자 (gd@example.com)\n"
            f"published_at: {published_at}\nurl: https://news.example.com/t/1\n{extra}---\n\n# {title}\n\n{body}\n")
    return parse_article(text.encode("utf-8"), "test.txt")


def export_names(folder: Path) -> list[str]:
    """The export files in ``folder``, sorted; the build's own state (.kg-cache, .kg-build.json) starts with a dot."""
    return sorted(p.name for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
