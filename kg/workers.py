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


def in_child(function: Callable[..., R], *args) -> R:
    """``function(*args)`` in a forked child process, its result (or its exception) sent back pickled.

    For work that leaves much memory behind (temporary sets, a fragmented heap) which the caller cannot
    hand back to the system: the child exits and takes it along. The child may start a worker pool of
    its own. Ctrl-C stays with the caller, which stops the child (and the child its pool)."""
    context = multiprocessing.get_context("fork")
    receiving, sending = context.Pipe(duplex=False)
    child = context.Process(target=_run_and_send, args=(sending, function, args))
    child.start()
    sending.close()
    try:
        ok, value = receiving.recv()
    except EOFError:
        child.join()
        raise RuntimeError(f"the process running {function.__name__} died (exit code {child.exitcode})") from None
    except BaseException:
        child.terminate()
        child.join()
        raise
    finally:
        receiving.close()
    child.join()
    if not ok:
        raise value
    return value


def _run_and_send(sending, function, args) -> None:
    ignore_sigint()
    signal.signal(signal.SIGTERM, _exit_on_term)  # so that a pool of its own is stopped on the way out
    try:
        result = (True, function(*args))
    except BaseException as err:  # sent back, raised by the caller
        result = (False, err)
    try:
        sending.send(result)
    except Exception as err:  # the result or the exception could not be pickled
        sending.send((False, RuntimeError(f"{function.__name__}: {type(err).__name__}: {err}")))
    sending.close()


def _exit_on_term(signum, frame) -> None:
    raise SystemExit(1)
