-- Grain: one budget fact (report_id, fact_no) of a cleared report's latest extraction that no
-- record-level quarantine holds out; amounts in 万元.
{{ cleared_records('stg_budget_facts', ref('int_reports_cleared'), 'budget_facts', 'fact_no') }}
