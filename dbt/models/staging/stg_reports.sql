-- Grain: one report (report_id), from its latest run.
{{ from_latest_run('reports', [
    ['report_id', 'varchar'], ['sha256', 'varchar'], ['report_kind', 'varchar'],
    ['fiscal_year', 'integer'], ['unit_name', 'varchar'], ['department_name', 'varchar'],
    ['project_name', 'varchar'], ['province', 'varchar'], ['city', 'varchar'], ['county', 'varchar'],
    ['self_score', 'double'], ['grade', 'varchar'], ['run_id', 'varchar'],
]) }}
