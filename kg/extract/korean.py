"""Korean word boundaries: where a name ends and its particles (josa) begin."""
from __future__ import annotations

import re
from functools import lru_cache

from kg.resources import load_resource


def is_hangul(ch: str) -> bool:
    return "가" <= ch <= "힣"


@lru_cache(maxsize=None)
def particles_longest_first() -> tuple[str, ...]:
    return tuple(sorted(set(load_resource("grammar")["particles"]), key=len, reverse=True))


_HANGUL_RUN = re.compile("[가-힣]*")


def hangul_run_end(text: str, start: int) -> int:
    """Where the run of Hangul syllables that starts at ``start`` ends."""
    return _HANGUL_RUN.match(text, start).end() if start < len(text) else start


def ends_word(text: str, end: int) -> bool:
    """True when ``text[end:]`` starts a new word: nothing Hangul follows, or only particles do."""
    return is_particles(text[end:hangul_run_end(text, end)])


@lru_cache(maxsize=4096)
def is_particles(rest: str, depth: int = 0) -> bool:
    """Can ``rest`` be read as up to three stacked particles (``에서는``)?"""
    if not rest:
        return True
    if depth == 3:
        return False
    return any(rest.startswith(p) and is_particles(rest[len(p):], depth + 1) for p in particles_longest_first())


def strip_particles(word: str) -> list[str]:
    """Every reading of ``word`` as stem + particles, the longest stem first (``대표는`` -> 대표는, 대표)."""
    stems = [word]
    for cut in range(len(word) - 1, 0, -1):
        if is_particles(word[cut:]):
            stems.append(word[:cut])
    return stems
