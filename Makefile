# prehab: `make build` builds the demo site, `make test` runs every test.
# Both set up everything on a fresh machine (a .venv with pinned versions,
# and on Debian as root the system packages the PDFs and browser tests need).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
LOCK := requirements.lock
SYSTEM_PACKAGES := chromium poppler-utils libharfbuzz-subset0 strace

.PHONY: build test serve bench bench-serve screenshots system-deps clean lock

build: $(VENV)/.installed
	$(BIN)/prehab build

test: $(VENV)/.installed-test system-deps tools/node_modules/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/prehab build
	$(BIN)/python -m pytest -q

# axe-core and the Nu Html Checker, pinned by tools/package-lock.json.
tools/node_modules/.installed: tools/package.json tools/package-lock.json
	npm ci --prefix tools --no-audit --no-fund --loglevel=error
	@touch $@

serve: $(VENV)/.installed
	$(BIN)/prehab serve

# prehab next to Hugo (Debian's hugo) and Pelican (its own venv) on the same
# seeded corpus, plus prehab's scaling. Takes a while at 4,000 articles.
bench: $(VENV)/.installed-test
	@command -v hugo >/dev/null 2>&1 || { if [ "$$(id -u)" = 0 ]; then apt-get install -y -qq hugo >/dev/null; else echo "Please install Hugo first (sudo apt-get install hugo)."; exit 1; fi; }
	$(BIN)/python bench/compare.py --sizes 1000 --runs 3
	$(BIN)/python bench/compare.py --sizes 4000 --runs 1 --scaling 250 1000 4000 16000

# Edit-to-reload latency of the live preview, on the demo site and on a
# generated site of 2,000 articles, 300 exercises and 100 routines.
bench-serve: $(VENV)/.installed-test system-deps
	$(BIN)/python bench/serve_latency.py
	$(BIN)/python bench/serve_latency.py --articles 2000 --exercises 300 --routines 100

# Screenshots of the demo for the README (rewritten only when they change).
screenshots: $(VENV)/.installed-test system-deps
	$(BIN)/python tools/screenshots.py

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml $(LOCK) | $(BIN)/python
	$(BIN)/python -m pip install -q --disable-pip-version-check -c $(LOCK) -e .
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install -q --disable-pip-version-check -c $(LOCK) -e '.[test]'
	@touch $@

# WeasyPrint needs Pango; the browser tests need Debian's chromium; the PDF
# tests look at pages with pdftoppm; libharfbuzz-subset0 makes PDFs ~6x faster;
# the HTML checker needs Java; axe-core and the checker come from npm;
# strace proves the file gate opens nothing outside the project (test_file_gate).
system-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v pdftoppm >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	ls /usr/lib/*/libharfbuzz-subset.so.0 >/dev/null 2>&1 || missing="$$missing libharfbuzz-subset0"; \
	command -v java >/dev/null 2>&1 || missing="$$missing default-jre-headless"; \
	command -v strace >/dev/null 2>&1 || missing="$$missing strace"; \
	command -v npm >/dev/null 2>&1 || missing="$$missing nodejs npm"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing system packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "Please install these system packages first (e.g. sudo apt-get install$$missing)."; exit 1; \
	  fi; \
	fi

# Re-pin every dependency after changing pyproject.toml.
lock: $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test]'
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^prehab' > $(LOCK)

clean:
	rm -rf $(VENV) site_output .prehab-cache .prehab-serve tools/node_modules
