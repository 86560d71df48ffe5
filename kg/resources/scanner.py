"""Find a pattern's matches quickly by trying it only where a match can start.

Python's ``re`` skips ahead in C only when a pattern starts with a literal
or a character class. The engines' patterns mostly start otherwise: with a
lookbehind (``(?<![가-힣])``), a named group per rule (``(?P<r0>...)|...``)
or an optional qualifier, so ``finditer`` tries every alternative at every
character of a sentence. A :class:`Scanner` reads the parsed pattern once to
learn where a match can start: at which characters, after which characters
not (its opening lookbehinds) and before which characters (what the first
one is followed by). It finds such places with one small pattern that opens
with a class (so ``re`` does skip in C) and tries the full pattern only
there.

It yields exactly the non-empty matches ``pattern.finditer`` yields (the
same spans, groups and order); where it cannot prove that, it falls back to
``finditer`` itself. :meth:`Scanner.finditer_each` does the same for every
sentence of an article with one scan of the article.
"""
from __future__ import annotations

import re
from re import _constants as sre  # the parser's opcodes: stable within a Python version
from re import _parser
from typing import Iterable, Iterator, Sequence

_CATEGORY_CLASS = {
    sre.CATEGORY_DIGIT: r"\d", sre.CATEGORY_NOT_DIGIT: r"\D",
    sre.CATEGORY_SPACE: r"\s", sre.CATEGORY_NOT_SPACE: r"\S",
    sre.CATEGORY_WORD: r"\w", sre.CATEGORY_NOT_WORD: r"\W",
}
_ZERO_WIDTH = (sre.AT, sre.ASSERT, sre.ASSERT_NOT)
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)

# Classes are frozensets of class items in regex syntax ("가-힣", "\\d", "\\."); ANY stands
# for a class not worked out here (., [^...]) or for "any character, or none".
ANY = None
Class = frozenset

# Where a non-empty match can start: {check: (start class, follow class)}. A match can start
# at a character of the start class when the check holds and the next character is in the
# follow class (ANY: no condition). A check is zero-width and is tried after the start
# character is read, e.g. the pattern's opening lookbehind (?<![가-힣]) rewritten as
# (?<![가-힣][\s\S]); "" always holds. None (ANY) where the starts are not worked out.
Starts = dict


def _join(a: Class | None, b: Class | None) -> Class | None:
    return ANY if a is ANY or b is ANY else a | b


def _union(a: Starts | None, b: Starts | None) -> Starts | None:
    if a is ANY or b is ANY:
        return ANY
    merged = dict(a)
    for check, (chars, follow) in b.items():
        if check in merged:
            chars, follow = chars | merged[check][0], _join(follow, merged[check][1])
        merged[check] = (chars, follow)
    return merged


def _checked(starts: Starts | None, check: str) -> Starts | None:
    """``starts`` where ``check`` must also hold."""
    if starts is ANY or not check:
        return starts
    return {check + inner: entry for inner, entry in starts.items()}


def _both(a: Starts | None, b: Starts | None) -> Starts | None:
    """Starts allowed by ``a`` and by ``b``: b's classes become further checks on a's starts."""
    if a is ANY:
        return b
    if b is ANY:
        return a
    return {check_a + _class_check("<=", chars_b) + check_b + _class_check("=", follow_b): (chars_a, follow_a)
            for check_a, (chars_a, follow_a) in a.items() for check_b, (chars_b, follow_b) in b.items()}


def _chars(starts: Starts | None) -> Class | None:
    """Every character a match can start with."""
    return ANY if starts is ANY else frozenset().union(*(chars for chars, _ in starts.values()))


def _class(items: Class) -> str:
    return f"[{''.join(sorted(items))}]"


def _class_check(look: str, items: Class | None) -> str:
    """``(?<=[...])`` (look "<=") or ``(?=[...])`` (look "="); nothing for ANY."""
    return "" if items is ANY else f"(?{look}{_class(items)})"


def _class_items(op, av) -> Class | None:
    """The class items of one LITERAL or IN, or ANY for anything else (negated classes ...)."""
    if op is sre.LITERAL:
        return frozenset({re.escape(chr(av))})
    if op is not sre.IN:
        return ANY
    items = set()
    for kind, value in av:
        if kind is sre.LITERAL:
            items.add(re.escape(chr(value)))
        elif kind is sre.RANGE:
            items.add(f"{re.escape(chr(value[0]))}-{re.escape(chr(value[1]))}")
        elif kind is sre.CATEGORY and value in _CATEGORY_CLASS:
            items.add(_CATEGORY_CLASS[value])
        else:
            return ANY
    return frozenset(items)


def _lookbehind_check(op, av) -> str:
    """A lookbehind of literals and classes, rewritten to be tried after the start character."""
    if op is sre.AT or av[0] != -1:
        return ""
    body = av[1]
    classes = [_class_items(*item) for item in body.data]
    if not classes or any(c is ANY for c in classes):
        return ""
    return f"(?{'<=' if op is sre.ASSERT else '<!'}{''.join(map(_class, classes))}[\\s\\S])"


def _starts_of_sequence(items, after: Class | None) -> tuple[Starts | None, bool]:
    """(where a non-empty match of the sequence can start, whether it can match empty).

    ``after``: the characters that can follow the sequence in a match (ANY if unknown or
    if the match can end there).
    """
    # right to left: what can follow each item
    follows: list[Class | None] = [after] * (len(items) + 1)
    results: list[tuple[Starts | None, bool] | None] = [None] * len(items)
    for index in range(len(items) - 1, -1, -1):
        op, av = items[index]
        if op in _ZERO_WIDTH:
            follows[index] = follows[index + 1]
            continue
        results[index] = starts, can_be_empty = _starts_of_item(op, av, follows[index + 1])
        chars = _chars(starts)
        follows[index] = _join(chars, follows[index + 1]) if can_be_empty else chars
    # left to right: the starts of the items a match can begin with, under the checks met so far
    found: Starts | None = {}
    check = ""
    for index, (op, av) in enumerate(items):
        if op is sre.ASSERT and av[0] == 1:  # a lookahead (?=...): where the rest starts, it must hold too
            body, body_empty = _starts_of_sequence(av[1].data, ANY)
            rest, rest_empty = _starts_of_sequence(items[index + 1:], after)
            here = rest if body_empty else _both(body, rest)
            return _union(found, _checked(here, check)), rest_empty
        if op in _ZERO_WIDTH:
            check += _lookbehind_check(op, av)
            continue
        starts, can_be_empty = results[index]
        found = _union(found, _checked(starts, check))
        if not can_be_empty:
            return found, False
    return found, True


def _starts_of_item(op, av, after: Class | None) -> tuple[Starts | None, bool]:
    if op in (sre.LITERAL, sre.IN):
        chars = _class_items(op, av)
        return (ANY if chars is ANY else {"": (chars, after)}), False
    if op is sre.SUBPATTERN:
        return _starts_of_sequence(av[3].data, after)
    if op is sre.ATOMIC_GROUP:
        return _starts_of_sequence(av.data, after)
    if op is sre.BRANCH:
        starts, can_be_empty = {}, False
        for alternative in av[1]:
            first, empty = _starts_of_sequence(alternative.data, after)
            starts = _union(starts, first)
            can_be_empty |= empty
        return starts, can_be_empty
    if op in _REPEATS:
        low, high, item = av
        if high > 1:  # the item may follow itself
            after = _join(_chars(_starts_of_sequence(item.data, ANY)[0]), after)
        first, empty = _starts_of_sequence(item.data, after)
        return first, empty or low == 0
    if op in (sre.GROUPREF, sre.GROUPREF_EXISTS):  # may match empty
        return ANY, True
    return ANY, False  # ANY, NOT_LITERAL, ...: one character, which may be any


def _empty_match_comes_last(items) -> bool:
    """True when every choice prefers to consume: greedy repeats of non-empty items, and
    alternatives of which only the last can be empty. The engine then tries the empty
    match at a position last, so an empty match means no non-empty one starts there.
    """
    for op, av in items:
        if op is sre.SUBPATTERN:
            if not _empty_match_comes_last(av[3].data):
                return False
        elif op is sre.BRANCH:
            alternatives = av[1]
            if any(_starts_of_sequence(a.data, ANY)[1] for a in alternatives[:-1]):
                return False
            if not all(_empty_match_comes_last(a.data) for a in alternatives):
                return False
        elif op is sre.MAX_REPEAT:
            if _starts_of_sequence(av[2].data, ANY)[1] or not _empty_match_comes_last(av[2].data):
                return False
        elif op in (sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT, sre.ATOMIC_GROUP, sre.GROUPREF_EXISTS):
            return False
    return True


def starts_pattern(starts: Starts) -> str:
    """One pattern that matches the first character of every place ``starts`` allows.

    It opens with the class of every start character, so that ``re`` skips to
    the next one in C; the checks are tried after it.
    """
    every = _class(_chars(starts))
    checks = sorted(f"{_class_check('<=', chars) if len(starts) > 1 else ''}{check}{_class_check('=', follow)}"
                    for check, (chars, follow) in starts.items())
    if len(checks) == 1:
        return every + checks[0]
    return f"{every}(?:{'|'.join(checks)})"


# Joins the texts that finditer_each scans in one pass. The starts pattern's checks then see
# it where a text starts or ends; only a negative lookbehind that allows it could wrongly
# rule a start out (see _separator_is_safe).
SEPARATOR = "\x00"


def _separator_is_safe(items) -> bool:
    """True when no negative lookbehind in the pattern has a class the separator is in."""
    for op, av in items:
        if op is sre.ASSERT_NOT and av[0] == -1:
            for item in av[1].data:
                chars = _class_items(*item)
                if chars is not ANY and re.fullmatch(_class(chars), SEPARATOR):
                    return False
        if not all(_separator_is_safe(sub.data) for sub in _inner(op, av)):
            return False
    return True


def _inner(op, av) -> tuple:
    """The subpatterns one parsed item holds."""
    if op is sre.SUBPATTERN:
        return (av[3],)
    if op is sre.ATOMIC_GROUP:
        return (av,)
    if op is sre.BRANCH:
        return tuple(av[1])
    if op in _REPEATS:
        return (av[2],)
    if op in (sre.ASSERT, sre.ASSERT_NOT):
        return (av[1],)
    return ()


class Scanner:
    """``finditer`` for one compiled pattern, trying it only where a match can start."""

    def __init__(self, pattern: re.Pattern):
        self.pattern = pattern
        self.starts: re.Pattern | None = None  # matches the character a match of pattern starts with
        self.joinable = False  # finditer_each may scan the texts joined
        if pattern.flags & re.IGNORECASE or not isinstance(pattern.pattern, str):
            return
        items = _parser.parse(pattern.pattern, pattern.flags).data
        starts, can_be_empty = _starts_of_sequence(items, ANY)
        if not starts or (can_be_empty and not _empty_match_comes_last(items)):
            return
        self.starts = re.compile(starts_pattern(starts), pattern.flags & re.ASCII)  # \d, \w as the pattern reads them
        self.joinable = _separator_is_safe(items)

    def finditer(self, text: str) -> Iterable[re.Match]:
        """The non-empty matches of ``pattern.finditer(text)``, in order."""
        if self.starts is None:
            return (match for match in self.pattern.finditer(text) if match.end() > match.start())
        first = self.starts.search(text)
        if first is None:  # most sentences: no place to try, and no generator made
            return ()
        return self._matches_from(text, first)

    def finditer_each(self, texts: Sequence[str]) -> list[list[re.Match]]:
        """``list(self.finditer(text))`` for each text (the sentences of an article), in one pass.

        The texts are joined by SEPARATOR and the starts pattern runs over the
        whole once; each place it finds is tried with the full pattern on its
        own text, so that matches, lookbehinds and groups are the text's own.
        """
        found: list[list[re.Match]] = [[] for _ in texts]
        if self.starts is None or not self.joinable or not texts:
            for index, text in enumerate(texts):
                found[index].extend(self.finditer(text))
            return found
        match_at = self.pattern.match
        index, offset = 0, 0  # the text the current place is in, and where it starts in the joined one
        limit = len(texts[0])  # where that text ends: the separator after it
        resume = 0  # where the text's finditer would look next (inside a match: no new one)
        for start in self.starts.finditer(SEPARATOR.join(texts)):
            at = start.start()
            while at > limit:
                index += 1
                offset = resume = limit + 1
                limit = offset + len(texts[index])
            if at == limit or at < resume:  # the separator, or inside the last match
                continue
            text = texts[index]
            match = match_at(text, at - offset)  # a lookbehind sees this text only
            if match is not None and match.end() > match.start():
                found[index].append(match)
                resume = offset + match.end()
        return found

    def _matches_from(self, text: str, start: re.Match) -> Iterator[re.Match]:
        next_start, match_at = self.starts.search, self.pattern.match
        while start is not None:
            at = start.start()
            match = match_at(text, at)  # a lookbehind still sees text[:at]
            if match is None or match.end() == at:
                pos = at + 1
            else:
                yield match
                pos = match.end()
            start = next_start(text, pos)
