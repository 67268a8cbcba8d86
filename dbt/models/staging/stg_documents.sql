-- Grain: one document per report_id, from the latest run that extracted it
-- (newest extracted_at, ties broken by run_id).
select *
from {{ ref('stg_document_extractions') }}
qualify row_number() over (
    partition by report_id order by {{ latest_first() }}, source_url nulls last
) = 1
