-- Grain: one document per report_id, from the latest run that extracted it.
{%- set columns = [
    ['sha256', 'varchar'], ['report_id', 'varchar'], ['source_id', 'varchar'],
    ['source_url', 'varchar'], ['file_name', 'varchar'], ['format', 'varchar'],
    ['page_count', 'integer'], ['title', 'varchar'], ['published_at', 'date'],
    ['fetched_at', 'timestamp'], ['extractor_version', 'varchar'], ['extracted_at', 'timestamp'],
    ['error_kind', 'varchar'], ['error_message', 'varchar'], ['run_id', 'varchar'],
] %}
with staged as (
    {{ staged_table('documents', columns) }}
),

keyed as (
    select
        * replace (coalesce(report_id, left(sha256, 16)) as report_id)
    from staged
)

select *
from keyed
where report_id is not null
qualify row_number() over (
    partition by report_id order by {{ latest_first() }}, source_url nulls last
) = 1
