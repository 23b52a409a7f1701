# Two commands for a newcomer:  `make run` (the demo) and `make test` (the suite).
# Everything else here is what those two need.

VENV    := .venv
PY      := $(VENV)/bin/python
PYSTAMP := $(VENV)/.installed
NPMSTAMP := node_modules/.installed

.PHONY: run test bench lint format screenshots fonts setup clean-db help

help:
	@echo "make run    install everything, start the database, seed the demo and serve it"
	@echo "make test   install everything and run the test suite (ARGS='-k name' to filter)"
	@echo "make bench  run the benchmarks (ARGS='--json bench.json')"
	@echo "make lint   ruff check + format check + makemigrations --check"

run: setup
	@$(PY) -m siteconf.devserver run

test: setup
	@bin/ensure-chromium
	@$(PY) -m siteconf.devserver test $(ARGS)

bench: setup
	@$(PY) -m siteconf.devserver bench $(ARGS)

# The marketing site's subset web fonts (committed; rerun after upgrading django-unfold).
fonts: setup
	@$(PY) bin/subset-fonts

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	@$(PY) -m siteconf.devserver manage makemigrations --check --dry-run

format: setup
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

setup: $(PYSTAMP) $(NPMSTAMP)

$(PYSTAMP): pyproject.toml
	@if [ ! -x $(PY) ]; then \
	  python=$$(bin/find-python) || exit 1; \
	  echo "Creating $(VENV) with $$python"; \
	  "$$python" -m venv $(VENV) || exit 1; \
	fi
	@$(PY) -m pip install --quiet --upgrade pip
	@$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(PYSTAMP)

$(NPMSTAMP): package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { \
	  echo "npm is required for the front-end libraries (calendar, audio player)."; \
	  echo "Install Node.js 18+ with npm (e.g. apt-get install nodejs npm, or nodejs.org), then retry."; \
	  exit 1; }
	@npm ci --no-audit --no-fund --loglevel=error
	@mkdir -p node_modules && touch $(NPMSTAMP)

clean-db:
	rm -rf .pgdata

screenshots: setup
	@bin/ensure-chromium
	@$(PY) bin/screenshots
