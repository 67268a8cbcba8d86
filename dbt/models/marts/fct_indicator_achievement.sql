-- Grain: one report × indicator (report_id, indicator_no).
-- Incremental by report: only new or re-extracted reports' indicators are read and judged.
-- Each row carries where it was printed (evidence, page or sheet, source_url).
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
    {{ build_id() }} as build_id,
    case judged.achieved when true then '达成' when false then '未达成' else '无法判断' end as achievement_label,
    -- the extractor keeps a text for what it read from prose; a table row's evidence is its
    -- printed cells, which the row holds as read
    coalesce(
        judged.evidence,
        concat_ws(' › ', nullif(trim(judged.level1), ''), nullif(trim(judged.level2), ''), judged.name)
        || coalesce(' › 年度指标值 = ' || judged.target_text, '')
        || coalesce(' › 实际完成值 = ' || judged.actual_text, '')
    ) as evidence,
    judged.page,
    refreshed.sheets as sheet,
    refreshed.source_url
from judged
inner join refreshed on refreshed.report_id = judged.report_id
