"""Sentence splitting reads only the end of the text before each cut (kg.ingest._ends_with_dotted_date)."""
from __future__ import annotations

import random
from re import _parser

from kg import ingest
from kg.ingest import Paragraph, split_sentences


def test_the_dotted_date_search_looks_back_far_enough():
    assert _parser.parse(ingest._DOTTED_DATE.pattern).getwidth()[1] == ingest._DOTTED_DATE_LONGEST


def test_looking_back_a_little_is_searching_the_whole_text():
    rng = random.Random(3)
    pieces = ["2025.", "7.", "4.", " ", "12.", "31.", "19", "99.", "1", "다", "음.", "\n", "!", "?"]
    for _ in range(2000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 12)))
        for end in range(len(text) + 1):
            assert ingest._ends_with_dotted_date(text, end) == bool(ingest._DOTTED_DATE.search(text, 0, end)), (text, end)


def test_a_date_with_spaces_does_not_end_a_sentence():
    text = "행사는 2025. 7. 4. 열렸다. 2024.12.31. 마감됐다. 다음 문장이다."
    assert [s.text for s in split_sentences(text, Paragraph(0, len(text), text))] == [
        "행사는 2025. 7. 4. 열렸다.", "2024.12.31. 마감됐다.", "다음 문장이다."]
