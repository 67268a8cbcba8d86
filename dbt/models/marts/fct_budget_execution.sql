-- Grain: one report × budget line × item; amounts in 万元, execution_rate in %.
select
    md5(report_id || '|' || line || '|' || coalesce(item, '')) as budget_execution_id,
    report_id,
    line,
    item,
    prior_year_final,
    initial_budget,
    adjusted_budget,
    executed,
    case
        when executed is not null and adjusted_budget is not null and adjusted_budget <> 0
            then round(executed / adjusted_budget * 100, 2)
    end as execution_rate,
    fact_count,
    origins,
    first_fact_no,
    run_id
from {{ ref('int_budget_facts_pivoted_to_lines') }}
