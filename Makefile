# The two commands: `make run` serves the app with demo data, `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test fuzz lint format translations install clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/pooling db upgrade
	POOLING_BASE_URL=http://$(HOST):$(PORT) $(BIN)/pooling demo
	@echo "Serving on http://$(HOST):$(PORT) (another port: make run PORT=5001)"
	$(BIN)/pooling run --host $(HOST) --port $(PORT)

test: $(STAMP)
	$(BIN)/pytest $(PYTEST_ARGS)

# The nightly-size API fuzzing run (hundreds of random inputs per operation).
FUZZ_EXAMPLES ?= 300
fuzz: $(STAMP)
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/pytest -q -p no:cacheprovider tests/security/test_api_fuzzing.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

translations: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output -o pooling/translations/messages.pot .
	$(BIN)/pybabel update -i pooling/translations/messages.pot -d pooling/translations --no-fuzzy-matching --ignore-pot-creation-date
	$(BIN)/pybabel compile -d pooling/translations

clean:
	rm -rf $(VENV) instance .pytest_cache
