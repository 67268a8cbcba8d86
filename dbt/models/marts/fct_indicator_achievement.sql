-- Grain: one report × indicator (report_id, indicator_no).
-- Incremental by report: a nightly build recomputes only new or re-extracted reports.
{{ per_report_config() }}
with refreshed as (
    {{ reports_to_refresh() }}
)

select
    indicators.report_id || ':' || indicators.indicator_no as indicator_id,
    indicators.report_id,
    indicators.indicator_no,
    indicators.level1,
    indicators.level2,
    indicators.name,
    indicators.target_text,
    indicators.actual_text,
    indicators.target_op,
    indicators.target_value,
    indicators.target_unit,
    indicators.actual_value,
    indicators.actual_unit,
    indicators.weight,
    indicators.score,
    indicators.achieved,
    indicators.achievement_basis,
    indicators.indicator_key,
    reports.fiscal_year,
    reports.unit_id,
    reports.region_code,
    indicators.deviation_reason,
    indicators.origin,
    reports.run_id
from {{ ref('int_indicators_judged') }} as indicators
inner join {{ ref('int_reports_cleared') }} as reports on reports.report_id = indicators.report_id
where indicators.report_id in (select report_id from refreshed)
