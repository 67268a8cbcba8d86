-- Budget execution rate by region and fiscal year: Σ executed ÷ Σ adjusted budget (%, 万元
-- totals) over each report's whole-budget line (line = 'total'), with the reports counted.
-- Plain SQL on the published schemas (no Jinja): runs as is in the DuckDB CLI, Python or a BI tool.
select
    r.province,
    r.city,
    r.county,
    b.fiscal_year,
    count(distinct b.report_id) as reports,
    round(sum(b.adjusted_budget), 2) as adjusted_budget_wan_yuan,
    round(sum(b.executed), 2) as executed_wan_yuan,
    round(sum(b.executed) / nullif(sum(b.adjusted_budget), 0) * 100, 2) as execution_rate_pct
from marts.fct_budget_execution as b
left join marts.dim_region as r on r.region_code = b.region_code
where b.line = 'total' and b.item is null
  and b.executed is not null and b.adjusted_budget is not null
group by all
order by r.province nulls last, r.city nulls last, r.county nulls last, b.fiscal_year
