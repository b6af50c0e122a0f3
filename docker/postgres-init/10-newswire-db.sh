#!/usr/bin/env bash
# Creates the newswire warehouse next to Airflow's metadata database on the compose
# `postgres` server. The postgres image runs /docker-entrypoint-initdb.d/* once, on the first
# start with an empty data volume (POSTGRES_DB=airflow exists by then). To re-run it on an
# existing volume: `docker compose down -v` (this deletes all data), or run the same SQL by
# hand with `docker compose exec postgres psql -U airflow`.
#
# Settings (from docker-compose.yml): NEWSWIRE_DB_NAME (default newswire), NEWSWIRE_DB_USER
# (default newswire), NEWSWIRE_DB_PASSWORD (required, no default).
set -euo pipefail

db_name="${NEWSWIRE_DB_NAME:-newswire}"
db_user="${NEWSWIRE_DB_USER:-newswire}"
db_password="${NEWSWIRE_DB_PASSWORD:?NEWSWIRE_DB_PASSWORD is not set}"

# psql variables (:"name" as identifier, :'name' as literal) quote the values safely.
psql -v ON_ERROR_STOP=1 --no-psqlrc \
    --username "${POSTGRES_USER}" --dbname "${POSTGRES_DB}" \
    -v db_name="${db_name}" -v db_user="${db_user}" -v db_password="${db_password}" <<'EOSQL'
CREATE ROLE :"db_user" LOGIN PASSWORD :'db_password';
CREATE DATABASE :"db_name" OWNER :"db_user";
-- The migration sql/002 creates this analysts' role only if it is missing; creating it here
-- means the warehouse owner needs no CREATEROLE privilege.
CREATE ROLE newswire_reader NOLOGIN;
EOSQL

echo "newswire warehouse: database ${db_name} owned by ${db_user}"
