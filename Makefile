# stiplan — the two commands: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
PORT ?= 8000
PYTEST := $(BIN)/python -m pytest
# Debian packages: PDF documents need Pango and the Times-metric Liberation Serif 2.x (runtime);
# the tests add a real browser, gettext, LibreOffice (opens the DOCX) and poppler (reads the PDF).
RUNTIME_PACKAGES := fonts-liberation2 libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
DEBIAN_PACKAGES := $(RUNTIME_PACKAGES) chromium gettext libreoffice-writer-nogui poppler-utils

.PHONY: demo test lint messages system-deps runtime-deps bench clean vendor
VENDOR := stiplan/static/vendor/echarts.min.js

$(STAMP):
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-* && touch $@

messages: $(STAMP)
	@if command -v msgfmt >/dev/null; then cd stiplan && ../$(BIN)/django-admin compilemessages --settings=stiplan.settings -v0; fi

# Front-end libraries from the npm registry, pinned in package-lock.json, served from static/.
vendor: $(VENDOR)
$(VENDOR): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --silent
	mkdir -p $(dir $(VENDOR))
	cp node_modules/echarts/dist/echarts.min.js $(VENDOR)

demo: $(STAMP) runtime-deps messages $(VENDOR)
	$(BIN)/stiplan demo --port $(PORT)

runtime-deps:
	@$(MAKE) --no-print-directory system-deps DEBIAN_PACKAGES="$(RUNTIME_PACKAGES)"

system-deps:
	@missing=""; for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "Thiếu gói Debian / missing Debian packages:$$missing (chạy với quyền root để cài)"; fi; fi

lint: $(STAMP)
	$(BIN)/ruff check stiplan tests bench

test: $(STAMP) system-deps messages lint $(VENDOR)
	mkdir -p var
	$(PYTEST) -n 2 -m "not browser" -q
	$(PYTEST) -m browser -q

bench: $(STAMP)
	$(BIN)/python bench/run.py
	$(BIN)/python bench/upload.py
	$(BIN)/python bench/overview.py
	$(BIN)/python bench/documents.py

clean:
	rm -rf $(VENV) var
