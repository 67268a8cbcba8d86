-- Grain: one reporting unit (unit_id = md5 of folded unit_name + province + city + county).
-- Spellings that fold to one id are one unit; the name shown is the latest report's spelling.
select
    unit_id,
    arg_max(unit_name, extracted_at) as unit_name,
    arg_max(province, extracted_at) as province,
    arg_max(city, extracted_at) as city,
    arg_max(county, extracted_at) as county,
    count(*) as report_count,
    min(fiscal_year) as first_fiscal_year,
    max(fiscal_year) as last_fiscal_year
from {{ ref('dim_report') }}
where unit_id is not null
group by unit_id
