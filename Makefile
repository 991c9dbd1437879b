# Two commands matter: `make run` and `make test`. Both create .venv and install what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000

.PHONY: install install-dev run serve migrate seed test lint typecheck bench clean loadtest loadtest-faults messages screenshots

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

install-dev: $(VENV)/.installed-dev

$(VENV)/.installed-dev: $(VENV)/.installed pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

migrate: install
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py load_seed
	$(BIN)/python manage.py create_demo_users
	$(BIN)/python manage.py load_demo_reports

run: seed
	@echo "coopplan chạy tại http://$(HOST)/  (Ctrl+C để dừng)"
	$(BIN)/python manage.py runserver $(HOST)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# mypy with django-stubs on the app packages; what it checks is set in pyproject.toml.
typecheck: install-dev
	$(BIN)/mypy

# Two runs: transactional tests (real commits from threads, the browser's live server) flush the
# database when they end, so they must not share a run with the tests that rely on the seed loaded
# once per session. pytest exits 5 when it selects nothing; that is fine, except in CI, where the
# browser tests must run (COOPPLAN_REQUIRE_BROWSER=1). Both runs are spread over TEST_WORKERS
# processes (pytest-xdist; each has its own test database, media folder and, in the second run,
# live server and Chromium). In the first, a test file stays on one worker so data built once per
# module is built once; the second hands out single tests, one at a time after the first two each
# (--maxschedchunk 1: the long ones, marked and put first, land on both workers, not on one).
# TEST_WORKERS=0 runs everything in one process.
TEST_WORKERS ?= auto

test: lint
	$(BIN)/python manage.py makemigrations --check --dry-run --settings=coopplan.settings.test
	$(BIN)/mypy
	$(BIN)/pytest -m "not browser and not transactional" -n $(TEST_WORKERS) --dist loadfile
	$(BIN)/pytest -m "transactional or browser" -n $(TEST_WORKERS) --maxschedchunk 1 || { rc=$$?; [ $$rc -eq 5 ] && [ "$${COOPPLAN_REQUIRE_BROWSER:-}" != 1 ] || exit $$rc; }

# Load test on loopback: gunicorn with the production settings on PostgreSQL (database
# coopplan_load, dropped and recreated), 50 virtual users for 60 s, then every acknowledged save
# is looked up in the database. FAULTS=1 (or loadtest-faults) also kills a gunicorn worker and
# restarts PostgreSQL mid-run. LOADTEST_ARGS="--users 20 --duration 30" to change the run.
loadtest: install-dev
	$(BIN)/python loadtest/run.py $(if $(filter 1 yes true,$(FAULTS)),--faults) $(LOADTEST_ARGS)

loadtest-faults: install-dev
	$(BIN)/python loadtest/run.py --faults $(LOADTEST_ARGS)

# Figures on national-scale data (README, "Hiệu năng"): SQLite in var/bench.sqlite3, or the
# PostgreSQL database DATABASE_URL names. BENCH_SCALE=small for a quick run.
BENCH_SCALE ?= national
# BENCH_ARGS=--readme puts the figures into README.md; --markdown FILE writes them to FILE.
BENCH_ARGS ?=
bench: install-dev
	$(BIN)/python bench/run.py --scale $(BENCH_SCALE) $(BENCH_ARGS)

# Every screen for each role (reporter, coordinator, leader, province administrator), phone
# (390 px) and desktop, on the demo data: var/screenshots/index.html shows them side by side.
# The same walk as tests/browser/test_screens.py, without axe-core (COOPPLAN_SCREENSHOTS_AXE=1 to
# run it too); it fails when a screen scrolls sideways, after writing every screenshot.
screenshots: install-dev
	rm -rf var/screenshots
	COOPPLAN_SCREENSHOTS=$(CURDIR)/var/screenshots $(BIN)/pytest -m browser -p no:randomly -q \
		tests/browser/test_screens.py
	@echo "Ảnh chụp màn hình: var/screenshots/index.html"

# Vietnamese for what Django's own catalog leaves in English (tests/test_locale.py checks the .mo).
messages:
	msgfmt --check -o locale/vi/LC_MESSAGES/django.mo locale/vi/LC_MESSAGES/django.po

clean:
	rm -rf $(VENV) var db.sqlite3
