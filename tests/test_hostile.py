"""Hostile and broken input: one clear line per bad file, every other article still builds, exit 3; --strict fails.

Small bad files live in tests/fixtures/hostile/; the big, binary and symlink-loop ones are made here.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from tests.conftest import FIXTURES, ROOT

HOSTILE = FIXTURES / "hostile"
GOOD_IDS = {"hostile_good_1", "hostile_good_2", "hostile_feb_30", "hostile_dup", "hostile_url", "hostile_html"}

# file name -> words its one `skipped` line must contain
EXPECTED_SKIPS = {
    "no_front_matter.txt": "no front matter",
    "malformed_front_matter.txt": "malformed front matter at line 4",
    "unclosed_front_matter.txt": "front matter is not closed",
    "missing_id.txt": "no 'id'",
    "missing_published_at.txt": "no 'published_at'",
    "missing_body.txt": "no body",
    "impossible_published_at.txt": "'published_at' is not a valid date and time: '2025-13-45'",
    "non_utf8.txt": "not UTF-8",
    "empty.txt": "empty file",
    "duplicate_id_b.txt": "duplicate id 'hostile_dup': different content from",
    "binary.png.txt": "binary file",
    "huge.txt": "20 MB, over the 5 MB limit",
    "loop": "symlink loop",
    "loop_a.txt": "Too many levels of symbolic links",
    "loop_b.txt": "Too many levels of symbolic links",
}


def make_corpus(folder: Path) -> Path:
    shutil.copytree(HOSTILE, folder)
    (folder / "binary.png.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    with open(folder / "huge.txt", "wb") as handle:  # 20 MB of article-looking text
        head = (HOSTILE / "good_first.txt").read_bytes().replace(b"hostile_good_1", b"hostile_huge")
        handle.write(head + "KT는 서버를 점검했다. ".encode() * (20 * 1024 * 1024 // 30))
    os.symlink(".", folder / "loop")  # a folder that contains itself
    os.symlink("loop_b.txt", folder / "loop_a.txt")  # two links pointing at each other
    os.symlink("loop_a.txt", folder / "loop_b.txt")
    return folder


def kg_build(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg", "build", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=300)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile")
    corpus = make_corpus(base / "in")
    proc = kg_build(str(corpus), "--out", str(base / "out"), "--jobs", "2", "--no-cache")
    return corpus, base / "out", proc


def skip_lines(stderr: str) -> dict[str, str]:
    lines = {}
    for line in stderr.splitlines():
        match = re.match(r"^skipped (.+?): (.+)$", line)
        if match:
            lines[Path(match.group(1)).name] = match.group(2)
    return lines


def test_exit_code_3_says_files_were_skipped(hostile):
    _, _, proc = hostile
    assert proc.returncode == 3, proc.stderr


@pytest.mark.parametrize("name", sorted(EXPECTED_SKIPS))
def test_each_bad_file_gets_one_line_naming_it_and_its_problem(hostile, name):
    corpus, _, proc = hostile
    lines = [l for l in proc.stderr.splitlines() if l.startswith(f"skipped {corpus / name}: ")]
    assert len(lines) == 1, proc.stderr
    assert EXPECTED_SKIPS[name] in lines[0]


def test_nothing_else_is_skipped_and_no_extractor_failed(hostile):
    _, _, proc = hostile
    skipped = skip_lines(proc.stderr)
    assert set(skipped) == set(EXPECTED_SKIPS)
    assert not [l for l in proc.stderr.splitlines() if "extractor failed" in l or "Traceback" in l]


def test_every_other_article_still_builds(hostile):
    _, out, _ = hostile
    store = ox.Store()
    store.load(path=str(out / "graph.ttl"))
    ids = {row["id"].value for row in store.query(
        "PREFIX schema: <https://schema.org/> SELECT ?id WHERE { ?a a schema:NewsArticle ; schema:identifier ?id }")}
    assert ids == GOOD_IDS


def test_impossible_date_in_a_body_does_not_break_the_article(hostile):
    """'2월 30일' is text the date tagger must survive; the article is in the graph."""
    _, out, _ = hostile
    assert "hostile_feb_30" in (out / "graph.ttl").read_text(encoding="utf-8")


def test_a_url_with_spaces_quotes_and_angle_brackets_gives_a_valid_iri(hostile):
    _, out, _ = hostile
    store = ox.Store()
    store.load(path=str(out / "graph.ttl"))
    rows = list(store.query("PREFIX schema: <https://schema.org/> SELECT ?u WHERE { "
                            "?a schema:identifier 'hostile_url' ; schema:url ?u }"))
    assert len(rows) == 1
    assert not re.search(r"[ \"<>{}|\\^`]", rows[0]["u"].value)


def test_html_and_script_stay_text(hostile):
    """Markup in titles and bodies is data: it never reaches an HTML export as live markup."""
    _, out, _ = hostile
    for page in out.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "<script>alert(1)</script>" not in text, page.name
        assert "<img src=x onerror" not in text, page.name
    store = ox.Store()
    store.load(path=str(out / "graph.ttl"))
    rows = list(store.query("PREFIX schema: <https://schema.org/> SELECT ?t WHERE { "
                            "?a schema:identifier 'hostile_html' ; schema:headline ?t }"))
    assert rows and rows[0]["t"].value.startswith("<script>alert(1)</script> KT <b>")


def test_strict_fails_and_writes_nothing(tmp_path):
    corpus = make_corpus(tmp_path / "in")
    proc = kg_build(str(corpus), "--out", str(tmp_path / "out"), "--strict", "--jobs", "1")
    assert proc.returncode == 1
    assert "--strict" in proc.stderr and "nothing written" in proc.stderr
    assert len(skip_lines(proc.stderr)) == len(EXPECTED_SKIPS)
    assert not [p for p in (tmp_path / "out").glob("*") if not p.name.startswith(".")]


def test_strict_on_clean_input_succeeds(tmp_path):
    corpus = tmp_path / "in"
    corpus.mkdir()
    shutil.copy(HOSTILE / "good_first.txt", corpus)
    proc = kg_build(str(corpus), "--out", str(tmp_path / "out"), "--strict")
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "out" / "graph.ttl").exists()


def test_exit_codes_are_documented_in_help():
    proc = kg_build("--help")
    assert proc.returncode == 0
    assert "3 built, but some input files were skipped" in proc.stdout
    assert "--strict" in proc.stdout


def test_an_extractor_that_raises_costs_one_article_with_a_one_line_reason(monkeypatch):
    import kg.extract as extract
    from kg.build import build

    def explode(article, found):
        if article.id == "hostile_good_2":
            raise ZeroDivisionError("division by zero")
        return []

    monkeypatch.setattr(extract, "EXTRACTORS", extract.EXTRACTORS + [("explode", explode)])
    result = build([HOSTILE / "good_first.txt", HOSTILE / "good_second.txt"])
    assert [a.id for a in result.articles] == ["hostile_good_1"]
    (skip,) = result.skipped
    assert skip.path.endswith("good_second.txt")
    assert skip.problem.startswith("extractor failed (")
    assert "ZeroDivisionError: division by zero" in skip.problem and "\n" not in skip.problem
