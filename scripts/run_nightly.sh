#!/usr/bin/env bash
# Run the nightly DAG once, end to end, with Airflow's embedded SQLite metadata.
# With SOURCES_FILE unset, the bundled sample portal is generated and served on
# 127.0.0.1 for the duration of the run and is the only source.
#
# The console gets one line per step; Airflow's own progress goes to
# DATA_DIR/last_run.log and each task's log to AIRFLOW_HOME/logs, where the Airflow
# UI and API read them as for a scheduled run.  Ends with the run's summary (per
# source: pages, documents, new, errors, first error) and exits non-zero when the
# run failed: no source could be crawled, or the warehouse could not be published.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/airflow_env.sh
log() { printf '[run] %s\n' "$*" >&2; }
started=$(date +%s)

mkdir -p "$DATA_DIR" "$AIRFLOW_HOME" "$(dirname "$WAREHOUSE_PATH")"
if [[ ! -f "$AIRFLOW_HOME/airflow.db" ]]; then
  log "initialising Airflow metadata in $AIRFLOW_HOME"
  airflow db migrate >"$AIRFLOW_HOME/db-migrate.log" 2>&1 || { cat "$AIRFLOW_HOME/db-migrate.log"; exit 1; }
fi

server_pid="" api_pid="" follower_pid="" dag_pid=""
cleanup() {
  # `airflow dags test` runs in a session of its own (setsid, below): end all of it, not only its shell
  [[ -n "$dag_pid" ]] && kill -- "-$dag_pid" 2>/dev/null || true
  for pid in $follower_pid $server_pid $api_pid; do
    kill "$pid" 2>/dev/null || true
  done
  # the api-server shuts down gracefully in ~3 s; nothing of it is needed after the run
  for _ in 1 2 3 4 5; do kill -0 "$api_pid" 2>/dev/null || break; sleep 0.2; done
  [[ -n "$api_pid" ]] && kill -9 "$api_pid" 2>/dev/null || true
  for pid in $follower_pid $server_pid $api_pid; do
    wait "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT

# Tasks run on the LocalExecutor (`airflow dags test --use-executor`): each in a supervised
# process that writes its own log into AIRFLOW_HOME/logs, as on a scheduled run (in-process,
# `dags test` writes no task log).  Those processes report to Airflow's execution API, served
# for the run by an api-server limited to that app, on loopback.  Started first: it takes a
# few seconds, spent on the steps below.
free_port() {
  python - <<'PY'
import socket
with socket.socket() as probe:
    probe.bind(("127.0.0.1", 0))
    print(probe.getsockname()[1])
PY
}
api_port=${GOVPERF_EXECUTION_API_PORT:-$(free_port)}
export AIRFLOW__API_AUTH__JWT_SECRET=${AIRFLOW__API_AUTH__JWT_SECRET:-$(python -c 'import secrets; print(secrets.token_hex(32))')}
export AIRFLOW__CORE__EXECUTION_API_SERVER_URL="http://127.0.0.1:$api_port/execution/"
# A task's supervisor sees its task end at the next heartbeat check: every second, not every
# 5 s (Airflow's default), or each of the ~70 tasks of a night waits up to 5 s for nothing.
export AIRFLOW__WORKERS__MIN_HEARTBEAT_INTERVAL=${AIRFLOW__WORKERS__MIN_HEARTBEAT_INTERVAL:-1}
airflow api-server --apps execution --host 127.0.0.1 --port "$api_port" --workers 1 \
  >"$DATA_DIR/execution_api.log" 2>&1 &
api_pid=$!

# `airflow pools set` costs ~3 s of Airflow start-up: read the pool from the metadata DB first.
if ! python - "$AIRFLOW_HOME/airflow.db" 2>/dev/null <<'PY'
import sqlite3, sys
row = sqlite3.connect(sys.argv[1]).execute("select slots from slot_pool where pool = 'warehouse'").fetchone()
sys.exit(0 if row and row[0] == 1 else 1)
PY
then
  airflow pools set warehouse 1 "one DuckDB writer: dbt build and publish" >/dev/null
fi

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

log "running DAG govperf_nightly (Airflow's log: $DATA_DIR/last_run.log, task logs: $AIRFLOW_HOME/logs)"
run_id_file="$DATA_DIR/.last_dag_run_id"
rm -f "$run_id_file"
python -m extractors.run_progress --db "$AIRFLOW_HOME/airflow.db" --run-id-file "$run_id_file" &
follower_pid=$!
# Started while the api-server still boots (both take seconds): a task process retries its
# first call to the execution API until the server answers (10 tries, 1-10 s apart).
export AIRFLOW__WORKERS__EXECUTION_API_RETRIES=${AIRFLOW__WORKERS__EXECUTION_API_RETRIES:-10}
export AIRFLOW__WORKERS__EXECUTION_API_RETRY_WAIT_MAX=${AIRFLOW__WORKERS__EXECUTION_API_RETRY_WAIT_MAX:-10}
# The test loop of `dags test` warns every second, listing every task instance not yet run,
# while the executor works: kilobytes a second of nothing; its real verdicts stay in the log.
setsid bash -c 'airflow dags test govperf_nightly --use-executor 2>&1 \
  | grep --line-buffered -v "No tasks to run. unrunnable tasks:" >"$1"; exit "${PIPESTATUS[0]}"' \
  run-dag "$DATA_DIR/last_run.log" &
dag_pid=$!
for _ in $(seq 300); do
  curl -fsS -o /dev/null "http://127.0.0.1:$api_port/execution/health" 2>/dev/null && break
  if ! kill -0 "$api_pid" 2>/dev/null; then
    kill -- "-$dag_pid" 2>/dev/null || true
    tail -20 "$DATA_DIR/execution_api.log" >&2
    log "Airflow's execution API did not start (log: $DATA_DIR/execution_api.log)"
    exit 1
  fi
  sleep 0.2
done
# The follower exits when the DAG run has ended.  `dags test` should exit right after, but
# the LocalExecutor's shutdown can wait forever on a worker (apache/airflow#67870, an unbounded
# join in LocalExecutor.end): once the run has ended it gets 5 s, then its session is ended.
# Nothing is lost: the run's state is committed only after its failure callbacks (notifiers) ran,
# and no task is left running then.
while kill -0 "$dag_pid" 2>/dev/null && kill -0 "$follower_pid" 2>/dev/null; do sleep 0.5; done
for _ in $(seq 10); do kill -0 "$dag_pid" 2>/dev/null || break; sleep 0.5; done
if kill -0 "$dag_pid" 2>/dev/null; then
  log "airflow dags test did not exit after the run ended: stopping it"
  kill -- "-$dag_pid" 2>/dev/null || true
fi
set +e
wait "$dag_pid"
status=$?
dag_pid=""
for _ in $(seq 30); do kill -0 "$follower_pid" 2>/dev/null || break; sleep 0.2; done
set -e
# the run's verdict is Airflow's, in its log (written before any shutdown hang)
dag_ok=0
if grep -q "DagRun Finished.*state=success" "$DATA_DIR/last_run.log"; then dag_ok=1; fi
run_id=$(cat "$run_id_file" 2>/dev/null || true)
log "finished in $(( $(date +%s) - started )) s"
if [[ -z "$run_id" ]]; then  # no DAG run was created: the DAG did not load, or Airflow failed
  grep -E "ERROR|Error|could not be found" "$DATA_DIR/last_run.log" | tail -8 >&2 || true
  log "no DAG run was started (exit $status); see $DATA_DIR/last_run.log"
  exit 1
fi
set +e
python -m extractors summary --run-id "$run_id"
summary_status=$?
set -e
if [[ $dag_ok -ne 1 ]]; then
  log "the DAG run failed (exit $status); task logs: $AIRFLOW_HOME/logs/dag_id=govperf_nightly/run_id=$run_id/"
  exit 1
fi
exit "$summary_status"
