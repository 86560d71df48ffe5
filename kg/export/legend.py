"""Node styles and page words, read from ``templates/legend.yaml`` (Korean words live in data, not code)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

TEMPLATES = Path(__file__).resolve().parent / "templates"
STATIC = Path(__file__).resolve().parent / "static"


@lru_cache(maxsize=1)
def _data() -> dict:
    return yaml.safe_load((TEMPLATES / "legend.yaml").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _legend() -> dict[str, dict]:
    return {k: v for k, v in _data().items() if not k.startswith("_")}


def legend() -> dict[str, dict]:
    """kind -> {label, shape, color}, in the file's order."""
    return dict(_legend())


def words() -> dict[str, str]:
    return dict(_data()["_ui"])
