-- Grain: one report × budget line × item; amounts in 万元, execution_rate in %.
-- Incremental by report: a nightly build recomputes only new or re-extracted reports.
{{ per_report_config() }}
with refreshed as (
    {{ reports_to_refresh() }}
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
    reports.fiscal_year,
    reports.unit_id,
    reports.region_code,
    lines.fact_count,
    lines.origins,
    lines.first_fact_no,
    reports.run_id
from {{ ref('int_budget_facts_pivoted_to_lines') }} as lines
inner join {{ ref('int_reports_cleared') }} as reports on reports.report_id = lines.report_id
where lines.report_id in (select report_id from refreshed)
