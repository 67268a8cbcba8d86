-- Grain: one budget fact (report_id, fact_no) of a report's latest extraction that the marts do
-- not show because a quarantine holds it out — the fact itself (scope record) or its whole
-- report (scope report) — with the printed figure, its evidence and the reason.  What is held
-- out stays queryable: an auditor sees what was read and why it was not published.
{{ held_out_records('stg_budget_facts', 'budget_facts', 'fact_no') }}
