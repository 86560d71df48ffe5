"""benchmarks/run.py: what the benchmark leaves on disk."""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import pytest

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
import run  # noqa: E402


def test_a_failing_run_removes_its_temporary_folder(tmp_path, monkeypatch):
    made = []
    real_mkdtemp = tempfile.mkdtemp

    def mkdtemp(*args, **kwargs):
        made.append(Path(real_mkdtemp(*args, dir=tmp_path, **{k: v for k, v in kwargs.items() if k != "dir"})))
        return str(made[-1])

    def full_disk(folder, n, start=0):
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / "partial.txt").write_text("x")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(run.tempfile, "mkdtemp", mkdtemp)
    monkeypatch.setattr(run, "generate", full_disk)
    with pytest.raises(OSError, match="No space left"):
        run.main(["--sizes", "10", "--report", str(tmp_path / "REPORT.md")])
    assert len(made) == 1 and made[0].name.startswith("kg-bench-") and not made[0].exists()


def test_a_failing_run_keeps_a_folder_it_was_given(tmp_path, monkeypatch):
    def full_disk(folder, n, start=0):
        Path(folder).mkdir(parents=True, exist_ok=True)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(run, "generate", full_disk)
    with pytest.raises(OSError):
        run.main(["--sizes", "10", "--workdir", str(tmp_path / "work"), "--report", str(tmp_path / "REPORT.md")])
    assert (tmp_path / "work").is_dir()
