# duluan — developer interface (see README).  Everything runs from the repo root.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
VENDOR := src/duluan/web/static/vendor
PG     := bash scripts/test-postgres.sh

.PHONY: setup venv assets run demo test lint bench models clean

setup: venv assets

# Python: editable install with dev extras; redone only when pyproject.toml changes.
venv: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

# Front-end libraries from npm, copied into the package (served locally, no CDN).
# --ignore-scripts: no install-time code from the registry (swagger-ui-dist pulls in a telemetry hook).
assets: $(VENDOR)/.stamp
$(VENDOR)/.stamp: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	mkdir -p $(VENDOR)
	cp node_modules/htmx.org/dist/htmx.min.js node_modules/echarts/dist/echarts.min.js \
	   node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css $(VENDOR)/
	touch $@

run: setup
	$(BIN)/duluan db upgrade
	$(BIN)/duluan users ensure-admin
	$(BIN)/duluan serve

# The labelled synthetic demo (Lào Cai, 90 days, injected hotspots), then serve it.
demo: setup
	$(BIN)/duluan demo

# Whole suite on SQLite, then again (minus browser tests) on a throwaway PostgreSQL.
# The server is stopped whatever happens; fails if either run failed.
test: export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1
test: export DULUAN_CHROMIUM := /usr/bin/chromium
test: setup
	bash scripts/system-deps.sh
	@trap '$(PG) stop' EXIT; trap 'exit 130' INT TERM; \
	$(PG) start || exit 1; \
	status=0; \
	echo "== pytest: SQLite =="; \
	env -u DULUAN_TEST_DATABASE_URL $(BIN)/pytest -q; rc=$$?; \
	[ $$rc -eq 0 ] || status=1; \
	echo "== pytest: PostgreSQL =="; \
	DULUAN_TEST_DATABASE_URL="$$($(PG) url)" $(BIN)/pytest -q -m "not browser"; rc=$$?; \
	[ $$rc -eq 0 ] || status=1; \
	exit $$status

lint: venv
	$(BIN)/ruff format --check src tests
	$(BIN)/ruff check src tests
	$(BIN)/mypy src

bench: setup
	$(BIN)/python -m benchmarks

# Retrain the shipped text models from the project's own corpus (corpus/, MIT).
models: venv
	$(BIN)/python scripts/train_default_models.py

clean:
	-@$(PG) stop 2>/dev/null
	rm -rf $(VENV) node_modules $(VENDOR) var/test-pg /tmp/duluan-test-pg-$${DULUAN_TEST_PG_PORT:-54329}
