# stiplan — the two commands: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The whole dependency tree, pinned with the sha256 of every file PyPI serves for each version:
# requirements.lock (runtime + the test extra: make, CI) and requirements-runtime.lock (production).
LOCK := requirements.lock
RUNTIME_LOCK := requirements-runtime.lock
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml $(LOCK) | cksum | cut -d' ' -f1)
PORT ?= 8000
PYTEST := $(BIN)/python -m pytest
# The tests `make test` runs (a pytest -m expression; empty: all of them), in one run of two workers.
# CI's PostgreSQL pass leaves out the tests that never reach the run's database (tests/conftest.py
# marks them) and the layout sweep (tests/browser/test_layout_sweep.py says why), which its SQLite
# pass ran. One run, browser tests with the rest, as the longest-first order balances the two
# workers: 626 s on SQLite, where the unit and browser runs apart took 414 + 265 s (session 11);
# three workers took 650 s, the two cores then busy all the time (session 11, and session 9).
TESTS ?=
# Debian packages: PDF documents need Pango and the Times-metric Liberation Serif 2.x (runtime);
# the tests add a real browser, gettext, LibreOffice (opens the DOCX) and poppler (reads the PDF).
RUNTIME_PACKAGES := fonts-liberation2 libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
DEBIAN_PACKAGES := $(RUNTIME_PACKAGES) chromium gettext libreoffice-calc-nogui libreoffice-writer-nogui poppler-utils tesseract-ocr tesseract-ocr-vie

.PHONY: demo test lint messages system-deps runtime-deps bench clean vendor install lock audit screenshots
VENDOR := stiplan/static/vendor/echarts.min.js
# axe-core (a devDependency): the accessibility check the browser tests inject into each page.
AXE := node_modules/axe-core/axe.min.js

# Install from the lock only, every file checked against its hashes. pip installs uv from its own
# locked lines (hashes too), then uv installs the whole lock (pip itself included) in seconds where
# pip took a minute; uv reads only PyPI, not this machine's local indexes. The project goes in last
# without its dependencies and without build isolation, so its build backend (setuptools, locked too)
# is the locked one as well. The stamp's name follows pyproject and the lock. Packages are compiled to
# bytecode as they are installed: every process (each test worker, each `stiplan` command a test
# starts) then loads Django and the rest from .pyc instead of compiling them again, which hosts
# that set PYTHONDONTWRITEBYTECODE would otherwise do at every start.
UV := $(BIN)/uv pip install --quiet --python $(BIN)/python
install: $(STAMP)
$(STAMP):
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	awk '/^uv==/ {on = 1} on {print} on && !/\\$$/ {exit}' $(LOCK) > $(VENV)/uv.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r $(VENV)/uv.txt
	$(UV) --compile-bytecode --require-hashes -r $(LOCK)
	$(UV) --no-deps --no-build-isolation -e .
	rm -f $(VENV)/.installed-* && touch $@

# Re-resolve after a pin in pyproject.toml changes (keeps the other pins; LOCK_FLAGS=--upgrade moves
# them all to the newest). setuptools>=68 is pyproject's build requirement, locked for the step above.
# The runtime lock is solved under the whole lock, so both give a package the same version.
UV_COMPILE = $(BIN)/uv pip compile pyproject.toml - --generate-hashes --python-version 3.11 \
	--python-platform x86_64-manylinux_2_28 --custom-compile-command "make lock" --quiet $(LOCK_FLAGS)
lock:
	test -x $(BIN)/uv || $(MAKE) --no-print-directory install
	echo 'setuptools>=68' | $(UV_COMPILE) --extra test -o $(LOCK)
	echo 'setuptools>=68' | $(UV_COMPILE) -c $(LOCK) -o $(RUNTIME_LOCK)

# Known vulnerabilities of the locked set, per package, from the registry's advisory data.
audit: $(STAMP)
	$(BIN)/python .ci/audit.py $(LOCK)

messages: $(STAMP)
	@if command -v msgfmt >/dev/null; then cd stiplan && ../$(BIN)/django-admin compilemessages --settings=stiplan.settings -v0; fi

# Front-end libraries from the npm registry, pinned in package-lock.json, served from static/.
vendor: $(VENDOR)
$(VENDOR): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --silent
	mkdir -p $(dir $(VENDOR))
	cp node_modules/echarts/dist/echarts.min.js $(VENDOR)
$(AXE): $(VENDOR)
	test -f $(AXE) || npm ci --ignore-scripts --no-audit --no-fund --silent

demo: $(STAMP) runtime-deps messages $(VENDOR)
	$(BIN)/stiplan demo --port $(PORT)

runtime-deps:
	@$(MAKE) --no-print-directory system-deps DEBIAN_PACKAGES="$(RUNTIME_PACKAGES)"

system-deps:
	@missing=""; for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "Thiếu gói Debian / missing Debian packages:$$missing (chạy với quyền root để cài)"; fi; fi

# ruff, then the layer contracts (pyproject.toml [tool.importlinter]) on this checkout's code;
# --no-cache: the check takes seconds, and a cached import graph once missed an edited file here.
lint: $(STAMP)
	$(BIN)/ruff check stiplan tests bench tools
	PYTHONPATH=$(CURDIR) $(BIN)/lint-imports --no-cache

# The tests write their bytecode caches (__pycache__, ignored by git) even where the host sets
# PYTHONDONTWRITEBYTECODE: pytest then rewrites the test modules' asserts once, not once per
# worker and run, and the `stiplan` processes the tests start compile the project once.
test: export PYTHONDONTWRITEBYTECODE =
test: $(STAMP) system-deps messages lint $(VENDOR) $(AXE)
	mkdir -p var
	$(PYTEST) -n 2 $(if $(TESTS),-m "$(TESTS)") -q --durations=30

bench: $(STAMP)
	$(BIN)/python bench/run.py
	$(BIN)/python bench/upload.py
	$(BIN)/python bench/overview.py
	$(BIN)/python bench/documents.py
	$(BIN)/python bench/index.py
	$(BIN)/python bench/registry_search.py
	$(BIN)/python bench/registry_import.py
	$(BIN)/python bench/load.py

# Each role's main pages at 1366 and 390 px in both languages, from a fresh demo (tools/screenshots.py).
screenshots: $(STAMP) system-deps messages $(VENDOR)
	$(BIN)/python tools/screenshots.py var/screenshots

clean:
	rm -rf $(VENV) var
