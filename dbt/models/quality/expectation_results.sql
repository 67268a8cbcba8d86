-- Grain: one expectation result row of one run (a failing record of one expectation),
-- every run kept.  in_effect: the row concerns the report's latest extraction, so its
-- quarantine (if any) currently holds the record out of marts.
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
    extraction.source_id
from {{ ref('stg_quality_results') }} as results
left join {{ ref('stg_documents') }} as latest
    on latest.report_id = results.report_id
   and latest.run_id = results.run_id
left join {{ ref('stg_document_extractions') }} as extraction
    on extraction.report_id = results.report_id
   and extraction.run_id = results.run_id
