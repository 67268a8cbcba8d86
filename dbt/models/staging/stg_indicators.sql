-- Grain: one indicator per run (run_id × report_id × indicator_no), every run kept; cast only.
{{ per_run_config() }}
{{ staged_table('indicators', [
    ['report_id', 'varchar'], ['indicator_no', 'integer'], ['level1', 'varchar'],
    ['level2', 'varchar'], ['name', 'varchar'], ['target_text', 'varchar'],
    ['actual_text', 'varchar'], ['target_op', 'varchar'], ['target_value', 'double'],
    ['target_unit', 'varchar'], ['actual_value', 'double'], ['actual_unit', 'varchar'],
    ['weight', 'double'], ['score', 'double'], ['deviation_reason', 'varchar'],
    ['evidence', 'varchar'], ['origin', 'varchar'], ['run_id', 'varchar'], ['page', 'integer'],
], skip_loaded_runs=true) }}
