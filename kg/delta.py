"""A build that adds articles to the last one: its merged lines, with only the new articles' merged in.

Assembling the story of 10,000 articles maps every article's story mentions (or reads them from the story
pack, :mod:`kg.story_cache`) and merges a million lines about shared nodes, 4-5 s even when every article
comes from the cache. When a crawl folder grows by a few articles, most of that repeats the last build.

The last build's pack keeps, beside each article's story lines, its sorted shared lines and support counts,
which article ids it held under which story key (:func:`kg.graph.story_key`), and what made them (this
package's files and libraries, and the base IRI: ``basis``). If every article of that build is still here
under the same key, each of them states the same lines as then (its key covers its content and what the
resolver answered for its mentions), so the merged lines are the last build's with the new articles'
added, and the support count of a node grows by the new articles that derive it. Anything else (an
article edited, removed, or one whose incident, remedy or figure node moved because of a new one) and the
build assembles the whole story again (:func:`kg.graph.merged_lines`). The result is the same bytes
either way (tests/test_delta.py).
"""
from __future__ import annotations

import errno
import os
from collections import Counter
from typing import Callable

from kg.story_cache import StoryPack

# a build adding more than this many articles, and more than this share of the last build's, maps them all
# in parallel instead (this path maps the new ones in one process)
ADDED_AT_MOST = 200
ADDED_SHARE = 0.1


def keys_if_only_added(digests: list, key_of: Callable, pack: StoryPack, basis: str) -> dict[str, str] | None:
    """Each article's story key (``key_of(digest)``) if the last build, kept in ``pack``, had every article
    of this one but a few new ones (or none: the same articles, into another folder or other formats), under
    the same key, and none other; else None, as soon as that is known."""
    known = pack.articles
    if not known or pack.basis != basis or len(digests) < len(known):
        return None
    added = len(digests) - len(known)
    if added > max(ADDED_AT_MOST, ADDED_SHARE * len(known)):
        return None
    keys: dict[str, str] = {}
    for d in digests:
        key = key_of(d)
        if d.id in known:
            if known[d.id] != key:
                return None
        else:
            added -= 1
            if added < 0:
                return None
        keys[d.id] = key
    return keys if added == 0 else None  # else an article of the last build is gone


def merged_with(old_shared: bytes, old_support: bytes, added: list[bytes], derived: bytes,
                support_line: Callable[[bytes, int], bytes]) -> tuple[bytes, bytes, int]:
    """The sorted shared lines (support counts among them) and support lines of the last build, with the
    lines ``added`` (the new articles' distinct lines, sorted) merged in (a node with ``n`` more lines
    ``node <derived> article`` is supported by ``n`` more articles), and how many lines the shared lines
    gained.

    The old lines are searched where they lie rather than split and sorted again: a new article brings a
    few hundred lines to the million of 10,000 articles (1.2 s to split, sort and join them all)."""
    new = [line for line in added if not holds_line(old_shared, line)]
    if not new:
        return old_shared, old_support, 0
    more = Counter(parts[0] for parts in (line.split(b" ", 2) for line in new) if parts[1] == derived)
    replaced: list[bytes] = []
    counts: list[bytes] = []
    for node, n in more.items():
        head = node + b" "
        at = line_at(old_support, head)
        if old_support.startswith(head, at):  # a node's one support line
            old = old_support[at:old_support.index(b"\n", at) + 1]
            replaced.append(old)
            n += int(old.split(b'"', 2)[1])
        counts.append(support_line(node, n))
    taken = set(new)
    inserted = new + [line for line in counts if line not in taken and not holds_line(old_shared, line)]
    gained = len(inserted) - len(replaced)
    return patched(old_shared, replaced, inserted), patched(old_support, replaced, counts), gained


def subjects_not_in(data: bytes, lines: list[bytes]) -> int:
    """How many subjects of the N-Triples ``lines`` no line of the sorted lines ``data`` has (the distinct
    subjects the merged lines gain: a node's support count is about a subject of its lines)."""
    heads = {line[:line.index(b" ") + 1] for line in lines}
    return sum(1 for head in heads if not data.startswith(head, line_at(data, head)))


def line_at(data: bytes, line: bytes) -> int:
    """Where the first of the sorted lines ``data`` (each ending in ``\\n``) not less than ``line`` starts
    (``len(data)`` if none): a binary search over the bytes, from the middle byte back to its line's start."""
    lo, hi = 0, len(data)  # both at the start of a line
    while lo < hi:
        start = data.rfind(b"\n", lo, (lo + hi) // 2) + 1 or lo
        end = data.index(b"\n", start) + 1
        if data[start:end] < line:
            lo = end
        else:
            hi = start
    return lo


def holds_line(data: bytes, line: bytes) -> bool:
    """Whether the sorted lines ``data`` hold ``line`` (with its ``\\n``)."""
    return data.startswith(line, line_at(data, line))


def patched(data: bytes, removed: list[bytes], inserted: list[bytes]) -> bytes:
    """The sorted lines ``data`` without the lines ``removed`` (each one of them) and with the lines
    ``inserted`` (none of them), still sorted."""
    cuts = sorted([(line_at(data, line), 0, line) for line in inserted] +
                  [(line_at(data, line), 1, line) for line in removed])  # inserted before the line they precede
    view = memoryview(data)
    pieces: list = []
    done = 0
    for at, removes, line in cuts:
        pieces.append(view[done:at])
        if removes:
            done = at + len(line)
        else:
            pieces.append(line)
            done = at
    pieces.append(view[done:])
    return b"".join(pieces)


def copy_file_span(source: int, target: int, offset: int, size: int) -> None:
    """``size`` bytes at ``offset`` of the file ``source`` written at the position of the file ``target``:
    in the kernel (``copy_file_range``: 0.3 GB of story lines at 10,000 articles, not through this
    process), else read and written here (another file system, an older kernel)."""
    done = 0
    while done < size:
        try:
            n = os.copy_file_range(source, target, size - done, offset + done)
        except OSError as err:
            if err.errno not in (errno.EXDEV, errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.EPERM):
                raise
            break
        if n == 0:
            raise OSError(f"the story pack ended {size - done} bytes early")
        done += n
    while done < size:
        part = os.pread(source, min(size - done, 1 << 24), offset + done)
        if not part:
            raise OSError(f"the story pack ended {size - done} bytes early")
        written = 0
        while written < len(part):
            written += os.write(target, part[written:])
        done += len(part)
