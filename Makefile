# Two commands for a new machine: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
CATALOGS := $(wildcard forum/translations/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGS:.po=.mo)
# The tests read our calendars with Mozilla's ical.js under Node (tests/js); `make run` does
# not need Node at all.
JS_DIR := tests/js
JS_STAMP := $(JS_DIR)/node_modules/.installed
DEV_ENV := FORUM_ENV=development MAIL_BACKEND=console
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test bench bench-memory setup translations extract-messages update-messages clean

run: setup
	$(DEV_ENV) $(BIN)/flask --app app forum init
	$(DEV_ENV) $(BIN)/flask --app app forum demo
	@echo "Forum runs on http://$(HOST):$(PORT)/ (Ctrl+C stops it)"
	$(DEV_ENV) $(BIN)/flask --app app run --host $(HOST) --port $(PORT)

test: setup $(JS_STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The benchmark (benchmarks/README.md): a generated forum served by gunicorn, measured with
# wrk if installed. Pass options with BENCH_ARGS="--database-url postgresql://… --markdown".
bench: setup
	$(BIN)/python -m benchmarks.run $(BENCH_ARGS)

# Issue #6: a 200 MB upload and download through gunicorn with one sync worker, and the
# worker's memory growth against 50 MB (benchmarks/README.md). Pass options with
# BENCH_ARGS="--database-url postgresql://… --markdown --check".
bench-memory: setup
	$(BIN)/python -m benchmarks.memory $(BENCH_ARGS)

setup: $(STAMP) translations

$(STAMP):
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $@

# npm ci installs exactly what package-lock.json says (and refuses a lock file that does not
# match package.json); it empties node_modules first, so the stamp goes with it and is made
# again only when the install succeeded. A changed lock file installs again.
$(JS_STAMP): $(JS_DIR)/package.json $(JS_DIR)/package-lock.json
	npm ci --prefix $(JS_DIR) --no-audit --no-fund --loglevel=error
	touch $@

translations: $(COMPILED)

%.mo: %.po $(STAMP)
	$(BIN)/pybabel compile --statistics -i $< -o $@

# For developers: collect the strings to translate, and merge them into the catalogues.
extract-messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg --ignore-dirs '.* __pycache__ node_modules' -k _l -k lazy_gettext -k ngettext:1,2 -k pgettext:1c,2 -k _lp:1c,2 --no-location \
		--sort-output --project Forum -o messages.pot .

update-messages: extract-messages
	$(BIN)/pybabel update -i messages.pot -d forum/translations --no-fuzzy-matching --ignore-obsolete

clean:
	rm -rf $(VENV) .pytest_cache $(JS_DIR)/node_modules
