# Two commands on a fresh machine: `make build` and `make test`.
# Each creates .venv with the pinned dependencies (requirements.lock) when it is missing.
# Any Python from 3.11 on (PYTHON=python3.12, PYTHON=python3.13).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# The stamp names the Python it was made with: another PYTHON, or a .venv left broken by a
# failed install, makes make check .venv again and rebuild it when it does not match.
PYVER := $(shell $(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)
STAMP := $(VENV)/.installed-$(PYVER)
export DVC_NO_ANALYTICS := 1

.PHONY: build test test-fast lint validate status clean-venv lock bench

$(STAMP): requirements.lock pyproject.toml
	@test -n "$(PYVER)" || { echo "$(PYTHON) does not run: give PYTHON=python3.11 (or 3.12, 3.13)"; exit 2; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python $(PYVER) is too old: manpower needs 3.11 or later (PYTHON=python3.11)"; exit 2; }
	@have=$$($(BIN)/python -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null); \
	if [ -e $(VENV) ] && [ "$$have" != "$(PYVER)" ]; then \
	  echo "$(VENV) was made by Python $${have:-that no longer runs}, not $(PYVER): rebuilding it"; \
	  rm -rf $(VENV); \
	fi
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	rm -f $(VENV)/.installed*
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

build: $(STAMP)
	$(BIN)/manpower build

# pytest's exit code 5 (no tests collected) is a failure: a suite that ran nothing proves nothing.
PYTEST = $(BIN)/python -m pytest -n $(JOBS) --dist loadgroup
JOBS ?= 2
NO_TESTS = rc=$$?; if [ $$rc -eq 5 ]; then echo "no tests collected"; exit 1; fi; exit $$rc

lint: $(STAMP)
	$(BIN)/ruff check src tests scripts
	$(BIN)/ruff format --check src tests scripts
	$(BIN)/mypy
	$(BIN)/actionlint .github/workflows/*.yml
	$(BIN)/zizmor --quiet --offline .github/workflows

test: lint
	$(PYTEST); $(NO_TESTS)

# Without the tests marked slow (pipelines, releases, subprocesses): for quick edits.
test-fast: $(STAMP)
	$(BIN)/ruff check src tests scripts
	$(PYTEST) -m "not slow"; $(NO_TESTS)

validate: $(STAMP)
	$(BIN)/manpower validate

# manpower validate vs frictionless validate at 100k and 1M real-shaped claims rows, each also
# with 1% of its rows broken over every rule (~15 minutes).
bench: $(STAMP)
	$(BIN)/python scripts/bench_validate.py $(BENCH_ARGS)

# Fails when data, schemas or code changed without `make build` (dvc.lock / outputs stale).
status: $(STAMP)
	@out=$$($(BIN)/dvc status -q 2>&1); rc=$$?; \
	if [ $$rc -ne 0 ]; then $(BIN)/dvc status; echo "pipeline outputs are stale: run 'make build' and commit"; exit 1; fi

# Regenerate requirements.lock (every extra, each file's sha256) from pyproject.toml; the pins
# already in the lock are kept unless pyproject.toml rules them out.
lock:
	rm -rf /tmp/manpower-lock && $(PYTHON) -m venv /tmp/manpower-lock
	/tmp/manpower-lock/bin/pip install --quiet pip-tools
	/tmp/manpower-lock/bin/pip-compile --quiet --extra dev --generate-hashes --allow-unsafe --strip-extras \
	  --no-emit-index-url --no-emit-find-links --output-file requirements.lock pyproject.toml
	@# the project itself (its extras name it) and pip (the venv's own) are not locked
	awk '/^(manpower @ |pip==)/{skip=1;next} /^[^ ]/{skip=0} !skip && !/^# (WARNING: pip install will require|Consider using a hashable)/' \
	  requirements.lock > requirements.lock.tmp && mv requirements.lock.tmp requirements.lock

clean-venv:
	rm -rf $(VENV)
