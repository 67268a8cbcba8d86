-- Grain: one document per report_id, from the latest run that extracted it
-- (newest extracted_at, ties broken by run_id).
-- Incremental by report (delete+insert on report_id): a build re-ranks the extractions of the
-- reports its batch extracted (macros/build_batch.sql), not those of every report ever staged.
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='report_id') }}
select
    extractions.* exclude (build_id),
    {{ build_id() }} as build_id
from {{ ref('stg_document_extractions') }} as extractions
{%- if is_incremental() %}
where extractions.report_id in ({{ reports_in_batch(['stg_document_extractions']) }})
{%- endif %}
qualify row_number() over (
    partition by report_id order by {{ latest_first() }}, source_url nulls last
) = 1
