-- Grain: one report (report_id), from its latest extraction's run.
{{ from_latest_run('stg_reports') }}
