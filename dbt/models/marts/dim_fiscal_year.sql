-- Grain: one fiscal year (fiscal_year), every year from the earliest to the latest reported
-- (a year without reports is a row with report_count 0, so year-on-year charts show the gap).
with bounds as (
    select min(fiscal_year) as first_year, max(fiscal_year) as last_year
    from {{ ref('dim_report') }}
),

years as (
    select unnest(range(first_year, last_year + 1)) as fiscal_year
    from bounds
    where first_year is not null
),

counts as (
    select fiscal_year, count(*) as report_count, count(distinct unit_id) as unit_count
    from {{ ref('dim_report') }}
    group by fiscal_year
)

select
    years.fiscal_year::integer as fiscal_year,
    years.fiscal_year || '年度' as fiscal_year_label,
    make_date(years.fiscal_year::integer, 1, 1) as starts_on,
    make_date(years.fiscal_year::integer, 12, 31) as ends_on,
    coalesce(counts.report_count, 0) as report_count,
    coalesce(counts.unit_count, 0) as unit_count
from years
left join counts on counts.fiscal_year = years.fiscal_year
