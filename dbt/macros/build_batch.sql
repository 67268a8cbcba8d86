{#- Build batches: what a build's data tests check on the incremental tables.

    Every row of an incremental table (the per-run staging tables, int_report_unit_keys,
    stg_documents, int_reports_cleared, dim_report, both facts and expectation_results)
    carries build_id, the dbt invocation that wrote it.  Publishing
    (extractors/publish.py) records in staging.published_builds the builds whose rows it
    published.  On an incremental table a data test then checks the rows not published yet —
    tonight's batch, however many dbt invocations (retries of a failed node included) wrote it
    into this build file — instead of re-reading years of rows that passed the same test the
    night they were loaded and have not changed since.

    What stays whole-table:
    * every test of a table rebuilt whole (the small dimensions, agg_unit_year_achievement,
      quarantine, extraction_errors, run_summary) or of a view, and singular tests;
    * relationships tests: an unchanged child row can lose its parent when the parent table
      changes (a region code dropped from the gazetteer seed), so the child side is read whole;
    * everything after `dbt build --full-refresh` (every row is new), on a warehouse never
      published, and with `--vars '{test_whole_tables: true}'` (a periodic full sweep).
    unique / unique_combination keep their meaning for the batch: they read every row that
    shares a key with a batch row, so a new row duplicating an old one still fails. -#}

{#- The id stamped on each row an incremental model writes (dbt's invocation id). -#}
{% macro build_id() -%}
    '{{ invocation_id }}'
{%- endmacro %}

{#- True for a row of `alias` (a relation with build_id) that no published build wrote: a row
    of tonight's batch.  Also used by models that refresh only what the batch touched. -#}
{% macro unpublished(alias) -%}
    not exists (
        select 1 from staging.published_builds as published where published.build_id = {{ alias }}.build_id
    )
{%- endmacro %}

{#- The reports a build's batch touched: those with a row no published build loaded in any of
    `models` (per-run staging models, e.g. ['stg_document_extractions', 'stg_quality_results']).
    The models that keep one row per report (stg_documents, int_reports_cleared,
    expectation_results) recompute just these, whose latest extraction or quarantine may have
    changed; on a warehouse never published that is every report, as in a full build. -#}
{% macro reports_in_batch(models) -%}
    {%- for model_name in models %}
    select report_id from {{ ref(model_name) }} as batch where {{ unpublished('batch') }}
    {%- if not loop.last %}
    union{% endif %}
    {%- endfor %}
{%- endmacro %}

{#- The documents (sha256) a build's batch extracted: their every report is re-ranked, so that a
    bundle read again as fewer reports loses the ones it no longer holds. -#}
{% macro documents_in_batch() -%}
    select sha256 from {{ ref('stg_document_extractions') }} as batch where {{ unpublished('batch') }}
{%- endmacro %}

{#- on-run-start: the ledger of published builds, empty in a new (or rebuilt) warehouse. -#}
{% macro ensure_published_builds() %}
    {%- if execute -%}
        {%- do run_query(
            "create table if not exists staging.published_builds"
            ~ " (build_id varchar not null primary key, published_at timestamp not null)"
        ) -%}
    {%- endif -%}
    {{ return('') }}
{% endmacro %}

{#- dbt wraps the `model` argument of every generic test in get_where_subquery; this version
    narrows it to the unpublished batch as described above, then applies a test's own `where`
    config as dbt's does.  It calls no macro but unpublished(), which calls none: a test's
    macro namespace holds only the macros get_where_subquery calls directly. -#}
{% macro get_where_subquery(relation) -%}
    {%- set scoped = relation -%}
    {%- if execute and not var('test_whole_tables', false) -%}
        {%- set test = model.get('test_metadata') or {} -%}
        {%- set tested = graph.nodes.get(model.get('attached_node') or '', {}) -%}
        {%- if tested.get('config', {}).get('materialized') == 'incremental'
               and test.get('name') != 'relationships' -%}
            {%- set in_batch = unpublished('batch') -%}
            {%- set arguments = test.get('kwargs') or {} -%}
            {%- if test.get('name') == 'unique' -%}
                {%- set keys = [arguments.get('column_name')] -%}
            {%- elif test.get('name') == 'unique_combination' -%}
                {%- set keys = arguments.get('columns') or [] -%}
            {%- else -%}
                {%- set keys = [] -%}
            {%- endif -%}
            {%- if keys -%}
                {%- set matches = [] -%}
                {%- for key in keys -%}
                    {%- do matches.append("batch." ~ key ~ " is not distinct from keyed." ~ key) -%}
                {%- endfor -%}
                {%- set scoped = "(select * from " ~ relation ~ " as keyed where exists (select 1 from "
                    ~ relation ~ " as batch where " ~ in_batch ~ " and " ~ matches | join(" and ")
                    ~ ")) as tested_batch" -%}
            {%- else -%}
                {%- set scoped = "(select * from " ~ relation ~ " as batch where " ~ in_batch
                    ~ ") as tested_batch" -%}
            {%- endif -%}
        {%- endif -%}
    {%- endif -%}
    {%- set where = config.get('where', '') -%}
    {%- if where -%}
        {%- do return("(select * from " ~ scoped ~ " where " ~ where ~ ") as dbt_subquery") -%}
    {%- endif -%}
    {%- do return(scoped) -%}
{%- endmacro %}
