-- Grain: one reporting unit (unit_id = md5 of unit_key + province + city + county), recognised
-- across years: spellings that differ by spaces, bracket width, a region prefix or a 本级 /
-- 部门整体 qualifier are one unit (macros/text.sql unit_key).  The name shown is that of the
-- unit's latest extracted report, trimmed; among equally recent spellings the shortest wins,
-- so the choice is the same on every build.
with reports as (
    select
        unit_id,
        regexp_replace(unit_name, '^[\s\x{3000}\x{00A0}]+|[\s\x{3000}\x{00A0}]+$', '', 'g') as unit_name,
        province,
        city,
        county,
        region_code,
        fiscal_year,
        extracted_at
    from {{ ref('dim_report') }}
    where unit_id is not null
),

ranked as (
    select
        *,
        row_number() over (
            partition by unit_id
            order by extracted_at desc nulls last, length(unit_name), unit_name
        ) as preference
    from reports
),

counts as (
    select
        unit_id,
        count(*) as report_count,
        count(distinct unit_name) as spelling_count,
        min(fiscal_year) as first_fiscal_year,
        max(fiscal_year) as last_fiscal_year
    from reports
    group by unit_id
)

select
    ranked.unit_id,
    ranked.unit_name,
    ranked.province,
    ranked.city,
    ranked.county,
    ranked.region_code,
    counts.report_count,
    counts.spelling_count,
    counts.first_fiscal_year,
    counts.last_fiscal_year
from ranked
inner join counts on counts.unit_id = ranked.unit_id
where ranked.preference = 1
