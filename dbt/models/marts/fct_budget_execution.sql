-- Grain: one report × budget line × item; amounts in 万元, execution_rate in %.
-- Incremental by report: only new or re-extracted reports' facts are read and pivoted.
-- Each row carries where it was printed (evidence, page or sheet, source_url), so a figure on
-- a dashboard leads to its document without a join, and its line's Chinese label.
{{ per_report_config() }}
with refreshed as (
    {{ reports_to_refresh() }}
),

facts as (
    {{ cleared_records('stg_budget_facts', 'refreshed', 'budget_facts', 'fact_no') }}
),

lines as (
    {{ pivot_budget_lines('facts') }}
)

select
    md5(lines.report_id || '|' || lines.line || '|' || coalesce(lines.item, '')) as budget_execution_id,
    lines.report_id,
    lines.line,
    lines.item,
    lines.prior_year_final,
    lines.initial_budget,
    lines.adjusted_budget,
    lines.executed,
    case
        when lines.executed is not null and lines.adjusted_budget is not null and lines.adjusted_budget <> 0
            then round(lines.executed / lines.adjusted_budget * 100, 2)
    end as execution_rate,
    refreshed.fiscal_year,
    refreshed.unit_id,
    refreshed.region_code,
    lines.fact_count,
    lines.origins,
    lines.first_fact_no,
    refreshed.run_id,
    {{ build_id() }} as build_id,
    labels.line_label,
    lines.evidence,
    lines.page,
    refreshed.sheets as sheet,
    refreshed.source_url
from lines
inner join refreshed on refreshed.report_id = lines.report_id
left join {{ ref('budget_lines') }} as labels on labels.line = lines.line
