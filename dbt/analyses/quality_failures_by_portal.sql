-- Data-quality failures by portal (source_id) in effect now — every expectation that failed
-- on a report's latest extraction — split into quarantining errors and warnings, plus the
-- portal's documents that could not be extracted at all.
with failures as (
    select
        source_id,
        count(*) filter (where severity = 'error') as errors,
        count(*) filter (where severity = 'warn') as warnings,
        count(distinct report_id) filter (where quarantined) as reports_with_quarantine,
        count(distinct suite || '.' || expectation) as rules_failed
    from quality.expectation_results
    where in_effect
    group by source_id
),

unreadable as (
    select source_id, count(*) as unreadable_documents
    from quality.extraction_errors
    group by source_id
)

select
    coalesce(f.source_id, u.source_id) as source_id,
    coalesce(f.errors, 0) as errors,
    coalesce(f.warnings, 0) as warnings,
    coalesce(f.reports_with_quarantine, 0) as reports_with_quarantine,
    coalesce(f.rules_failed, 0) as rules_failed,
    coalesce(u.unreadable_documents, 0) as unreadable_documents
from failures as f
full join unreadable as u on u.source_id = f.source_id
order by errors desc, warnings desc, source_id
