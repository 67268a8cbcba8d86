-- Grain: one indicator (report_id, indicator_no), from its report's latest extraction's run.
{{ from_latest_run('stg_indicators') }}
