"""Read crawled articles: front matter, unescaped body, paragraphs, sentences.

Crawls are messy (see DEVELOPERS.md): front matter that YAML refuses, ids
that YAML would turn into numbers, entities left in the text and
sub-headlines run together. This module reads them tolerantly and fails with
one clear :class:`ArticleError` per file when it cannot.
"""
from __future__ import annotations

import hashlib
import html
import os
import re
import stat
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterable, Iterator

import yaml

from kg.resources import alternation, compile_pattern, load_resource, require

KST = timezone(timedelta(hours=9), "KST")
ARTICLE_SUFFIXES = (".txt", ".md")
MAX_ARTICLE_BYTES = 5 * 1024 * 1024
REQUIRED_FIELDS = ("id", "published_at")
# Unicode categories an id may not contain: it names the article's IRI (controls, surrogates,
# private-use and unassigned code points are not allowed there)
_NOT_IN_IDS = frozenset({"Cc", "Cs", "Co", "Cn"})

_FIELD_LINE = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:(.*)$")
_DATETIME_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d")
# Lines of the crawler's Markdown template that are not article text.
_BOILERPLATE = re.compile(r"^(?:-{3,}|\*\*[^*]+\*\*\s*\|.*|\*(?:Crawled at|Source):.*\*)\s*$")
_HEADLINE = re.compile(r"#{1,6}\s+")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)\]]*(?=\s)")
# a period between numbers does not end a sentence: 2025. 7. 4. (a date written with spaces)
_DOTTED_NUMBER = re.compile(r"[0-9]\.\s+[0-9]")
_DOTTED_DATE = re.compile(r"(?<![0-9])(?:19|20)[0-9]{2}\.\s?[0-9]{1,2}\.\s?[0-9]{1,2}\.$")
_DOTTED_DATE_LONGEST = 13  # characters: "2025. 12. 31.", so a search for one ending at a cut starts this far back


class ArticleError(ValueError):
    """An input file that cannot be read as an article; the message names the problem."""

    def __init__(self, path: Path | str, problem: str):
        super().__init__(f"{path}: {problem}")
        self.path = str(path)
        self.problem = problem


@dataclass(frozen=True)
class Span:
    """A stretch of the unescaped body: ``body[start:end] == text``."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Paragraph(Span):
    headline: bool = False


@dataclass(frozen=True)
class Article:
    path: str
    id: str
    fields: dict  # every front-matter field, as a string
    title: str
    published_at: datetime  # aware, Korea time
    body: str  # the Markdown body after the front matter, HTML-unescaped
    paragraphs: tuple[Paragraph, ...]
    sentences: tuple[Span, ...]
    content_hash: str = field(default="")  # sha256 of the file's bytes

    @property
    def published_date(self):
        return self.published_at.date()

    def sentence_at(self, offset: int) -> int:
        """Index of the sentence that holds ``offset`` (the nearest one before it otherwise)."""
        lo, hi = 0, len(self.sentences) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.sentences[mid].start <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lo


# ---------------------------------------------------------------- files
def iter_article_paths(paths: Iterable[str | os.PathLike]) -> Iterator[Path]:
    """Every article file under ``paths`` in a stable order; symlink loops are not followed twice."""
    seen_dirs: set[str] = set()
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from _walk(path, seen_dirs)
        else:
            yield path


def _walk(folder: Path, seen_dirs: set[str]) -> Iterator[Path]:
    real = os.path.realpath(folder)
    if real in seen_dirs:
        return
    seen_dirs.add(real)
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        try:
            is_dir = entry.is_dir()
        except OSError:  # a dangling or looping link that cannot be stat'ed
            is_dir = False
        if is_dir:
            if entry.is_symlink() and os.path.realpath(path) in seen_dirs:
                yield path  # reported by read_article: a symlink back into a folder already read
                continue
            yield from _walk(path, seen_dirs)
        elif entry.name.lower().endswith(ARTICLE_SUFFIXES):
            yield path


def read_article(path: str | os.PathLike) -> Article:
    """Read one article file; raises :class:`ArticleError` naming the problem."""
    path = Path(path)
    return parse_article(read_article_bytes(path), path)


def read_article_bytes(path: Path) -> bytes:
    """The bytes of one article file, refusing folders, pipes, devices and oversized files."""
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise ArticleError(path, "a symlink to a folder that is already being read (a symlink loop); not followed")
        if not stat.S_ISREG(info.st_mode):
            raise ArticleError(path, "not a regular file (a pipe, socket or device)")
        size = info.st_size
        if size > MAX_ARTICLE_BYTES:
            raise ArticleError(path, f"file is {size / (1024 * 1024):.0f} MB, over the {MAX_ARTICLE_BYTES // (1024 * 1024)} MB limit for an article")
        with open(path, "rb") as handle:
            # what stat said and one byte more, to notice a file that grew since: asking for the limit
            # allocates 5 MB for each article (3x the time of the read at 10,000 articles)
            data = handle.read(size + 1)
            if len(data) > size:
                data += handle.read(MAX_ARTICLE_BYTES + 1 - len(data))
        if len(data) > MAX_ARTICLE_BYTES:
            raise ArticleError(path, f"file is over the {MAX_ARTICLE_BYTES // (1024 * 1024)} MB limit for an article")
    except OSError as err:
        raise ArticleError(path, f"cannot read: {err.strerror or err}") from None
    return data


def parse_article(data: bytes, path: str | os.PathLike = "<memory>") -> Article:
    if not data.strip():
        raise ArticleError(path, "empty file")
    if b"\x00" in data[:8192]:
        raise ArticleError(path, "binary file (NUL bytes), not an article")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ArticleError(path, f"not UTF-8 (bad byte at offset {err.start})") from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    fields, body = split_front_matter(text, path)
    for name in REQUIRED_FIELDS:
        if not fields.get(name):
            raise ArticleError(path, f"front matter has no '{name}'")
    bad = next((ch for ch in fields["id"] if unicodedata.category(ch) in _NOT_IN_IDS), None)
    if bad is not None:
        raise ArticleError(path, f"'id' contains U+{ord(bad):04X}, a control, private-use or unassigned character")
    published_at = parse_korea_time(fields["published_at"], path, "published_at")
    body = html.unescape(body)
    if not body.strip():
        raise ArticleError(path, "article has no body")
    paragraphs = tuple(_paragraphs(body))
    sentences = tuple(s for p in paragraphs for s in split_sentences(body, p))
    if not sentences:
        raise ArticleError(path, "article body has no text")
    return Article(
        path=str(path),
        id=fields["id"],
        fields=fields,
        title=html.unescape(fields.get("title", "")),
        published_at=published_at,
        body=body,
        paragraphs=paragraphs,
        sentences=sentences,
        content_hash=hashlib.sha256(data).hexdigest(),
    )


# ---------------------------------------------------------------- front matter
def split_front_matter(text: str, path: str | os.PathLike = "<memory>") -> tuple[dict, str]:
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise ArticleError(path, "no front matter (the file must start with a '---' line)")
    for end in range(1, len(lines)):
        if lines[end].strip() == "---":
            break
    else:
        raise ArticleError(path, "front matter is not closed by a '---' line")
    fields = parse_front_matter(lines[1:end], path)
    body = "\n".join(lines[end + 1:])
    return fields, body


def parse_front_matter(lines: list[str], path: str | os.PathLike = "<memory>") -> dict:
    """``key: value`` lines, every value a string; indented lines continue the previous value.

    Not ``yaml.safe_load``: the crawler writes values that YAML rejects (an
    ``author`` spread over tab-indented lines) or retypes (``id: 014_0005456133``).
    """
    fields: dict[str, str] = {}
    key = None
    parts: list[str] = []
    for number, line in enumerate(lines, start=2):
        if not line.strip() or line.lstrip().startswith("#") and key is None:
            if key is not None:
                parts.append("")
            continue
        match = _FIELD_LINE.match(line)
        if match and not line[0].isspace():
            if key is not None:
                fields[key] = _scalar(" ".join(parts), path, key)
            key, parts = match.group(1), [match.group(2)]
        elif key is not None and line[0].isspace():
            parts.append(line)
        else:
            raise ArticleError(path, f"malformed front matter at line {number}: {line.strip()[:60]!r}")
    if key is not None:
        fields[key] = _scalar(" ".join(parts), path, key)
    return fields


def _scalar(raw: str, path, key: str) -> str:
    value = " ".join(raw.split())
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        try:
            loaded = yaml.load(f"v: {value}", Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
            value = str(loaded["v"])
        except yaml.YAMLError:
            value = value[1:-1]
    return value


def parse_korea_time(value: str, path="<memory>", name="published_at") -> datetime:
    """A front-matter time, read as Korea time (+09:00) unless it names its own offset."""
    value = value.strip()
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        parsed = None
        for fmt in _DATETIME_FORMATS:
            try:
                parsed = datetime.strptime(value, fmt)
                break
            except ValueError:
                continue
    if parsed is None:
        raise ArticleError(path, f"'{name}' is not a valid date and time: {value!r}")
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=KST)


# ---------------------------------------------------------------- body
def _paragraphs(body: str) -> Iterator[Paragraph]:
    """Text paragraphs with offsets: runs of lines, the crawler's byline, rules and footer left out."""
    block: list[tuple[int, str]] = []
    offset = 0
    for line in body.split("\n") + [""]:
        start, offset = offset, offset + len(line) + 1
        if line.strip() and not _BOILERPLATE.match(line.strip()):
            block.append((start, line))
            continue
        if block:
            yield _paragraph(body, block[0][0], block[-1][0] + len(block[-1][1]))
            block = []


def _paragraph(body: str, start: int, end: int) -> Paragraph:
    head = _HEADLINE.match(body, start)
    text_start = head.end() if head else start
    stripped = body[text_start:end].strip()
    text_start = body.index(stripped, text_start)
    return Paragraph(text_start, text_start + len(stripped), stripped, headline=bool(head))


def split_sentences(body: str, paragraph: Span) -> Iterator[Span]:
    """Sentences of one paragraph, with offsets into ``body``.

    Sentence-final punctuation followed by space ends a sentence; a
    paragraph of run-together sub-headlines (no final punctuation at all) is
    cut where one headline's last word touches the next one's first.
    """
    text = paragraph.text
    cuts = [m.end() for m in _SENTENCE_END.finditer(text)
            if not _DOTTED_NUMBER.match(text, m.start() - 2) and not _ends_with_dotted_date(text, m.start())]
    if not cuts and not getattr(paragraph, "headline", False) and len(text) > 40:
        cuts = run_together_cuts(text)
    start = 0
    for cut in cuts + [len(text)]:
        piece = text[start:cut]
        lead = len(piece) - len(piece.lstrip())
        piece = piece.strip()
        if piece:
            s = paragraph.start + start + lead
            yield Span(s, s + len(piece), piece)
        start = cut


def _ends_with_dotted_date(text: str, end: int) -> bool:
    """Does ``text[:end]`` end with a date written with periods (``2025. 7. 4.``)?

    Searches only the last few characters: a paragraph has many sentence ends.
    """
    return _DOTTED_DATE.search(text, max(0, end - _DOTTED_DATE_LONGEST), end) is not None


def run_together_cuts(text: str) -> list[int]:
    """Offsets where sub-headlines written without a break meet (``...발표9월부터...``)."""
    rules = load_resource("sentences", prepare_sentence_rules)
    cuts = set()
    for pattern in rules["boundary_patterns"]:
        cuts.update(m.end() for m in pattern.finditer(text))
    for match in rules["final_words_pattern"].finditer(text):
        cuts.add(match.end("word"))
    cuts.update(_quote_cuts(text, rules["after_quote"]))
    return sorted(c for c in cuts if 0 < c < len(text))


def _quote_cuts(text: str, particles: frozenset) -> Iterator[int]:
    """Cut before an opening quote glued to a word, and after a closing quote glued to the next headline."""
    for quote in "\"'":
        positions = [i for i, ch in enumerate(text) if ch == quote]
        for n, i in enumerate(positions):
            if n % 2 == 0:  # opening
                if i > 0 and not text[i - 1].isspace() and text[i - 1] not in "(·…,":
                    yield i
            elif i + 1 < len(text):
                nxt = text[i + 1]
                if not nxt.isspace() and nxt not in ")·…,." and nxt not in particles:
                    yield i + 1


def prepare_sentence_rules(data: dict) -> dict:
    require("sentences", data, ("boundaries", "final_words", "continuations", "after_quote"))
    data["boundary_patterns"] = [
        compile_pattern("sentences", b.get("id"), b["pattern"]) for b in data["boundaries"]]
    data["final_words_pattern"] = compile_pattern(
        "sentences", "final_words",
        f"(?<![가-힣])(?P<word>{alternation(data['final_words'])})(?=[가-힣])(?![{''.join(data['continuations'])}])")
    data["after_quote"] = frozenset(data["after_quote"])
    return data
