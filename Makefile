# govperf — the two commands a newcomer types: `make run` and `make test`.
# Both set up whatever is missing first (scripts/setup.sh is idempotent).
SHELL := /bin/bash
.DEFAULT_GOAL := help
STAMP := .venv/.installed

.PHONY: help setup run test test-fast lint format clean bench superset

help:
	@echo "make run    set up, then run the nightly DAG once end to end and print what the warehouse holds"
	@echo "make test   set up, then run every test (unit, dbt, Airflow end to end)"
	@echo "make lint   ruff check + format check"
	@echo "make superset  set up Superset with the dashboards (bi/superset/) and serve it on 127.0.0.1:8088"

$(STAMP): requirements.lock pyproject.toml apt-packages.txt scripts/setup.sh
	bash scripts/setup.sh

setup: $(STAMP)

run: $(STAMP)
	bash scripts/run_nightly.sh

test: $(STAMP)
	source scripts/airflow_env.sh && .venv/bin/python -m pytest -ra $(PYTEST_ARGS)

test-fast: $(STAMP)
	.venv/bin/python -m pytest -ra -m "not slow" $(PYTEST_ARGS)

lint: $(STAMP)
	.venv/bin/ruff check . && .venv/bin/ruff format --check .

format: $(STAMP)
	.venv/bin/ruff check --fix . && .venv/bin/ruff format .

superset: $(STAMP)
	.venv/bin/python -m bi.superset setup && exec .venv/bin/python -m bi.superset serve

bench: $(STAMP)
	.venv/bin/python -m bench $(BENCH_ARGS)

clean:
	rm -rf data warehouse dbt/target dbt/logs .pytest_cache
