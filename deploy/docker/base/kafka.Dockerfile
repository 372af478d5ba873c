# Apache Kafka from Maven Central's jars (the build context is the folder the local stack
# resolves them into), laid out as the official image has it: /opt/kafka/libs, `java` on the
# PATH, the data in /var/lib/kafka/data, run as appuser (uid 1000).
ARG DEBIAN_BASE=phaseout-base/debian:bookworm
FROM ${DEBIAN_BASE}
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends openjdk-17-jre-headless \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --uid 1000 --user-group --no-create-home appuser \
 && mkdir -p /opt/kafka/libs /var/lib/kafka/data \
 && chown appuser:appuser /var/lib/kafka/data
COPY *.jar /opt/kafka/libs/
USER appuser
