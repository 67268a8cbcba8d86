#!/usr/bin/env bash
# One-shot set-up of the production stack, run by the airflow-init service.
# Every other Airflow service waits for it to exit 0
# (depends_on: service_completed_successfully), so a schema the scheduler does
# not know, or a missing pool, never meets a running task.  Idempotent: it
# runs on every `docker compose up`.
set -euo pipefail

log() { printf '[airflow-init] %s\n' "$*" >&2; }

# The pool that serialises DuckDB writers (dbt build, publish); the name is
# WAREHOUSE_POOL in dags/govperf_nightly.py.
WAREHOUSE_POOL=warehouse

for var in DATA_DIR WAREHOUSE_PATH AIRFLOW_HOME SOURCES_FILE; do
  [[ -n "${!var:-}" ]] || { log "$var is not set (docker-compose.yml sets it)"; exit 1; }
done

# Named volumes start out owned by the image's airflow user; a volume created
# by hand or restored as root is caught here, not in the middle of a run.
for dir in "$DATA_DIR" "$(dirname "$WAREHOUSE_PATH")" "$AIRFLOW_HOME/logs"; do
  if [[ ! -d "$dir" || ! -w "$dir" ]]; then
    log "$dir is missing or not writable by uid $(id -u); fix the volume's ownership, e.g."
    log "  docker compose run --rm --user 0 airflow-init chown -R $(id -u):0 $dir"
    exit 1
  fi
done

log "Airflow $(airflow version)"
log "migrating the metadata database"
airflow db migrate
log "pool '$WAREHOUSE_POOL': 1 slot"
airflow pools set "$WAREHOUSE_POOL" 1 "one DuckDB writer"

if [[ ! -f "$SOURCES_FILE" ]]; then
  log "warning: SOURCES_FILE=$SOURCES_FILE does not exist; the nightly DAG fails at"
  log "list_sources until it does (docs/deployment.md, 'Pointing at real portals')"
fi
log "done"
