-- The question the warehouse is for: which counties' education bureaus (unit name with 教育局
-- or 教育和体育局 …) spent under 90% of their adjusted budget in 2023, and which of their
-- indicators did they miss?  One row per report; missed = normalised names of the indicators
-- judged not achieved (null: none missed).
with underspent as (
    select b.report_id, b.unit_id, b.region_code, b.adjusted_budget, b.executed, b.execution_rate
    from marts.fct_budget_execution as b
    join marts.dim_unit as u on u.unit_id = b.unit_id
    where b.fiscal_year = 2023
      and b.line = 'total' and b.item is null
      and b.execution_rate < 90
      and u.county is not null
      and regexp_matches(u.unit_name, '教育[^局]{0,4}局')
)

select
    r.province,
    r.city,
    r.county,
    u.unit_name,
    s.adjusted_budget as adjusted_budget_wan_yuan,
    s.executed as executed_wan_yuan,
    s.execution_rate as execution_rate_pct,
    string_agg(d.name, '、' order by i.indicator_no) filter (where not i.achieved) as missed
from underspent as s
join marts.dim_unit as u on u.unit_id = s.unit_id
left join marts.dim_region as r on r.region_code = s.region_code
left join marts.fct_indicator_achievement as i on i.report_id = s.report_id
left join marts.dim_indicator as d on d.indicator_key = i.indicator_key
group by all
order by s.execution_rate, u.unit_name
