"""Lexical knowledge as data: YAML files beside this module, loaded once and validated.

Each resource file has a loader below that checks its shape and compiles
what the engines need; a malformed file fails at load with a message naming
the file, the rule id and the problem (cf. spaCy's schemas, pySHACL's errors).
"""
from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

import yaml

RESOURCE_DIR = Path(__file__).resolve().parent
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class ResourceError(ValueError):
    """A resource file that does not have the shape its engine expects."""

    def __init__(self, name: str, rule: str | None, problem: str):
        where = f"kg/resources/{name}.yaml" + (f", rule {rule!r}" if rule else "")
        super().__init__(f"{where}: {problem}")


def read_yaml(name: str) -> Any:
    path = RESOURCE_DIR / f"{name}.yaml"
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
    except FileNotFoundError:
        raise ResourceError(name, None, "file not found") from None
    except yaml.YAMLError as err:
        raise ResourceError(name, None, f"not valid YAML: {err}") from None


def compile_pattern(name: str, rule: str, pattern: str, flags: int = 0) -> re.Pattern:
    try:
        return re.compile(pattern, flags)
    except re.error as err:
        raise ResourceError(name, rule, f"bad regular expression {pattern!r}: {err}") from None


def require(name: str, data: dict, keys: tuple[str, ...], rule: str | None = None):
    if not isinstance(data, dict):
        raise ResourceError(name, rule, f"expected a mapping, found {type(data).__name__}")
    for key in keys:
        if key not in data:
            raise ResourceError(name, rule, f"missing key {key!r}")


def alternation(words) -> str:
    """A regex alternation of literal words, longest first so the longest one wins."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


def matched_rule(match: re.Match) -> int:
    """Which rule matched, in a pattern joined from rules as ``(?P<r0>...)|(?P<r1>...)|...``.

    The rule's own group is the outermost, so the last to close: ``lastgroup``
    names it without testing each group.
    """
    return int(match.lastgroup[1:])


@lru_cache(maxsize=None)
def load_resource(name: str, prepare: Callable[[Any], Any] | None = None) -> Any:
    """The named resource, checked and compiled by ``prepare`` (the engine's own function); loaded once."""
    data = read_yaml(name)
    return prepare(data) if prepare else data


def resources_fingerprint() -> str:
    """A hash of every resource file, so that caches notice a changed lexicon."""
    digest = hashlib.sha256()
    for path in sorted(RESOURCE_DIR.glob("*.yaml")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
