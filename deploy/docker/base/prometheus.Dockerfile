# Prometheus from Debian, with the official image's entry point and paths.
ARG DEBIAN_BASE=phaseout-base/debian:bookworm
FROM ${DEBIAN_BASE}
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prometheus \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /prometheus && chown prometheus: /prometheus
USER prometheus
ENTRYPOINT ["/bin/prometheus"]
