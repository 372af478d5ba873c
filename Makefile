# The two commands of the README: `make up` (the platform, with the demo city) and `make test`.
# Everything else is set up on the way: uv in a bootstrap venv, then the workspace in .venv.

UV_VERSION := 0.13.9
PYTHON ?= python3
BOOT := .phaseout/bootstrap
UV := $(BOOT)/bin/uv
export UV_PYTHON_DOWNLOADS := never

.PHONY: install up down status test lint unit bench clean image compose-secrets compose-test

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

# The container image (podman, or docker with ENGINE=docker), tagged with the workspace's version
# as compose and k8s ask for it.
ENGINE ?= podman
VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml | head -1)
image:
	$(ENGINE) build -f deploy/docker/Dockerfile --build-arg VERSION=$(VERSION) \
	  --secret id=ca_bundle,src=/etc/ssl/certs/ca-certificates.crt -t phaseout:$(VERSION) .

# deploy/docker-compose.yml's secrets under .phaseout/compose/ (made once, never committed).
compose-secrets: install
	.venv/bin/python -m phaseout_cli.compose secrets

# The compose stack for real: rootful podman and podman-compose, base images made here from
# Debian's packages (no registry needed); builds, starts, waits for health, runs the demo, reads
# the 2019 exit list back through the aggregator, checks Prometheus, tears down.
COMPOSE_TEST_ARGS ?= --local-bases --port-prefix 29
compose-test: install
	.venv/bin/python -m phaseout_cli.compose test $(COMPOSE_TEST_ARGS)

bench: install
	.venv/bin/python -m bench

clean:
	-.venv/bin/phaseout down
	rm -rf .phaseout .venv
