# Quick start: `make demo` then `make test` (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo exports test browser clean bench

demo: exports  ## create .venv, install, build exports/ from seeds/

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

exports: $(STAMP)
	$(BIN)/kg build seeds --out exports

# Headless Chromium for the browser tests (Debian's package; needs root, as in CI).
browser:
	@if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -q "Noto Sans CJK"; then \
	  echo "installing chromium and Korean fonts (Debian packages) for the browser tests"; \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk fontconfig >/dev/null; } \
	  || echo "WARNING: could not install chromium; the browser tests will be SKIPPED (pytest -rs lists them)"; \
	fi

test: $(STAMP) browser
	$(BIN)/python -m pytest -rs

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
