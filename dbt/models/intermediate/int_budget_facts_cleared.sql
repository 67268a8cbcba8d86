-- Grain: one budget fact (report_id, fact_no) of a cleared report that no record-level
-- quarantine holds out.
select facts.*
from {{ ref('int_budget_facts_latest') }} as facts
where exists (
    select 1 from {{ ref('int_reports_cleared') }} as reports
    where reports.report_id = facts.report_id
)
and not exists (
    select 1
    from {{ ref('int_quarantine_in_effect') }} as quarantine
    where quarantine.report_id = facts.report_id
      and quarantine.table_name = 'budget_facts'
      and quarantine.record_no = facts.fact_no
)
