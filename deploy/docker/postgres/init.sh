#!/bin/sh
# Run once, when the data folder is created: a login role and a database owned by it per
# service (phaseout_<service>), closed to the other roles. The passwords are the mounted secrets
# /run/secrets/pg_<service>; psql quotes them (:'password'), nothing is spliced into SQL.
set -eu
for service in aggregator energy environment quality safety technology; do
  role="phaseout_$service"
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    -v role="$role" -v password="$(cat "/run/secrets/pg_$service")" <<'SQL'
CREATE ROLE :"role" LOGIN PASSWORD :'password';
CREATE DATABASE :"role" OWNER :"role";
REVOKE ALL ON DATABASE :"role" FROM PUBLIC;
SQL
done
