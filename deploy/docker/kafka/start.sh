#!/bin/sh
# Fill in the broker's settings from its mounted secrets, format the storage on the first start
# (with the admin's SCRAM credential, so that the broker can provision the rest), and run Kafka.
set -eu
secrets=${KAFKA_SECRETS:-/run/secrets}
data=${KAFKA_DATA:-/var/lib/kafka/data}
props=/tmp/server.properties
classpath='/opt/kafka/libs/*'
admin_password=$(cat "$secrets/kafka_admin")
controller_password=$(cat "$secrets/kafka_controller")
umask 077
sed -e "s|{listen_host}|0.0.0.0|" \
    -e "s|{advertised_host}|${KAFKA_ADVERTISED_HOST:-kafka}|" \
    -e "s|{port}|9093|g" \
    -e "s|{controller_port}|9094|g" \
    -e "s|{data}|$data|" \
    -e "s|{keystore}|$secrets/kafka_server|" \
    -e "s|{ca}|$secrets/kafka_ca|" \
    -e "s|{admin_password}|$admin_password|" \
    -e "s|{controller_password}|$controller_password|g" \
    /etc/phaseout/kafka/server.properties.template > "$props"
if [ ! -f "$data/meta.properties" ]; then
  cluster=$(java -cp "$classpath" kafka.tools.StorageTool random-uuid)
  java -cp "$classpath" kafka.tools.StorageTool format --standalone --cluster-id="$cluster" \
    --add-scram "SCRAM-SHA-512=[name=admin,password=$admin_password]" -c "$props"
fi
exec java -Xmx${KAFKA_HEAP:-512m} -Xms256m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
  -Djava.awt.headless=true -Dlog4j2.configurationFile=/etc/phaseout/kafka/log4j2.xml \
  -cp "$classpath" kafka.Kafka "$props"
