"""Worker pools for the build: results in task order, Ctrl-C left to the parent, no pool left behind."""
from __future__ import annotations

import multiprocessing
import signal
from typing import Callable, Iterable, Iterator, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def ignore_sigint() -> None:
    """Workers leave Ctrl-C to the parent, which stops them (no traceback per worker)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def pooled_map(function: Callable[[T], R], tasks: Iterable[T], processes: int, start: str = "fork") -> Iterator[R]:
    """``function(task)`` for every task in ``processes`` worker processes, yielded in task order.

    On any error or interrupt (also one raised by the consumer) the workers are terminated, so an
    interrupted build does not leave processes writing into the cache."""
    pool = multiprocessing.get_context(start).Pool(processes, initializer=ignore_sigint)
    try:
        yield from pool.imap(function, tasks)
        pool.close()
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()
