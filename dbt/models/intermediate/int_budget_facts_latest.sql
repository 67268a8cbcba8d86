-- Grain: one budget fact (report_id, fact_no), from its report's latest extraction's run.
{{ from_latest_run('stg_budget_facts') }}
