# Sourced by the run and test scripts: Airflow's embedded configuration.
# SQLite metadata and LocalExecutor live under DATA_DIR; DAGs come from dags/.
project_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export DATA_DIR=${DATA_DIR:-$project_root/data}
export WAREHOUSE_PATH=${WAREHOUSE_PATH:-$project_root/warehouse/warehouse.duckdb}
export AIRFLOW_HOME=${AIRFLOW_HOME:-$DATA_DIR/airflow}
export AIRFLOW__CORE__DAGS_FOLDER=$project_root/dags
export AIRFLOW__CORE__LOAD_EXAMPLES=False
export AIRFLOW__CORE__EXECUTOR=${AIRFLOW__CORE__EXECUTOR:-LocalExecutor}
export AIRFLOW__CORE__PARALLELISM=${AIRFLOW__CORE__PARALLELISM:-4}
export AIRFLOW__COSMOS__ENABLE_TELEMETRY=False
export AIRFLOW__LOGGING__LOGGING_LEVEL=${AIRFLOW__LOGGING__LOGGING_LEVEL:-INFO}
export DBT_SEND_ANONYMOUS_USAGE_STATS=false
export PATH=$project_root/.venv/bin:$PATH
