-- Grain: one report (report_id) in its latest extraction that no report-level quarantine holds
-- out, joined to its document (source, dates, file) and given its conformed keys: unit_id
-- (dim_unit) and region_code (dim_region) — so marts read one relation.  The unit keys come
-- from int_report_unit_keys (folded once per run), so no name is folded here.
-- Incremental by report (delete+insert on report_id): a build recomputes the reports its
-- batch touched — a new extraction, or new validation results that may quarantine it
-- (macros/build_batch.sql) — and the post-hook drops those of them no longer cleared (their
-- row is the one this build did not rewrite).  A change to the region seed or to these rules
-- needs `--full-refresh` or a model_version bump, like the marts.
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='report_id',
    post_hook=["{{ prune_uncleared_reports() }}"],
) }}
with reports as (
    select
        reports.report_id,
        documents.source_id,
        documents.source_url,
        reports.sha256,
        reports.report_kind,
        reports.fiscal_year,
        nullif(trim(reports.unit_name), '') as unit_name,
        reports.department_name,
        reports.project_name,
        nullif(trim(reports.province), '') as province,
        nullif(trim(reports.city), '') as city,
        nullif(trim(reports.county), '') as county,
        reports.self_score,
        reports.grade,
        documents.published_at,
        documents.fetched_at,
        documents.title,
        documents.format,
        documents.file_name,
        documents.page_count,
        documents.extractor_version,
        documents.extracted_at,
        documents.report_index,
        documents.report_count,
        documents.pages,
        documents.sheets,
        documents.page_title,
        documents.page_publisher,
        documents.page_breadcrumb,
        documents.page_published,
        reports.title as report_title,
        reports.unit_name_origin,
        reports.fiscal_year_origin,
        reports.budget_execution_rate,
        reports.budget_execution_weight,
        reports.budget_execution_score,
        reports.run_id
    from {{ ref('int_reports_latest') }} as reports
    inner join {{ ref('stg_documents') }} as documents
        on documents.report_id = reports.report_id
    where not exists (
        select 1
        from {{ ref('int_quarantine_in_effect') }} as quarantine
        where quarantine.report_id = reports.report_id
          and quarantine.scope = 'report'
    )
    {%- if is_incremental() %}
      and reports.report_id in ({{ cleared_reports_in_batch() }})
    {%- endif %}
),

-- what the quality suites warn about in the report's latest extraction (report or record level):
-- it publishes, and says so
flags as (
    select
        results.report_id,
        string_agg(distinct results.suite || '.' || results.expectation, ', '
            order by results.suite || '.' || results.expectation) as quality_flags
    from {{ ref('stg_quality_results') }} as results
    inner join reports
        on reports.report_id = results.report_id
       and reports.run_id = results.run_id
    where not results.quarantined
    group by results.report_id
),

-- a county printed without its city: the county's division when the province has one of that name
counties_by_province as (
    select province, county, any_value(region_code) as region_code
    from {{ ref('region_divisions') }}
    where level = 'county'
    group by province, county
    having count(*) = 1
)

select
    reports.*,
    unit_keys.unit_key,
    unit_keys.unit_id,
    coalesce(exact.region_code, by_county.region_code) as region_code,
    flags.quality_flags,
    {{ build_id() }} as build_id
from reports
left join flags
    on flags.report_id = reports.report_id
left join {{ ref('int_report_unit_keys') }} as unit_keys
    on unit_keys.report_id = reports.report_id
   and unit_keys.run_id = reports.run_id
left join {{ ref('region_divisions') }} as exact
    on exact.province is not distinct from reports.province
   and exact.city is not distinct from reports.city
   and exact.county is not distinct from reports.county
   and reports.province is not null
left join counties_by_province as by_county
    on reports.city is null
   and by_county.province = reports.province
   and by_county.county = reports.county
