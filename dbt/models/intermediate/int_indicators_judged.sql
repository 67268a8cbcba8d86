-- Grain: one indicator (report_id, indicator_no) of a cleared report that no record-level
-- quarantine holds out, with `achieved` judged from target_op, target_value and actual_value,
-- and its indicator_key in the normalised 一级/二级/三级 taxonomy (dim_indicator).
-- Units are compatible when equal after folding (％ = %), when one side prints none
-- (templates often give the unit only in 年度指标值), or when both are amounts (元, 千元, 万元,
-- 亿元: compared in 万元).  Tolerance: var('value_tolerance'), in the target's unit.
{%- set tolerance = var('value_tolerance') %}
with cleared as (
    select indicators.*
    from {{ ref('int_indicators_latest') }} as indicators
    where exists (
        select 1 from {{ ref('int_reports_cleared') }} as reports
        where reports.report_id = indicators.report_id
    )
    and not exists (
        select 1
        from {{ ref('int_quarantine_in_effect') }} as quarantine
        where quarantine.report_id = indicators.report_id
          and quarantine.table_name = 'indicators'
          and quarantine.record_no = indicators.indicator_no
    )
),

classified as (
    select
        *,
        {{ wan_yuan_per_unit('target_unit') }} as target_scale,
        {{ wan_yuan_per_unit('actual_unit') }} as actual_scale,
        case
            when target_op is null then 'no_target_op'
            when target_op = 'qualitative' then 'qualitative'
            when target_op not in ('>=', '>', '<=', '<', '=') then 'unknown_target_op'
            when target_value is null or actual_value is null then 'missing_value'
            when {{ fold_unit('target_unit') }} is not null
                 and {{ fold_unit('actual_unit') }} is not null
                 and {{ fold_unit('target_unit') }} <> {{ fold_unit('actual_unit') }}
                 and ({{ wan_yuan_per_unit('target_unit') }} is null or {{ wan_yuan_per_unit('actual_unit') }} is null)
                then 'unit_mismatch'
            else 'compared'
        end as achievement_basis
    from cleared
),

comparable as (
    select
        *,
        -- the actual in the target's unit (only amounts are ever converted)
        case
            when target_scale is not null and actual_scale is not null
                then actual_value * actual_scale / target_scale
            else actual_value
        end as actual_in_target_unit
    from classified
)

select
    * exclude (target_scale, actual_scale, actual_in_target_unit),
    {{ indicator_key('level1', 'level2', 'name') }} as indicator_key,
    case
        when achievement_basis <> 'compared' then null
        when target_op = '>=' then actual_in_target_unit >= target_value - {{ tolerance }}
        when target_op = '>' then actual_in_target_unit > target_value
        when target_op = '<=' then actual_in_target_unit <= target_value + {{ tolerance }}
        when target_op = '<' then actual_in_target_unit < target_value
        when target_op = '=' then abs(actual_in_target_unit - target_value) <= {{ tolerance }}
    end as achieved
from comparable
