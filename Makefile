# ServiceCircle: two commands on a fresh machine (Python 3.11, make, access to package registries).
#   make run    set everything up and start the app on the bundled sample city (Hangzhou)
#   make test   set everything up and run the whole test suite (what CI runs)
PYTHON ?= python3.11
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
PORT   ?= 8501

.PHONY: setup system-deps run test coverage bench clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is required (set PYTHON=/path/to/python3.11)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

# Debian packages: Chromium for the browser test, a CJK font for maps/PDFs, poppler for PDF checks,
# PostgreSQL 15 + PostGIS 3 for the scenario-store tests.
system-deps:
	@bash scripts/install_system_deps.sh

# ui.prepare: the first page's data and map go to the disk cache before the server starts;
# ui.serve = streamlit run app.py + the first page loaded in the server process while the browser starts (issue 16)
run: setup
	@bash scripts/install_system_deps.sh --app
	$(PY) -m ui.prepare
	$(PY) -m ui.serve --server.address 127.0.0.1 --server.port $(PORT) --server.headless true --browser.gatherUsageStats false

coverage: setup
	$(VENV)/bin/servicecircle coverage

# SERVICECIRCLE_REQUIRE_POSTGIS=1: the PostGIS tests fail (never skip) when the server cannot start
test: setup system-deps
	SERVICECIRCLE_REQUIRE_POSTGIS=1 $(PY) -m pytest -n 2 --dist loadfile -q

bench: setup
	$(PY) -m pip install --quiet -e '.[bench]'
	$(PY) -m benchmarks.bench_travel_time

clean:
	rm -rf $(VENV) .cache
