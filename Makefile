# Quick start: `make demo` then `make test` (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo exports test fonts browser clean bench

demo: exports  ## create .venv, install, build exports/ from seeds/

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

exports: $(STAMP) fonts
	$(BIN)/kg build seeds --out exports

# Korean fonts for timeline.png's labels and the pages in the browser tests (Debian's package; needs root,
# as in CI). Without them the labels are drawn as empty boxes and exports/timeline.png is not the committed one.
fonts:
	@if ! fc-list 2>/dev/null | grep -q "Noto Sans CJK"; then \
	  echo "installing Korean fonts (Debian package fonts-noto-cjk) for timeline.png"; \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk fontconfig >/dev/null; } \
	  || echo "WARNING: could not install fonts-noto-cjk; timeline.png's Korean labels will be empty boxes"; \
	fi

# Headless Chromium for the browser tests (Debian's package; needs root, as in CI).
browser: fonts
	@if ! command -v chromium >/dev/null 2>&1; then \
	  echo "installing chromium (Debian package) for the browser tests"; \
	  { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1 \
	    || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }; } \
	  || echo "WARNING: could not install chromium; the browser tests will be SKIPPED (pytest -rs lists them)"; \
	fi

test: $(STAMP) browser
	$(BIN)/python -m pytest -rs

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
