-- Grain: one document (report_id) whose latest extraction ended in an error.
select
    report_id,
    sha256,
    source_id,
    source_url,
    file_name,
    format,
    error_kind,
    error_message,
    extractor_version,
    extracted_at,
    fetched_at,
    run_id
from {{ ref('stg_documents') }}
where error_kind is not null or error_message is not null
