"""Persons: a Korean name beside a job title and, where the text gives one, an employer.

News writes them in three orders (``유영상 SK텔레콤 대표``, ``SK텔레콤 유영상
대표``, ``SK텔레콤 대표 유영상``) and, once introduced, as ``김영섭 대표``; a
name written with a title but no employer takes the employer it has
elsewhere in the same article.

Mention value: the name. ``attrs``: ``title``, ``org`` (an organization
key, or absent), ``order`` (which pattern matched).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from kg.extract.korean import is_hangul, strip_particles
from kg.ingest import Article
from kg.mention import Found, Mention, make_attrs
from kg.resources import alternation, compile_pattern, load_resource, require

KIND = "person"
_TOKEN = re.compile(r"[^\s,·…\"'“”‘’()\[\]]+")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


@dataclass(frozen=True)
class PersonRules:
    title: re.Pattern
    any_title: re.Pattern  # a title word anywhere: a sentence without one names no person
    surnames: frozenset
    not_names: frozenset
    author_titles: frozenset


def prepare_person_rules(data: dict) -> PersonRules:
    require("persons", data, ("titles", "surnames", "not_names", "author_titles"))
    titles = "|".join(re.escape(t) for t in sorted(data["titles"], key=len, reverse=True))
    prefix = int(data.get("max_title_prefix", 10))
    title = compile_pattern("persons", "titles", rf"[가-힣A-Za-z0-9]{{0,{prefix}}}(?:{titles})")
    any_title = compile_pattern("persons", "titles", alternation(data["titles"]))
    return PersonRules(title, any_title, frozenset(data["surnames"]), frozenset(data["not_names"]),
                       frozenset(data["author_titles"]))


def rules() -> PersonRules:
    return load_resource("persons", prepare_person_rules)


class Token(NamedTuple):
    start: int  # offsets in the body
    end: int
    text: str


def extract_persons(article: Article, found: Found) -> list[Mention]:
    r = rules()
    raw: list[tuple[Token, str, str | None, str, str]] = []  # (name token, name, org key, title, order)
    for sentence in article.sentences:
        if not r.any_title.search(sentence.text):  # every order needs a title
            continue
        tokens = [Token(sentence.start + m.start(), sentence.start + m.end(), m.group(0))
                  for m in _TOKEN.finditer(sentence.text)]
        org_at = _orgs_by_token(tokens, found.starting_in(sentence.start, sentence.end, "organization"))
        for i in range(len(tokens)):
            hit = _match_at(tokens, i, org_at)
            if hit:
                raw.append(hit)
    employer = {}
    for _tok, name, org, _title, _order in raw:
        if org:
            employer.setdefault(name, org)
    mentions, seen = [], set()
    for tok, name, org, title, order in raw:
        if not org and name in employer:
            org = employer[name]
        elif not org:  # "KT는 이튿날인 30일 김영섭 대표가": the organization the sentence is about
            org = _sentence_org_before(article, found, tok.start)
            order += "+sentence-org" if org else ""
        key = (tok.start, name)
        if key in seen:
            continue
        seen.add(key)
        mentions.append(Mention(KIND, tok.start, tok.start + len(name), name, name, f"person:{order}",
                                make_attrs(title=title, org=org, order=order)))
    return mentions


def _sentence_org_before(article: Article, found: Found, offset: int) -> str | None:
    sentence = article.sentences[article.sentence_at(offset)]
    before = found.starting_in(sentence.start, offset, "organization")
    return before[-1].value if before else None


def _orgs_by_token(tokens: list[Token], orgs: list[Mention]) -> dict[int, tuple[int, str]]:
    """token index -> (index of the org's last token, org key) for orgs that start a token."""
    if not orgs:
        return {}
    starts = {t.start: i for i, t in enumerate(tokens)}
    result = {}
    for m in orgs:
        i = starts.get(m.start)
        if i is None:
            continue
        j = i
        while j < len(tokens) and tokens[j].end < m.end:
            j += 1
        if j < len(tokens):
            result[i] = (j, m.value)
    return result


@lru_cache(maxsize=1 << 16)
def name_in(word: str) -> str | None:
    """The name ``word`` holds (particles stripped), or None; three syllables preferred.

    Cached by word: an article repeats its words, a corpus its vocabulary.
    """
    r = rules()
    if not word or not is_hangul(word[0]) or (word[0] not in r.surnames and word[:2] not in r.surnames):
        return None
    candidates = [s for s in strip_particles(word)
                  if 2 <= len(s) <= 4 and all(is_hangul(c) for c in s)
                  and (s[0] in r.surnames or s[:2] in r.surnames) and s not in r.not_names]
    if not candidates:
        return None
    three = [c for c in candidates if len(c) == 3]
    return three[0] if three else candidates[0]


@lru_cache(maxsize=1 << 16)
def title_in(word: str) -> str | None:
    """The job title ``word`` holds (particles stripped), or None; cached by word like :func:`name_in`."""
    title = rules().title
    for stem in strip_particles(word):
        if title.fullmatch(stem):
            return stem
    return None


def _match_at(tokens, i, org_at):
    """Try the orders at token ``i``; returns (name token, name, org, title, order) or None."""
    tok = tokens[i]
    name = name_in(tok.text)
    if name and i + 1 < len(tokens):
        if i + 1 in org_at:  # 유영상 SK텔레콤 대표
            j, org = org_at[i + 1]
            if j + 1 < len(tokens) and (title := title_in(tokens[j + 1].text)):
                return tok, name, org, title, "name-org-title"
        elif (title := title_in(tokens[i + 1].text)) and tokens[i + 1].text not in org_at:  # 김영섭 대표
            return tok, name, None, title, "name-title"
    if i in org_at:
        j, org = org_at[i]
        if j + 2 < len(tokens):
            nxt, after = tokens[j + 1], tokens[j + 2]
            if (name := name_in(nxt.text)) and (title := title_in(after.text)):  # KT 권희근 마케팅혁신본부장
                return nxt, name, org, title, "org-name-title"
            if (title := title_in(nxt.text)) and (name := name_in(after.text)):  # SK텔레콤 대표 유영상
                return after, name, org, title, "org-title-name"
    return None


def parse_author(value: str) -> dict:
    """``장민권 기자 (mkchang@fnnews.com)`` -> name, job title and e-mail, each where given."""
    value = " ".join(value.split())
    if not value:
        return {}
    email = _EMAIL.search(value)
    words = _EMAIL.sub("", value).replace("()", "").strip(" ()").split()
    result = {}
    if words and words[-1] in rules().author_titles:
        result["jobTitle"] = words.pop()
    if words:
        result["name"] = " ".join(words)
    if email:
        result["email"] = email.group(0)
    return result
