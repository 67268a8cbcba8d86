-- Grain: one record currently held out of marts: report_id × table_name × record_no
-- (record_no null and scope 'report' = the whole report), with the reason.
select
    report_id,
    table_name,
    record_no,
    scope,
    run_id,
    expectations,
    reason,
    failed_expectations,
    checked_at
from {{ ref('int_quarantine_in_effect') }}
