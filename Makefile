# Two commands for a new machine: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
CATALOGS := $(wildcard forum/translations/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGS:.po=.mo)
DEV_ENV := FORUM_ENV=development MAIL_BACKEND=console
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test setup translations extract-messages update-messages clean

run: setup
	$(DEV_ENV) $(BIN)/flask --app app forum init
	$(DEV_ENV) $(BIN)/flask --app app forum demo
	@echo "Forum runs on http://$(HOST):$(PORT)/ (Ctrl+C stops it)"
	$(DEV_ENV) $(BIN)/flask --app app run --host $(HOST) --port $(PORT)

test: setup
	$(BIN)/python -m pytest $(PYTEST_ARGS)

setup: $(STAMP) translations

$(STAMP):
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $@

translations: $(COMPILED)

%.mo: %.po $(STAMP)
	$(BIN)/pybabel compile --statistics -i $< -o $@

# For developers: collect the strings to translate, and merge them into the catalogues.
extract-messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg --ignore-dirs '.* __pycache__ node_modules' -k _l -k lazy_gettext -k ngettext:1,2 -k pgettext:1c,2 --no-location \
		--sort-output --project Forum -o messages.pot .

update-messages: extract-messages
	$(BIN)/pybabel update -i messages.pot -d forum/translations --no-fuzzy-matching --ignore-obsolete

clean:
	rm -rf $(VENV) .pytest_cache
