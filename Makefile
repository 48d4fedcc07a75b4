# agnlc: set-up, the main job and the tests. `make run` and `make test` are the README's two commands.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | sha256sum | cut -c1-12)
CORES ?= 2
TINY_TESTS := tests/workflow/test_tiny_run.py tests/workflow/test_slurm.py
SLURM_BASE ?= /tmp/agnlc-slurm

.PHONY: setup run test reliability reference lint report lock clean

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
	@# the local SLURM of tests/workflow/test_slurm.py, up for the whole run (root on Debian only):
	@# with SLURM's client installed but no controller answering, every Snakemake start waits 9 s on
	@# `scontrol show config` (the SLURM executor plugin asks it when it is loaded)
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && ! sinfo -h -o %T 2>/dev/null | grep -q idle; then \
	  SLURM_BASE=$(SLURM_BASE) bash tests/slurm/up.sh > .slurm-up.log 2>&1 && touch .slurm-started \
	    || echo "local SLURM not started: the SLURM test will say why (log: .slurm-up.log)"; fi
	$(BIN)/ruff check scripts tests benchmarks
	$(BIN)/snakemake --lint
	@# two pytest processes side by side: the tiny run and its SLURM twin (one shared session fixture,
	@# mostly waiting on Snakemake and SLURM) and everything else; both must pass
	@$(BIN)/python -m pytest $(TINY_TESTS) --durations=10 > .pytest-tiny.log 2>&1 & tiny=$$!; \
	$(BIN)/python -m pytest $(foreach t,$(TINY_TESTS),--ignore=$(t)) --durations=15; rest=$$?; \
	wait $$tiny; tinyrc=$$?; echo "== $(TINY_TESTS) =="; cat .pytest-tiny.log; rm -f .pytest-tiny.log; \
	if [ -f .slurm-started ]; then SLURM_BASE=$(SLURM_BASE) bash tests/slurm/down.sh >/dev/null 2>&1; \
	  rm -f .slurm-started; fi; \
	test $$rest -eq 0 && test $$tinyrc -eq 0

reliability: setup
	$(BIN)/python -m pytest tests/reliability --reliability -v

# issue 26: cesium's, FATS's and EzTao's features of the reference light curves, each in its own
# environment (they pin numpy/scipy apart from the run env), written to resources/validation/reference_features/
# and compared with ours
reference: setup
	@test -x .venv-reference/bin/python || $(PY) -m venv .venv-reference
	.venv-reference/bin/python -m pip install -q -r tests/reference/requirements.txt
	@test -x .venv-eztao/bin/python || $(PY) -m venv .venv-eztao
	.venv-eztao/bin/python -m pip install -q -r tests/reference/requirements-eztao.txt
	$(BIN)/python tests/reference/make_lightcurves.py
	.venv-reference/bin/python tests/reference/cesium_reference.py
	.venv-eztao/bin/python tests/reference/eztao_fats_reference.py
	$(BIN)/python -m tests.reference.compare

report: setup
	$(BIN)/snakemake --report results/report.html

lock: setup
	$(BIN)/python -m pip freeze --exclude-editable > requirements.lock

clean:
	rm -rf results logs .snakemake
