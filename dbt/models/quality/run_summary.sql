-- Grain: one run (run_id) — what it crawled, staged, failed to extract and held out.
with documents as (
    select
        run_id,
        count(*) as documents_staged,
        count(*) filter (where error_kind is not null or error_message is not null) as extraction_errors,
        min(extracted_at) as first_extracted_at,
        max(extracted_at) as last_extracted_at
    from {{ ref('stg_document_extractions') }}
    group by run_id
),

results as (
    select
        run_id,
        count(*) as quality_failures,
        count(*) filter (where severity = 'error') as quality_errors,
        count(*) filter (where severity = 'warn') as quality_warnings,
        count(distinct report_id) filter (where quarantined and record_no is null) as quarantined_reports,
        count(distinct (table_name, report_id, record_no)) filter (
            where quarantined and record_no is not null
        ) as quarantined_records,
        max(checked_at) as validated_at
    from {{ ref('stg_quality_results') }}
    group by run_id
),

crawl as (
    select
        run_id,
        count(*) as sources_crawled,
        sum(pages) as pages_fetched,
        sum(new) as new_documents,
        sum(unchanged) as unchanged_documents,
        sum(reposts) as reposts,
        sum(errors) as crawl_errors,
        min(started_at) as crawl_started_at,
        max(finished_at) as crawl_finished_at
    from {{ ref('stg_crawl_stats') }}
    group by run_id
),

runs as (
    select run_id from documents
    union
    select run_id from results
    union
    select run_id from crawl
)

select
    runs.run_id,
    coalesce(crawl.sources_crawled, 0) as sources_crawled,
    coalesce(crawl.pages_fetched, 0) as pages_fetched,
    coalesce(crawl.new_documents, 0) as new_documents,
    coalesce(crawl.unchanged_documents, 0) as unchanged_documents,
    coalesce(crawl.reposts, 0) as reposts,
    coalesce(crawl.crawl_errors, 0) as crawl_errors,
    coalesce(documents.documents_staged, 0) as documents_staged,
    coalesce(documents.extraction_errors, 0) as extraction_errors,
    coalesce(results.quality_failures, 0) as quality_failures,
    coalesce(results.quality_errors, 0) as quality_errors,
    coalesce(results.quality_warnings, 0) as quality_warnings,
    coalesce(results.quarantined_reports, 0) as quarantined_reports,
    coalesce(results.quarantined_records, 0) as quarantined_records,
    crawl.crawl_started_at,
    crawl.crawl_finished_at,
    documents.first_extracted_at,
    documents.last_extracted_at,
    results.validated_at
from runs
left join documents on documents.run_id = runs.run_id
left join results on results.run_id = runs.run_id
left join crawl on crawl.run_id = runs.run_id
where runs.run_id is not null
