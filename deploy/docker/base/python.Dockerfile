# Python 3.11 on Debian bookworm, as python:3.11-slim-bookworm has it for Phaseout's image.
ARG DEBIAN_BASE=phaseout-base/debian:bookworm
FROM ${DEBIAN_BASE}
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
    python3.11 python3.11-venv ca-certificates \
 && rm -rf /var/lib/apt/lists/*
