-- Grain: one expectation result row of one run (a failing record of one expectation),
-- every run kept.  in_effect: the row concerns the report's latest extraction, so its
-- quarantine (if any) currently holds the record out of marts.  source_id and
-- fiscal_year let BI chart quality by portal and year; they come from the same run's
-- extraction, else from the report's latest one (a cross-document row can concern a
-- report staged by an earlier run).
--
-- Incremental by report (delete+insert on report_id): writing every run's results again each
-- night cost seconds (200,000 rows with their messages at 100,000 reports) and grows with
-- history.  A build rewrites the rows of the reports its batch touched (macros/build_batch.sql)
-- — a new extraction or new results change in_effect and the fallbacks for every run's rows
-- of that report — and adds the run-level rows (no report) of runs not held yet.
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='report_id') }}
with
{%- if is_incremental() %}
new_runs as (
    select distinct run_id
    from {{ ref('stg_quality_results') }} as staged
    where not exists (select 1 from {{ this }} as held where held.run_id = staged.run_id)
),

touched as (
    {{ reports_in_batch(['stg_document_extractions', 'stg_reports', 'stg_quality_results']) }}
),
{%- endif %}

results as (
    select *
    from {{ ref('stg_quality_results') }} as staged
    {%- if is_incremental() %}
    where staged.report_id in (select report_id from touched)
       or (staged.report_id is null and staged.run_id in (select run_id from new_runs))
    {%- endif %}
),

report_latest as (
    select
        report_id,
        arg_max(fiscal_year, run_id) as fiscal_year
    from {{ ref('stg_reports') }}
    where report_id in (select report_id from results)
    group by report_id
),

document_latest as (
    select
        report_id,
        arg_max(source_id, run_id) as source_id
    from {{ ref('stg_document_extractions') }}
    where report_id in (select report_id from results)
    group by report_id
)

select
    results.run_id,
    results.suite,
    results.expectation,
    results.severity,
    results.table_name,
    results.report_id,
    results.record_no,
    results.column_name,
    results.observed_value,
    results.quarantined,
    results.message,
    results.checked_at,
    latest.run_id is not null as in_effect,
    coalesce(extraction.source_id, document_latest.source_id) as source_id,
    coalesce(report_run.fiscal_year, report_latest.fiscal_year) as fiscal_year,
    {{ build_id() }} as build_id
from results
left join {{ ref('stg_documents') }} as latest
    on latest.report_id = results.report_id
   and latest.run_id = results.run_id
left join {{ ref('stg_document_extractions') }} as extraction
    on extraction.report_id = results.report_id
   and extraction.run_id = results.run_id
left join {{ ref('stg_reports') }} as report_run
    on report_run.report_id = results.report_id
   and report_run.run_id = results.run_id
left join report_latest
    on report_latest.report_id = results.report_id
left join document_latest
    on document_latest.report_id = results.report_id
