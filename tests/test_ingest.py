from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone

import pytest

import kg.ingest

from kg.ingest import ArticleError, parse_article, parse_front_matter, read_article, read_article_bytes
from tests.conftest import SEEDS, make_article

REAL = SEEDS / "000_e8d50b9dfa644ccd.txt"


def test_real_crawl_front_matter_is_read_as_strings():
    a = read_article(REAL)
    assert a.id == "014_0005456133"  # YAML 1.1 would have made this a number
    assert a.fields["oid"] == "014" and a.fields["aid"] == "0005456133"
    # the author spans tab-indented lines that yaml.safe_load rejects
    assert a.fields["author"] == "장민권 기자 (mkchang@fnnews.com)"
    assert a.fields["category"] == ""
    assert a.published_at == datetime(2025, 12, 30, 0, 0, tzinfo=timezone(timedelta(hours=9)))


def test_title_and_body_are_unescaped():
    a = read_article(REAL)
    assert a.title == "\"깊이 사과\"… 다시 고개 숙인 KT, 내달 13일까지 해지 위약금 면제"
    assert "&quot;" not in a.body and "&#x27;" not in a.body
    assert "'정보보안 혁신방안' 발표" in a.body


def test_sentences_have_exact_offsets(seed_articles):
    for a in seed_articles.values():
        assert a.sentences
        for s in a.sentences:
            assert a.body[s.start:s.end] == s.text


def test_run_together_subheadlines_are_split():
    texts = [s.text for s in read_article(REAL).sentences]
    assert texts[1:6] == [
        "KT '정보보안 혁신방안' 발표",
        "9월부터 해지한 고객도 소급적용",
        "6개월간 100GB 데이터·OTT 제공",
        "인기 멤버십 할인도 6개월간 운영",
        "'정보보안 혁신 태스크포스' 출범",
    ]


def test_headline_is_a_sentence_and_crawler_boilerplate_is_not(seed_articles):
    a = seed_articles["901_0000000014"]
    texts = [s.text for s in a.sentences]
    assert texts[0] == "KT \"불법 초소형 기지국이 원인\"…무단 소액결제 피해 278명·1억7000만원"
    assert not any(t.startswith(("**", "*Crawled", "*Source", "---")) for t in texts)


def test_body_sentences_end_at_final_punctuation():
    a = make_article("KT가 사과했다. 이어 \"재발을 막겠다.\" 김 대표는 말했다. 서버 9.82GB가 유출됐다.")
    assert [s.text for s in a.sentences][1:] == [
        "KT가 사과했다.", "이어 \"재발을 막겠다.\"", "김 대표는 말했다.", "서버 9.82GB가 유출됐다."]


def test_a_date_written_with_spaced_periods_is_not_cut():
    a = make_article("행사는 2025. 7. 4. 열렸다. 다음 문장이다.")
    assert [s.text for s in a.sentences][1:] == ["행사는 2025. 7. 4. 열렸다.", "다음 문장이다."]


def test_front_matter_continuation_lines_and_quotes():
    fields = parse_front_matter(["title: \"a &quot;b&quot; \\\"c\\\"\"", "author: ", "\t\t", "\t 이름 기자", "id: 007"])
    assert fields == {"title": "a &quot;b&quot; \"c\"", "author": "이름 기자", "id": "007"}


@pytest.mark.parametrize("data, problem", [
    (b"", "empty file"),
    (b"no front matter\n", "no front matter"),
    (b"---\nid: 1\n", "front matter is not closed"),
    (b"---\ntitle: x\npublished_at: 2025-01-01 00:00\n---\nbody\n", "front matter has no 'id'"),
    (b"---\nid: 1\n---\nbody\n", "front matter has no 'published_at'"),
    (b"---\nid: 1\npublished_at: 2025-13-45\n---\nbody\n", "'published_at' is not a valid date"),
    (b"---\nid: 1\npublished_at: 2025-01-01 00:00\n---\n\n", "article has no body"),
    (b"---\nid: 1\npublished_at: 2025-01-01\n---\n\xff\xfe bad\n", "not UTF-8"),
    (b"\x00\x01\x02binary", "binary file"),
])
def test_bad_input_gets_one_clear_error(data, problem):
    with pytest.raises(ArticleError) as err:
        parse_article(data, "bad.txt")
    assert problem in str(err.value)
    assert str(err.value).startswith("bad.txt: ")
    assert "\n" not in str(err.value)


class _StatSays:
    """A path whose stat reports ``size`` bytes, whatever the file holds (a file that grew after stat)."""

    def __init__(self, path, size):
        self.path, self.size = path, size

    def stat(self):
        info = os.stat(self.path)
        return os.stat_result((info.st_mode, *info[1:6], self.size, *info[7:]))

    def __fspath__(self):
        return str(self.path)


def test_a_file_that_grew_after_stat_is_read_whole_or_refused(tmp_path, monkeypatch):
    path = tmp_path / "a.txt"
    path.write_bytes(b"x" * 5000)
    assert read_article_bytes(_StatSays(path, 10)) == b"x" * 5000
    monkeypatch.setattr(kg.ingest, "MAX_ARTICLE_BYTES", 4096)
    with pytest.raises(ArticleError, match="over the 0 MB limit"):
        read_article_bytes(_StatSays(path, 10))
