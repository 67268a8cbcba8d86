-- Grain: one quarantined record in effect: report_id × table_name × record_no
-- (record_no null = the whole report).  "In effect" = raised by the validation of the run
-- that holds the report's latest extraction; results about superseded extractions are history.
with quarantined as (
    select results.*
    from {{ ref('stg_quality_results') }} as results
    inner join {{ ref('stg_documents') }} as latest
        on latest.report_id = results.report_id
       and latest.run_id = results.run_id
    where results.quarantined
)

select
    report_id,
    table_name,
    record_no,
    case when record_no is null then 'report' else 'record' end as scope,
    any_value(run_id) as run_id,
    string_agg(distinct suite || '.' || expectation, ', ' order by suite || '.' || expectation) as expectations,
    string_agg(distinct coalesce(message, expectation), '; ' order by coalesce(message, expectation)) as reason,
    count(*) as failed_expectations,
    max(checked_at) as checked_at
from quarantined
group by report_id, table_name, record_no
