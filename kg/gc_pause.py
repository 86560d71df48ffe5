"""The cyclic garbage collector, paused while the build makes its millions of long-lived objects.

A build's objects (digests, mentions, the story's answers, the views' indexes and
networkx nodes) form no reference cycles and live until their stage ends, yet
CPython's collector walks all of them again whenever new objects outnumber freed
ones by its thresholds, the whole heap at each full collection. At 10,000
articles, reading the cached digests made 16 full passes over 2 M objects (3 s of
5.5 s); building the story's resolver took 9.8-12.7 s with the collector on and
3.6-5.7 s off; the view process spent 2-3 s of 24 s in it. Reference counting
still frees everything; only objects in cycles wait for the collector to come
back, and the build leaves so few that its peak memory did not change (10,000
articles, every format: 1,721 MB with the collector paused, 1,737 MB without).
"""
from __future__ import annotations

import gc
from contextlib import contextmanager


@contextmanager
def paused_gc():
    """No cyclic collection in this block (nor in processes forked in it); a no-op inside another.

    Afterwards what is left is moved straight to the oldest generation (``gc.freeze`` then
    ``gc.unfreeze``: no object is kept from collection, the young ones are only not walked once more
    right away) and the collector resumes."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.unfreeze()
        gc.enable()
