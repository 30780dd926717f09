# CityLoop. Every target bootstraps first (fast when nothing changed), so a fresh clone works.
#   make run             dev services + migrate + demo data + API and worker (Ctrl-C stops the API;
#                        the services keep running: `make stop`)
#   make test            test services, lint, contract check, pytest -n 2   (PYTEST_ARGS='-k foo -x');
#                        stops the test services after itself unless they were already up:
#                        `scripts/services.sh start test` once keeps them up (saves ~10 s a run)
#   make lint | contract | contract-check | bench | bench-table | screenshots | status | stop
# Services: scripts/services.sh {start|stop|status|start-one|stop-one} {dev|test}; env in var/PROFILE/env.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

VENV := .venv/bin
PYTEST_ARGS ?=

.PHONY: help bootstrap services run test lint contract contract-check bench bench-table screenshots status stop

help:
	@sed -n '2,8p' Makefile | sed 's/^# \{0,1\}//'

bootstrap:
	@scripts/bootstrap.sh

services: bootstrap
	@scripts/services.sh start dev

run: services
	@source var/dev/env \
		&& $(VENV)/cityloop db migrate \
		&& $(VENV)/cityloop db seed-demo \
		&& exec $(VENV)/cityloop serve

test: bootstrap
	@scripts/test.sh $(PYTEST_ARGS)

lint: bootstrap
	$(VENV)/ruff check .
	$(VENV)/ruff format --check .
	$(VENV)/mypy .

contract: bootstrap
	$(VENV)/cityloop contract write

contract-check: bootstrap
	$(VENV)/cityloop contract check

# every bench/NAME.py with a __main__ block runs as `python -m bench.NAME` (helpers such as
# bench/bare_app.py have none); BENCH_ARGS go to each
BENCH_ARGS ?=
bench: services
	@source var/dev/env && $(VENV)/cityloop db migrate && $(VENV)/cityloop db seed-demo >/dev/null; \
	rc=0; ran=0; for f in bench/[!_]*.py; do \
		[ -f "$$f" ] && grep -q '^if __name__ == .__main__.:' "$$f" || continue; \
		m="bench.$$(basename "$$f" .py)"; ran=1; echo "== $$m"; \
		$(VENV)/python -m "$$m" $(BENCH_ARGS) || { echo "!! $$m failed"; rc=1; }; \
	done; \
	if [ "$$ran" = 0 ]; then echo "no benchmarks in bench/"; fi; exit $$rc

# issue 13's table, every row in one run (about 55 minutes): QUEUES_DB= a database kept by `bench.queues --keep`
QUEUES_DB ?=
bench-table: services
	@bench/table.sh $(QUEUES_DB)

# the README's console screenshots (docs/console/*.png) from the demo data, with Debian's chromium
screenshots: services
	@source var/dev/env && $(VENV)/cityloop db migrate && $(VENV)/cityloop db seed-demo >/dev/null \
		&& $(VENV)/cityloop console screenshots --out docs/console

status:
	@for p in dev test; do echo "[$$p]"; scripts/services.sh status $$p || true; done

stop:
	@scripts/services.sh stop dev
	@scripts/services.sh stop test
