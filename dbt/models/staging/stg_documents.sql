-- Grain: one report (report_id) of a document's latest extraction (newest extracted_at, ties
-- broken by run_id): every report that extraction found, and none an older extraction found
-- that it no longer does (a bundle re-read as fewer reports leaves no stale report behind).
-- Incremental by document (delete+insert on report_id): a build re-ranks the extractions of
-- the documents its batch extracted (macros/build_batch.sql); the post-hook drops their reports
-- this build did not rewrite.
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='report_id',
    post_hook=["{{ prune_superseded_reports() }}"],
) }}
with candidates as (
    select extractions.*
    from {{ ref('stg_document_extractions') }} as extractions
    {%- if is_incremental() %}
    where extractions.sha256 in ({{ documents_in_batch() }})
    {%- endif %}
),

latest_extraction as (
    select sha256, run_id
    from candidates
    qualify row_number() over (partition by sha256 order by {{ latest_first() }}) = 1
)

select
    candidates.* exclude (build_id),
    {{ build_id() }} as build_id
from candidates
where exists (
    select 1 from latest_extraction as latest
    where latest.sha256 = candidates.sha256 and latest.run_id = candidates.run_id
)
qualify row_number() over (
    partition by report_id order by {{ latest_first() }}, source_url nulls last
) = 1
