# prehab: `make build` builds the demo site, `make test` runs every test.
# Both set up everything on a fresh machine (a .venv with pinned versions,
# and on Debian as root the system packages the PDFs and browser tests need).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
LOCK := requirements.lock
SYSTEM_PACKAGES := chromium poppler-utils libharfbuzz-subset0 strace

.PHONY: build test audit serve bench bench-serve screenshots build-deps system-deps clean lock

build: $(VENV)/.installed build-deps
	$(BIN)/prehab build

test: $(VENV)/.installed-test system-deps tools/node_modules/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/prehab build
	$(BIN)/python -m pytest -q

# Lighthouse 12 (mobile) on six pages of a demo build served on 127.0.0.1:
# a table of the four scores, failing if any is under 95. Not part of `make
# test`: the performance score depends on how fast the machine is.
audit: $(VENV)/.installed-test system-deps tools/node_modules/.installed
	$(BIN)/python tools/audit.py

# axe-core, the Nu Html Checker and Lighthouse, pinned by tools/package-lock.json.
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

# Installs the Debian packages listed in $$missing (as root with apt-get),
# or names them in one sentence and stops.
define install_missing
if [ -n "$$missing" ]; then \
  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
    echo "installing system packages:$$missing"; \
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
  else \
    echo "Please install these system packages first (e.g. sudo apt-get install$$missing)."; exit 1; \
  fi; \
fi
endef
# A shared library in the folders the toolchain looks in (Debian's or Homebrew's).
have_lib = ls -d /usr/lib/*/$(1)* /usr/lib/$(1)* /usr/local/lib/$(1)* /opt/homebrew/lib/$(1)* 2>/dev/null | grep -q .

# What `prehab build` itself uses: WeasyPrint needs Pango, and
# libharfbuzz-subset0 makes PDF cards ~6x faster (and changes their font
# bytes, so a build without it makes other PDFs than one with it); share
# pictures are drawn in DejaVu Sans Bold (fonts-dejavu-core).
build-deps:
	@missing=""; \
	$(call have_lib,libpango-1.0.) || missing="$$missing libpango-1.0-0"; \
	$(call have_lib,libpangoft2-1.0.) || missing="$$missing libpangoft2-1.0-0"; \
	$(call have_lib,libharfbuzz-subset.) || missing="$$missing libharfbuzz-subset0"; \
	[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf ] || missing="$$missing fonts-dejavu-core"; \
	$(install_missing)

# The tests, besides: Debian's chromium for the browser tests; pdftoppm to
# look at PDF pages; Java for the HTML checker; npm for axe-core and the
# checker; strace proves the file gate opens nothing outside the project
# (test_file_gate).
system-deps: build-deps
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v pdftoppm >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	command -v java >/dev/null 2>&1 || missing="$$missing default-jre-headless"; \
	command -v strace >/dev/null 2>&1 || missing="$$missing strace"; \
	command -v npm >/dev/null 2>&1 || missing="$$missing nodejs npm"; \
	$(install_missing)

# Re-pin every dependency after changing pyproject.toml.
lock: $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test]'
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^prehab' > $(LOCK)

clean:
	rm -rf $(VENV) site_output .prehab-cache .prehab-serve tools/node_modules
