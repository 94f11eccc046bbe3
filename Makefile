# docqa: `make run` starts the chat UI on the seed corpus; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DOCQA := $(VENV)/bin/docqa
HOST ?= 127.0.0.1
PORT ?= 7860
export ANONYMIZED_TELEMETRY := False
export GRADIO_ANALYTICS_ENABLED := False
export HF_HUB_OFFLINE := 1
export HF_HUB_DISABLE_TELEMETRY := 1
export OMP_WAIT_POLICY := passive

.PHONY: install run serve test lint format browser bench clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

run: install
	$(DOCQA) ingest --default-corpus
	$(DOCQA) serve --host $(HOST) --port $(PORT) --no-ingest-default

# Debian's Chromium for the browser tests (never a downloaded browser build).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-noto-cjk; }

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy store ingest assistant ui evals bench

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

test: install browser lint
	$(VENV)/bin/pytest -q

bench: install
	$(PY) -m bench.all

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
