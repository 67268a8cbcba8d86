-- Grain: one report (report_id) of the latest run that no report-level quarantine holds out,
-- joined to its document (source, dates, file) so marts read one relation.
select
    reports.report_id,
    documents.source_id,
    documents.source_url,
    reports.sha256,
    reports.report_kind,
    reports.fiscal_year,
    reports.unit_name,
    reports.department_name,
    reports.project_name,
    reports.province,
    reports.city,
    reports.county,
    reports.self_score,
    reports.grade,
    documents.published_at,
    documents.fetched_at,
    documents.title,
    documents.format,
    documents.file_name,
    documents.page_count,
    documents.extractor_version,
    documents.extracted_at,
    reports.run_id
from {{ ref('stg_reports') }} as reports
inner join {{ ref('stg_documents') }} as documents
    on documents.report_id = reports.report_id
where not exists (
    select 1
    from {{ ref('int_quarantine_in_effect') }} as quarantine
    where quarantine.report_id = reports.report_id
      and quarantine.scope = 'report'
)
