-- Grain: one budget fact per run (run_id × report_id × fact_no), every run kept; cast only.
{{ per_run_config() }}
{{ staged_table('budget_facts', [
    ['report_id', 'varchar'], ['fact_no', 'integer'], ['line', 'varchar'], ['stage', 'varchar'],
    ['item', 'varchar'], ['amount_wan_yuan', 'double'], ['evidence', 'varchar'],
    ['origin', 'varchar'], ['page', 'integer'], ['run_id', 'varchar'],
], skip_loaded_runs=true) }}
