-- Grain: one report (report_id) of a latest extraction held out of the marts as a whole
-- (scope report), with the fields it was read with and the reason; its facts and indicators
-- are in held_out_budget_facts / held_out_indicators.
select
    reports.* exclude (build_id),
    held.expectations,
    held.reason,
    held.checked_at
from {{ ref('int_reports_latest') }} as reports
inner join {{ ref('int_quarantine_in_effect') }} as held
    on held.report_id = reports.report_id
   and held.run_id = reports.run_id
   and held.scope = 'report'
