"""Organizations: known ones by their aliases, unknown ones by the suffix of their name.

Mention value: the organization's key (``kt``, ``sk-telecom``; for a
discovered one ``~`` + its name). ``attrs``: ``name`` (canonical), ``type``
(ontology class), ``discovered`` (True for suffix discoveries).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from kg.extract.korean import ends_word, is_hangul, strip_particles
from kg.ingest import Article
from kg.mention import Found, Mention, make_attrs
from kg.resources import ResourceError, alternation, compile_pattern, load_resource, require
from kg.resources.scanner import Scanner

KIND = "organization"
DISCOVERED_PREFIX = "~"


@dataclass(frozen=True)
class OrgEntry:
    key: str
    name: str
    type: str
    english: str | None
    aliases: tuple[str, ...]
    wikidata: str | None


@dataclass(frozen=True)
class Lexicon:
    entries: dict[str, OrgEntry]  # key -> entry
    by_surface: dict[str, str]  # alias or name -> key
    known: re.Pattern
    discovered: re.Pattern  # any discovery suffix: a quick test before a word is looked at closely
    discovery_types: dict[str, tuple[str, str]]  # suffix -> (rule id, type)
    suffixes_longest_first: tuple[str, ...]  # the keys of discovery_types
    not_a_name_prefix: frozenset
    not_organizations: frozenset
    names: Scanner  # known's matches, found quickly
    attrs: dict[str, tuple]  # key -> the attrs of a mention of that known organization


def prepare_lexicon(data: dict) -> Lexicon:
    require("organizations", data, ("organizations", "discovery"))
    entries, by_surface = {}, {}
    for raw in data["organizations"]:
        require("organizations", raw, ("key", "name", "type"), raw.get("key") if isinstance(raw, dict) else None)
        entry = OrgEntry(raw["key"], raw["name"], raw["type"], raw.get("english"),
                         tuple(raw.get("aliases") or ()), raw.get("wikidata"))
        if entry.key in entries:
            raise ResourceError("organizations", entry.key, "duplicate key")
        entries[entry.key] = entry
        for surface in (entry.name, *entry.aliases):
            if by_surface.get(surface, entry.key) != entry.key:
                raise ResourceError("organizations", entry.key,
                                    f"alias {surface!r} also belongs to {by_surface[surface]!r}")
            by_surface[surface] = entry.key
    discovery_types = {}
    for rule in data["discovery"]:
        require("organizations", rule, ("id", "suffixes", "type"), rule.get("id"))
        for suffix in rule["suffixes"]:
            discovery_types[suffix] = (rule["id"], rule["type"])
    # An alias starts a word: KT inside SKT and 경찰청 inside 경기남부경찰청 are not mentions.
    known = compile_pattern("organizations", "aliases", rf"(?<![가-힣A-Za-z0-9])(?:{alternation(by_surface)})")
    discovered = compile_pattern("organizations", "discovery", f"(?:{alternation(discovery_types)})")
    suffixes = tuple(sorted(discovery_types, key=len, reverse=True))
    attrs = {key: make_attrs(name=entry.name, type=entry.type) for key, entry in entries.items()}
    return Lexicon(entries, by_surface, known, discovered, discovery_types, suffixes,
                   frozenset(data.get("not_a_name_prefix") or ()), frozenset(data.get("not_organizations") or ()),
                   Scanner(known), attrs)


def lexicon() -> Lexicon:
    return load_resource("organizations", prepare_lexicon)


def extract_organizations(article: Article, found: Found | None = None) -> list[Mention]:
    lex = lexicon()
    mentions: list[Mention] = []
    names = lex.names.finditer_each([s.text for s in article.sentences])
    for sentence, found in zip(article.sentences, names):
        text = sentence.text
        taken: list[tuple[int, int]] = []  # known names of this sentence: no discovery overlaps one
        for match in found:
            surface = match.group(0)
            if is_hangul(surface[-1]) and not ends_word(text, match.end()):
                continue
            key = lex.by_surface[surface]
            start = sentence.start + match.start()
            mentions.append(Mention(KIND, start, start + len(surface), surface, key, "lexicon", lex.attrs[key]))
            taken.append((start, start + len(surface)))
        if not lex.discovered.search(text):  # no word of the sentence has a discovery suffix
            continue
        for match in _WORD.finditer(text):
            start = sentence.start + match.start()
            if not lex.discovered.search(match.group(0)) or any(s < start + len(match.group(0)) and start < e
                                                                for s, e in taken):
                continue
            found_org = _discover(lex, match.group(0))
            if found_org:
                surface, rule, org_type = found_org
                mentions.append(Mention(KIND, start, start + len(surface), surface, DISCOVERED_PREFIX + surface,
                                        f"discovery:{rule}", make_attrs(name=surface, type=org_type, discovered=True)))
    return sorted(mentions, key=lambda m: (m.start, m.end))


_WORD = re.compile(r"[가-힣A-Za-z][가-힣A-Za-z0-9]*")


def _discover(lex: Lexicon, word: str) -> tuple[str, str, str] | None:
    """(name, rule id, type) when ``word`` less its particles ends in a discovery suffix after a real name."""
    for stem in strip_particles(word):
        if len(stem) > 20 or stem in lex.by_surface or stem in lex.not_organizations:
            continue
        for suffix in lex.suffixes_longest_first:
            if stem.endswith(suffix):
                prefix = stem[: -len(suffix)]
                if prefix and prefix not in lex.not_a_name_prefix:
                    rule, org_type = lex.discovery_types[suffix]
                    return stem, rule, org_type
                break
    return None
