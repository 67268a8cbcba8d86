-- Grain: one report's document extraction per run (run_id × report_id; a bundle document gives
-- one row per report it holds, each with its place in the document); every run kept.
{{ per_run_config() }}
{%- set columns = [
    ['sha256', 'varchar'], ['report_id', 'varchar'], ['source_id', 'varchar'],
    ['source_url', 'varchar'], ['file_name', 'varchar'], ['format', 'varchar'],
    ['page_count', 'integer'], ['title', 'varchar'], ['published_at', 'date'],
    ['fetched_at', 'timestamp'], ['extractor_version', 'varchar'], ['extracted_at', 'timestamp'],
    ['error_kind', 'varchar'], ['error_message', 'varchar'], ['run_id', 'varchar'],
    ['report_index', 'integer'], ['report_count', 'integer'], ['pages', 'varchar'],
    ['sheets', 'varchar'], ['page_title', 'varchar'], ['page_publisher', 'varchar'],
    ['page_breadcrumb', 'varchar'], ['page_published', 'varchar'],
] %}
with staged as (
    {{ staged_table('documents', columns, skip_loaded_runs=true) }}
),

keyed as (
    select
        * replace (
            coalesce(report_id, left(sha256, 16)) as report_id,
            coalesce(report_index, 0) as report_index,
            coalesce(report_count, 1) as report_count
        )
    from staged
)

select *
from keyed
where report_id is not null
-- one row per report and run: a file reposted under two URLs is one document (same bytes)
qualify row_number() over (
    partition by run_id, report_id order by extracted_at desc nulls last, source_url nulls last
) = 1
