"""kg.workers: a forked child's result, exception or death reaches the caller."""
from __future__ import annotations

import os

import pytest

from kg.workers import can_fork, in_child, pooled_map

pytestmark = pytest.mark.skipif(not can_fork(), reason="needs fork")


def _big(n: int) -> tuple[int, bytes]:
    return os.getpid(), b"x" * n


def _fails(message: str) -> None:
    raise ValueError(message)


def _dies() -> None:
    os._exit(3)


def _square(x: int) -> int:
    return x * x


def _pool_of_its_own(n: int) -> list[int]:
    return list(pooled_map(_square, range(n), 2))


def test_the_result_comes_back_from_another_process():
    pid, data = in_child(_big, 5_000_000)
    assert pid != os.getpid() and data == b"x" * 5_000_000


def test_the_childs_exception_is_raised_here():
    with pytest.raises(ValueError, match="^bad mention$"):
        in_child(_fails, "bad mention")


def test_a_child_that_dies_is_an_error_with_its_exit_code():
    with pytest.raises(RuntimeError, match=r"_dies died \(exit code 3\)"):
        in_child(_dies)


def test_the_child_may_run_a_pool():
    assert in_child(_pool_of_its_own, 5) == [0, 1, 4, 9, 16]
