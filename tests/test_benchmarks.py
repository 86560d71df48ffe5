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


def test_the_report_gives_the_median_of_the_cold_builds_and_each_run(tmp_path):
    """At 10,000 articles the target is judged on the median of the timed cold builds, each listed beside it."""
    def row(walls):
        return {"wall": run.median(walls), "walls": walls, "tree_mb": 500.0, "pss_mb": 400.0, "max_proc_mb": 300.0,
                "runs": len(walls), "formats": "all"}
    rows = {1000: row([7.0, 6.5, 8.0]), 10000: row([61.0, 58.5, 59.0])}
    times = {"ingest (1 core)": 0.25, "extract (1 core)": 2.5}
    stage_rows = {n: {"times": times, "triples": 1, "mentions": 1, "articles": n} for n in rows}
    incr = {n: {"cold": rows[n]["wall"], "plus_one": 16.0, "ttl_only": 4.5, "ttl_walls": [4.5, 5.25, 4.25],
                "unchanged": 0.3, "formats": "all", "extracted": "1", "cached": str(n)} for n in rows}
    args = run.main.__globals__["argparse"].Namespace(quick=False, repeat_large=3, sample=20)
    report = run.render({"cores": 2}, [1000, 10000], rows, stage_rows, incr, 2700.0, 1000, 0.03, args, 2, 3)
    assert "| 10,000 | all | 59.00 | 61.0, 58.5, 59.0 | 169 |" in report
    assert "≤ 60 s wall (met, 59.0 s)" in report
    assert "| 10,000 | all | 59.00 | 16.00 | 4.50 | 4.50, 5.25, 4.25 | 0.30 | 1 | 10000 |" in report
    assert "incremental ≤ 5 s: every format NOT met (16.0 s), Turtle only met (4.5 s, median of 3)" in report
    assert "10,000 articles: 3 cold builds, the stages once" in report


def test_stages_time_the_writers_as_kg_build_runs_them(tmp_path):
    """graph.graphml and graph.gexf are written in one pass when both are asked for: timed as one stage."""
    result = run.stages(ROOT / "seeds", tmp_path, jobs=1, formats="ttl,graphml,gexf")
    exports = [name for name in result["times"] if name.startswith("export ")]
    assert exports == ["export ttl", "export graphml + gexf (one pass)"]
    assert (tmp_path / "graph.graphml").stat().st_size > 0 and (tmp_path / "graph.gexf").stat().st_size > 0
    assert result["articles"] == len(list((ROOT / "seeds").glob("*.txt")))
