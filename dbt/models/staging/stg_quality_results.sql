-- Grain: one expectation result row (one failing record of one expectation) per run; every run kept.
{{ per_run_config() }}
{{ staged_table('quality_results', [
    ['run_id', 'varchar'], ['suite', 'varchar'], ['expectation', 'varchar'], ['severity', 'varchar'],
    ['table_name', 'varchar'], ['report_id', 'varchar'], ['record_no', 'integer'],
    ['column_name', 'varchar'], ['observed_value', 'varchar'], ['quarantined', 'boolean'],
    ['message', 'varchar'], ['checked_at', 'timestamp'],
], skip_loaded_runs=true) }}
