{#- Staged Parquet of every run, typed.

    Why a macro: every run folder holds `<table>.parquet`, but older runs may lack a column a
    later extractor version added (union_by_name fills those with NULL), a column may be absent
    from every file so far, and a fresh warehouse may have no run at all.  The model still gets
    every declared column with its declared type, so downstream SQL never breaks on history.
    Folders named run=<id>.partial (a batch still being written) are skipped.

    columns: list of [name, duckdb_type] pairs, in output order; build_id (the dbt invocation
    that loaded the row, macros/build_batch.sql) follows them.
    skip_loaded_runs: read only run folders whose run_id the (incremental) model does not hold
    yet — with incremental_strategy delete+insert on run_id, so re-reading a run replaces it. -#}
{% macro staging_dir() -%}
    {%- set dir = var('staging_dir', env_var('GOVPERF_STAGING_DIR', '')) -%}
    {%- if execute and not dir -%}
        {{ exceptions.raise_compiler_error("GOVPERF_STAGING_DIR (or var staging_dir) is not set: dbt cannot find the staged runs") }}
    {%- endif -%}
    {{- dir.rstrip('/') -}}
{%- endmacro %}

{% macro sql_string(value) -%}
    '{{ value | replace("'", "''") }}'
{%- endmacro %}

{#- The run folder a staged file belongs to: '<dir>/run=<id>/<table>.parquet' → '<id>'. -#}
{% macro run_of_file(path) -%}
    {{- path.split('/run=')[-1].split('/')[0] -}}
{%- endmacro %}

{#- Staged files of `table`, minus half-written batches (run=<id>.partial) and, when
    `skip_loaded_runs` and the model is incremental, minus the runs the model already holds.
    Listed at compile time so DuckDB opens only these files. -#}
{% macro staged_files(table, skip_loaded_runs) -%}
    {%- set pattern = staging_dir() ~ '/run=*/' ~ table ~ '.parquet' -%}
    {%- set files = [] -%}
    {%- set loaded = [] -%}
    {%- if skip_loaded_runs and is_incremental() -%}
        {%- for run_id in run_query("select distinct run_id from " ~ this).columns[0].values() -%}
            {%- do loaded.append(run_id) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- for path in run_query("select file from glob(" ~ sql_string(pattern) ~ ") order by file").columns[0].values() -%}
        {%- set run_id = run_of_file(path) -%}
        {%- if not run_id.endswith('.partial') and run_id not in loaded -%}
            {%- do files.append(path) -%}
        {%- endif -%}
    {%- endfor -%}
    {{- return(files) -}}
{%- endmacro %}

{% macro staged_table(table, columns, skip_loaded_runs=false) -%}
    {#- the files are this source (models/staging/_sources.yml): lineage and docs start there -#}
    {%- set _declared = source('staged', table) -%}
    {%- set present = [] -%}
    {%- set files = [] -%}
    {%- if execute -%}
        {%- set files = staged_files(table, skip_loaded_runs) -%}
    {%- endif -%}
    {%- set file_list = [] -%}
    {%- for path in files -%}{%- do file_list.append(sql_string(path)) -%}{%- endfor -%}
    {%- set reader = "read_parquet([" ~ file_list | join(', ') ~ "], union_by_name = true, hive_partitioning = false)" -%}
    {%- if execute and files -%}
        {%- set described = run_query("describe select * from " ~ reader) -%}
        {%- for name in described.columns['column_name'].values() -%}
            {%- do present.append(name) -%}
        {%- endfor -%}
    {%- elif not execute -%}
        {%- for column in columns -%}{%- do present.append(column[0]) -%}{%- endfor -%}
    {%- endif -%}
    select
    {%- for column in columns %}
        {% if column[0] in present -%}
            cast({{ adapter.quote(column[0]) }} as {{ column[1] }})
        {%- else -%}
            cast(null as {{ column[1] }})
        {%- endif %} as {{ adapter.quote(column[0]) }},
    {%- endfor %}
        {{ build_id() }} as build_id
    {% if files -%}
    from {{ reader }}
    {%- else -%}
    where false  -- no run to read for `{{ table }}` (none staged yet, or every one already loaded)
    {%- endif %}
{%- endmacro %}
