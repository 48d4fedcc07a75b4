# agnlc: set-up, the main job and the tests. `make run` and `make test` are the README's two commands.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | sha256sum | cut -c1-12)
CORES ?= 2

.PHONY: setup run test reliability lint report lock clean

setup: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@$(PY) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "agnlc needs Python 3.11 (set PY=python3.11)")'
	@test -x $(BIN)/python || $(PY) -m venv $(VENV) || { \
	  echo "python3 -m venv failed; installing Debian's python3-venv"; \
	  apt-get update -q && apt-get install -y -q python3-venv && $(PY) -m venv $(VENV); }
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.lock
	$(BIN)/python -m pip install -q --no-deps -e .
	rm -f $(VENV)/.installed-* && touch $@

run: setup
	$(BIN)/python -m agnlc repair results
	$(BIN)/snakemake --cores $(CORES)

test: setup
	$(BIN)/ruff check scripts tests benchmarks
	$(BIN)/snakemake --lint
	$(BIN)/python -m pytest

reliability: setup
	$(BIN)/python -m pytest tests/reliability --reliability -v

report: setup
	$(BIN)/snakemake --report results/report.html

lock: setup
	$(BIN)/python -m pip freeze --exclude-editable > requirements.lock

clean:
	rm -rf results logs .snakemake
