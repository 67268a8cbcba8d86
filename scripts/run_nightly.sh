#!/usr/bin/env bash
# Run the nightly DAG once, end to end, with Airflow's embedded SQLite metadata.
# With SOURCES_FILE unset, the bundled sample portal is generated and served on
# 127.0.0.1 for the duration of the run and is the only source.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/airflow_env.sh
log() { printf '[run] %s\n' "$*" >&2; }

mkdir -p "$DATA_DIR" "$AIRFLOW_HOME" "$(dirname "$WAREHOUSE_PATH")"
if [[ ! -f "$AIRFLOW_HOME/airflow.db" ]]; then
  log "initialising Airflow metadata in $AIRFLOW_HOME"
  airflow db migrate >"$AIRFLOW_HOME/db-migrate.log" 2>&1 || { cat "$AIRFLOW_HOME/db-migrate.log"; exit 1; }
fi
# `airflow pools set` costs ~3 s of Airflow start-up: read the pool from the metadata DB first.
if ! python - "$AIRFLOW_HOME/airflow.db" 2>/dev/null <<'PY'
import sqlite3, sys
row = sqlite3.connect(sys.argv[1]).execute("select slots from slot_pool where pool = 'warehouse'").fetchone()
sys.exit(0 if row and row[0] == 1 else 1)
PY
then
  airflow pools set warehouse 1 "one DuckDB writer: dbt build and publish" >/dev/null
fi

server_pid=""
cleanup() { [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null || true; }
trap cleanup EXIT
if [[ -z "${SOURCES_FILE:-}" ]]; then
  port=${SAMPLE_PORTAL_PORT:-8765}
  site="$DATA_DIR/sample_portal"
  # generated once; later runs serve the same bytes, so nothing is new for the crawler
  [[ -f "$site/ground_truth.jsonl" ]] || python -m extractors sample-portal build --out "$site" >/dev/null
  python -m extractors sample-portal serve --out "$site" --port "$port" >"$DATA_DIR/sample_portal.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 50); do
    python - "$port" <<'PY' && break
import socket, sys
try:
    socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=0.2).close()
except OSError:
    sys.exit(1)
PY
    kill -0 "$server_pid" 2>/dev/null || { cat "$DATA_DIR/sample_portal.log"; log "the sample portal did not start"; exit 1; }
    sleep 0.2
  done
  export SOURCES_FILE="$DATA_DIR/sample_sources.yaml"
  python -c "import sys; from pathlib import Path; from extractors.samples.portal import write_registry; write_registry(Path(sys.argv[1]), sys.argv[2])" \
    "$SOURCES_FILE" "http://127.0.0.1:$port/"
  log "sample portal: http://127.0.0.1:$port/ (registry $SOURCES_FILE)"
fi

log "running DAG govperf_nightly (log: $DATA_DIR/last_run.log)"
started=$(date +%s)
set +e
airflow dags test govperf_nightly >"$DATA_DIR/last_run.log" 2>&1
status=$?
set -e
grep -E "DagRun Finished|state=(failed|success)|ERROR" "$DATA_DIR/last_run.log" | tail -5 >&2 || true
if [[ $status -ne 0 ]] || ! grep -q "DagRun Finished.*state=success" "$DATA_DIR/last_run.log"; then
  log "the DAG run did not succeed (exit $status); see $DATA_DIR/last_run.log"
  exit 1
fi
log "finished in $(( $(date +%s) - started )) s"
python -m extractors summary
