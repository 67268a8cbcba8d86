-- Grain: one indicator (report_id, indicator_no) of a cleared report's latest extraction that
-- no record-level quarantine holds out, with `achieved`, its basis and indicator_key
-- (rules: macros/report_records.sql judge_indicators; dbt unit tests in _intermediate.yml).
with cleared as (
    {{ cleared_records('stg_indicators', ref('int_reports_cleared'), 'indicators', 'indicator_no') }}
),

judged as (
    {{ judge_indicators('cleared') }}
)

select * from judged
