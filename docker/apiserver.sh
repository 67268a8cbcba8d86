#!/usr/bin/env bash
# Start the Airflow API server (UI, REST API, execution API for the workers)
# with the admin login taken from .env.
#
# Why a wrapper: Airflow's SimpleAuthManager keeps its passwords in a JSON file
# and, when a user has no entry, invents a random password and prints it to the
# log.  Writing the file from AIRFLOW_ADMIN_PASSWORD before the server starts
# makes the login known, stable across container re-creation, and absent from
# logs.  Extra arguments are passed to `airflow api-server`.
set -euo pipefail

: "${AIRFLOW_ADMIN_USERNAME:?AIRFLOW_ADMIN_USERNAME is not set}"
: "${AIRFLOW_ADMIN_PASSWORD:?AIRFLOW_ADMIN_PASSWORD is not set (.env)}"
: "${AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE:?AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE is not set}"

passwords_file=$AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE
mkdir -p "$(dirname "$passwords_file")"
# Owner-only file (umask in a subshell: the server itself keeps the default).
(
  umask 077
  python - "$passwords_file" <<'PY'
import json
import os
import sys

with open(sys.argv[1], "w", encoding="utf-8") as handle:
    json.dump({os.environ["AIRFLOW_ADMIN_USERNAME"]: os.environ["AIRFLOW_ADMIN_PASSWORD"]}, handle)
    handle.write("\n")
PY
)
chmod 600 "$passwords_file"
exec airflow api-server "$@"
