"""`kg build` and the view process run with the cyclic garbage collector paused, and give it back."""
from __future__ import annotations

import gc
import signal

import pytest

from tests.conftest import SEEDS

import kg.build
from kg.cli import main
from kg.export import view_writer
from kg.gc_pause import paused_gc


@pytest.fixture()
def collector_on():
    gc.enable()
    yield
    gc.enable()


def test_paused_inside_and_restored_after_even_on_error(collector_on):
    with pytest.raises(KeyError):
        with paused_gc():
            assert not gc.isenabled()
            raise KeyError("x")
    assert gc.isenabled()
    gc.disable()
    with paused_gc():
        assert not gc.isenabled()
    assert not gc.isenabled()  # a caller that had paused it keeps it paused


def test_kg_build_builds_with_the_collector_paused(collector_on, monkeypatch, tmp_path, capsys):
    seen = []

    def build(*args, **kwargs):
        seen.append(gc.isenabled())
        raise ValueError("stop here")
    monkeypatch.setattr(kg.build, "build", build)
    assert main(["build", str(SEEDS), "--out", str(tmp_path)]) == 1
    assert seen == [False] and gc.isenabled()
    assert "kg build: stop here" in capsys.readouterr().err


@pytest.fixture()
def sigint_kept():
    """view_writer.main ignores Ctrl-C (its parent's to handle): not for the test process and the
    processes it starts later, which would inherit it."""
    handler = signal.getsignal(signal.SIGINT)
    yield
    signal.signal(signal.SIGINT, handler)


def test_the_view_process_writes_with_the_collector_paused(collector_on, sigint_kept, monkeypatch, tmp_path):
    seen = []
    monkeypatch.setattr(view_writer, "write_views", lambda *args: seen.append((args[3], gc.isenabled())))
    assert view_writer.main(["view.nt", "https://kg.example/", str(tmp_path), "graphml,png"]) == 0
    assert seen == [(["graphml", "png"], False)] and gc.isenabled()


def test_the_program_exits_with_mains_code_and_its_objects_frozen(monkeypatch):
    import kg.cli
    monkeypatch.setattr(kg.cli, "main", lambda: 3)
    try:
        with pytest.raises(SystemExit) as exited:
            kg.cli.run()
        assert exited.value.code == 3
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


@pytest.mark.parametrize("formats", ["ttl,png", "ttl"])
def test_the_program_still_removes_its_temporary_render_folder(tmp_path, formats):
    """The graph is left in reference cycles (drawing timeline.png makes some; kg.cli._left_to_exit the
    others) and frozen (kg.cli.run), yet its temporary render folder is removed at exit."""
    import os
    import subprocess
    import sys
    temp = tmp_path / "temp"
    temp.mkdir()
    done = subprocess.run([sys.executable, "-m", "kg", "build", str(SEEDS), "--out", str(tmp_path / "out"),
                           "--no-cache", "-q", "--formats", formats], capture_output=True, text=True,
                          env={**os.environ, "TMPDIR": str(temp)}, timeout=300)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out" / "graph.ttl").stat().st_size > 0
    assert list(temp.iterdir()) == []
