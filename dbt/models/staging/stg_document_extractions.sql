-- Grain: one document extraction per run (run_id × report_id); every run kept.
{{ per_run_config() }}
{%- set columns = [
    ['sha256', 'varchar'], ['report_id', 'varchar'], ['source_id', 'varchar'],
    ['source_url', 'varchar'], ['file_name', 'varchar'], ['format', 'varchar'],
    ['page_count', 'integer'], ['title', 'varchar'], ['published_at', 'date'],
    ['fetched_at', 'timestamp'], ['extractor_version', 'varchar'], ['extracted_at', 'timestamp'],
    ['error_kind', 'varchar'], ['error_message', 'varchar'], ['run_id', 'varchar'],
] %}
with staged as (
    {{ staged_table('documents', columns, skip_loaded_runs=true) }}
),

keyed as (
    select
        * replace (coalesce(report_id, left(sha256, 16)) as report_id)
    from staged
)

select *
from keyed
where report_id is not null
-- one row per report and run: a file reposted under two URLs is one document (same bytes)
qualify row_number() over (
    partition by run_id, report_id order by extracted_at desc nulls last, source_url nulls last
) = 1
