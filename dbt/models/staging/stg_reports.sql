-- Grain: one report per run (run_id × report_id), every run kept; renamed and cast only.
{{ per_run_config() }}
{{ staged_table('reports', [
    ['report_id', 'varchar'], ['sha256', 'varchar'], ['report_kind', 'varchar'],
    ['fiscal_year', 'integer'], ['unit_name', 'varchar'], ['department_name', 'varchar'],
    ['project_name', 'varchar'], ['province', 'varchar'], ['city', 'varchar'], ['county', 'varchar'],
    ['self_score', 'double'], ['grade', 'varchar'], ['run_id', 'varchar'], ['title', 'varchar'],
    ['budget_execution_rate', 'double'], ['budget_execution_weight', 'double'],
    ['budget_execution_score', 'double'], ['unit_name_origin', 'varchar'],
    ['fiscal_year_origin', 'varchar'],
], skip_loaded_runs=true) }}
