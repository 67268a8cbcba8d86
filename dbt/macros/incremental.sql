{#- Config shared by the per-run staging tables: incremental by run, so a nightly build reads
    only the run folders it has not loaded; delete+insert on run_id makes re-reading a run
    (a retried stage step) replace it instead of duplicating it. -#}
{% macro per_run_config() -%}
    {{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='run_id') }}
{%- endmacro %}

{#- Reports whose published state this incremental mart must (re)compute: on a full build all
    cleared reports; incrementally, those whose latest cleared run differs from the run the
    mart holds for them (new reports, re-extracted reports). -#}
{% macro reports_to_refresh() -%}
    select
        cleared.report_id, cleared.run_id, cleared.fiscal_year, cleared.unit_id, cleared.region_code,
        cleared.source_url, cleared.sheets
    from {{ ref('int_reports_cleared') }} as cleared
    {%- if is_incremental() %}
    where not exists (
        select 1 from {{ this }} as held
        where held.report_id = cleared.report_id and held.run_id = cleared.run_id
    )
    {%- endif %}
{%- endmacro %}

{#- Post-hook of the incremental marts: drop rows of reports that are no longer published as
    that run (superseded by a re-extraction that failed or was quarantined).  On a full build
    it deletes nothing. -#}
{% macro prune_unpublished_reports() -%}
    delete from {{ this }} as held
    where not exists (
        select 1 from {{ ref('int_reports_cleared') }} as cleared
        where cleared.report_id = held.report_id and cleared.run_id = held.run_id
    )
{%- endmacro %}

{#- Config shared by the report-keyed marts: delete+insert by report_id, then prune.  Their
    columns are a contract (dbt_project.yml): a column added to the contract is appended to a
    copied warehouse's table (a model_version bump rebuilds it whole anyway). -#}
{% macro per_report_config() -%}
    {{ config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='report_id',
        on_schema_change='append_new_columns',
        post_hook=["{{ prune_unpublished_reports() }}"],
    ) }}
{%- endmacro %}

{#- The reports whose cleared state a batch can change: a new extraction (a new latest run) or
    new validation results (a quarantine in effect or lifted). -#}
{% macro cleared_reports_in_batch() -%}
    {{ reports_in_batch(['stg_document_extractions', 'stg_quality_results']) }}
    union
    select report_id from {{ ref('stg_document_extractions') }}
    where sha256 in ({{ documents_in_batch() }})
{%- endmacro %}

{#- Post-hook of stg_documents: a report of a document this build re-ranked that the build did
    not rewrite is one the document's latest extraction no longer holds. -#}
{% macro prune_superseded_reports() -%}
    delete from {{ this }} as held
    where held.build_id <> {{ build_id() }}
      and held.sha256 in (select sha256 from {{ this }} where build_id = {{ build_id() }})
{%- endmacro %}

{#- Post-hook of int_reports_cleared: a report of the batch that is no longer cleared
    (quarantined now, or its latest extraction failed) still has the row an earlier build
    wrote — every batch report still cleared was just rewritten by this build. -#}
{% macro prune_uncleared_reports() -%}
    delete from {{ this }} as held
    where held.build_id <> {{ build_id() }}
      and held.report_id in ({{ cleared_reports_in_batch() }})
{%- endmacro %}
