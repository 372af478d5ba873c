# The two commands of the README: `make up` (the platform, with the demo city) and `make test`.
# Everything else is set up on the way: uv in a bootstrap venv, then the workspace in .venv.

UV_VERSION := 0.13.9
PYTHON ?= python3
BOOT := .phaseout/bootstrap
UV := $(BOOT)/bin/uv
export UV_PYTHON_DOWNLOADS := never

.PHONY: install up down status test lint unit bench clean

$(UV):
	$(PYTHON) -m venv $(BOOT)
	$(BOOT)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

.venv/.synced: $(UV) uv.lock pyproject.toml shared/pyproject.toml cli/pyproject.toml $(wildcard services/*/pyproject.toml)
	$(UV) sync --frozen --python $(PYTHON)
	touch $@

install: .venv/.synced

up: install
	.venv/bin/phaseout up

down: install
	.venv/bin/phaseout down

status: install
	.venv/bin/phaseout status

lint: install
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy

unit: install
	.venv/bin/pytest tests/unit -q

test: lint
	.venv/bin/pytest -q -p no:cacheprovider

bench: install
	.venv/bin/python -m bench

clean:
	-.venv/bin/phaseout down
	rm -rf .phaseout .venv
