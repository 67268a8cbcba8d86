-- Grain: one indicator (report_id, indicator_no) of a cleared report that no record-level
-- quarantine holds out, with `achieved` judged from target_op, target_value and actual_value.
-- Units are compatible when equal after folding (％ = %) or when one side prints none
-- (templates often give the unit only in 年度指标值).  Tolerance: var('value_tolerance').
{%- set tolerance = var('value_tolerance') %}
with cleared as (
    select indicators.*
    from {{ ref('stg_indicators') }} as indicators
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
        case
            when target_op is null then 'no_target_op'
            when target_op = 'qualitative' then 'qualitative'
            when target_op not in ('>=', '>', '<=', '<', '=') then 'unknown_target_op'
            when target_value is null or actual_value is null then 'missing_value'
            when {{ fold_unit('target_unit') }} is not null
                 and {{ fold_unit('actual_unit') }} is not null
                 and {{ fold_unit('target_unit') }} <> {{ fold_unit('actual_unit') }} then 'unit_mismatch'
            else 'compared'
        end as achievement_basis
    from cleared
)

select
    *,
    case
        when achievement_basis <> 'compared' then null
        when target_op = '>=' then actual_value >= target_value - {{ tolerance }}
        when target_op = '>' then actual_value > target_value
        when target_op = '<=' then actual_value <= target_value + {{ tolerance }}
        when target_op = '<' then actual_value < target_value
        when target_op = '=' then abs(actual_value - target_value) <= {{ tolerance }}
    end as achieved
from classified
