"""The one place IRIs are minted: deterministic, readable and stable across articles and runs.

The same real-world thing gets the same IRI wherever it is found: an
organization by its lexicon key (or its name when discovered), a person by
name and employer, an article by its front-matter id. Things that exist only
in one article (a figure, a date expression, a sentence) hang under the
article's IRI by their character offsets.
"""
from __future__ import annotations

import hashlib
import re
from functools import lru_cache

from pyoxigraph import NamedNode

from kg.vocab import DEFAULT_BASE_IRI

# ASCII characters allowed unescaped in a path segment; letters beyond ASCII that IRIs allow
# (Hangul names) are kept as they are; everything else is percent-encoded.
_UNRESERVED = re.compile(r"[A-Za-z0-9\-._~]")


@lru_cache(maxsize=65536)
def slug(text: str) -> str:
    """A path segment for ``text``: spaces become '_', unsafe ASCII is percent-encoded."""
    text = "_".join(str(text).split())
    out = []
    for ch in text:
        if _UNRESERVED.match(ch) or _is_ucschar(ord(ch)):
            out.append(ch)
        else:
            out.extend(f"%{b:02X}" for b in ch.encode("utf-8"))
    return "".join(out) or "_"


def _is_ucschar(cp: int) -> bool:
    """Letters IRIs allow unescaped (RFC 3987 ucschar): not C1 controls, private use or non-characters."""
    if 0xA0 <= cp <= 0xD7FF or 0xF900 <= cp <= 0xFDCF or 0xFDF0 <= cp <= 0xFFEF:
        return True
    return 0x10000 <= cp <= 0xEFFFD and (cp & 0xFFFF) < 0xFFFE


def short_hash(*parts) -> str:
    return hashlib.sha1("\x1f".join(map(str, parts)).encode("utf-8")).hexdigest()[:10]


class Iris:
    def __init__(self, base: str = DEFAULT_BASE_IRI):
        if not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", base):
            raise ValueError(f"base IRI must be absolute (start with a scheme such as https:): {base!r}")
        self.base = base if base.endswith(("/", "#")) else base + "/"

    # kinds of resources, each under its own path so that prefixes give short names (org:kt)
    KINDS = ("article", "sentence", "mention", "org", "person", "incident", "remedy", "sanction", "event", "figure")

    def namespace(self, kind: str) -> str:
        return f"{self.base}{kind}/"

    def _iri(self, kind: str, local: str) -> NamedNode:
        return NamedNode(self.namespace(kind) + local)

    def article(self, article_id: str) -> NamedNode:
        return self._iri("article", slug(article_id))

    def sentence(self, article_id: str, index: int) -> NamedNode:
        return self._iri("sentence", f"{slug(article_id)}.{index}")

    def mention(self, article_id: str, kind: str, start: int, end: int) -> NamedNode:
        """A node that exists once per mention: a figure, a date expression."""
        return self._iri("mention", f"{slug(article_id)}.{slug(kind)}.{start}-{end}")

    def organization(self, key: str) -> NamedNode:
        return self._iri("org", slug(key.lstrip("~")))

    def person(self, name: str, org_key: str | None) -> NamedNode:
        return self._iri("person", f"{slug(org_key.lstrip('~'))}_{slug(name)}" if org_key else slug(name))

    def thing(self, kind: str, *key_parts) -> NamedNode:
        """Incidents, remedies, sanctions, events: a readable key plus a hash of what identifies them."""
        readable = [slug(p) for p in key_parts[:2] if p]
        return self._iri(kind, "-".join(readable + [short_hash(*key_parts)]))

    def prefixes(self) -> dict[str, str]:
        return {kind: self.namespace(kind) for kind in self.KINDS}
