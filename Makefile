# Two commands on a fresh machine (Python 3.11+ with venv):
#   make demo   set up .venv, then backfill the bundled example digests into ./data and print the result
#   make test   set up .venv, then lint, type-check and run every test layer (what CI runs, through .ci/run)
#   make unit   the unit layer alone (pure functions, no Dagster instance, no subprocess): under a minute
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup demo test unit lint typecheck bench clean

setup: $(VENV)/.installed

# constraints.txt pins every transitive dependency to versions known to install and work together. uv installs
# them (a fifth of pip's time, downloads in parallel, one shared cache); pip only bootstraps uv.
UV_VERSION := 0.13.8
$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet uv==$(UV_VERSION)
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -c constraints.txt -e '.[dev]'
	touch $@

demo: setup
	$(BIN)/papertrend run

# Test files run on PYTEST_WORKERS processes (pytest-xdist); one file's tests stay on one worker, so a
# file's shared fixtures (a built warehouse, a UI, a PostgreSQL cluster) are built once. Four on two cores:
# the end-to-end tests spend most of their time waiting for Dagster's daemon and processes, not computing.
PYTEST_WORKERS ?= 4
# tests/unit: pure functions; tests/assets: dagster.materialize on a temporary lake; tests/e2e: the CLI, the
# daemon, the browser, PostgreSQL, the object store, the wheel.
test: lint typecheck
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder $(PYTEST_ARGS)

unit: setup
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile tests/unit $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The product's folders import one another relatively, so static tools read the checkout as it is: pyright
# from here; mypy from the folder above, where the checkout is the package. When the checkout's folder name is
# not a Python identifier (a CI clone, say), mypy reads it through a link named papertrend in a temporary folder.
# lint-imports checks the layering contract in pyproject.toml.
PRODUCT := orchestration transforms schemas sources warehouse
CHECKOUT := $(notdir $(CURDIR))
typecheck: setup
	@# mypy and pyright side by side (one core each); either failing fails the target
	@tmp=; if echo "$(CHECKOUT)" | grep -Eq '^[A-Za-z_][A-Za-z0-9_]*$$'; then root=..; name=$(CHECKOUT); \
	else tmp=$$(mktemp -d); root=$$tmp; name=papertrend; ln -s $(CURDIR) $$root/papertrend; \
		echo "typecheck: '$(CHECKOUT)' is not a Python identifier, so mypy reads it as papertrend ($$root)"; fi; \
	echo "mypy (from $$root) and pyright"; \
	(cd $$root && $(CURDIR)/$(BIN)/mypy --config-file $(CURDIR)/pyproject.toml \
		$$(for d in $(PRODUCT); do printf '%s/%s ' $$name $$d; done)) & \
	mypy=$$!; $(BIN)/pyright; pyright=$$?; wait $$mypy; mypy=$$?; [ -z "$$tmp" ] || rm -rf "$$tmp"; \
	[ $$mypy -eq 0 ] && [ $$pyright -eq 0 ]
	$(BIN)/lint-imports

bench: setup
	sh bench/run $(BENCH_ARGS)

clean:
	rm -rf $(VENV) data .pytest_cache build .mypy_cache
