-- Grain: one report × indicator (report_id, indicator_no).
-- Incremental by report: only new or re-extracted reports' indicators are read and judged.
{{ per_report_config() }}
with refreshed as (
    {{ reports_to_refresh() }}
),

cleared as (
    {{ cleared_records('stg_indicators', 'refreshed', 'indicators', 'indicator_no') }}
),

judged as (
    {{ judge_indicators('cleared') }}
)

select
    judged.report_id || ':' || judged.indicator_no as indicator_id,
    judged.report_id,
    judged.indicator_no,
    judged.level1,
    judged.level2,
    judged.name,
    judged.target_text,
    judged.actual_text,
    judged.target_op,
    judged.target_value,
    judged.target_unit,
    judged.actual_value,
    judged.actual_unit,
    judged.weight,
    judged.score,
    judged.achieved,
    judged.achievement_basis,
    judged.indicator_key,
    refreshed.fiscal_year,
    refreshed.unit_id,
    refreshed.region_code,
    judged.deviation_reason,
    judged.origin,
    refreshed.run_id,
    {{ build_id() }} as build_id
from judged
inner join refreshed on refreshed.report_id = judged.report_id
