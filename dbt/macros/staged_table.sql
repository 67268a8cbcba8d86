{#- Staged Parquet of every run, typed.

    Why a macro: every run folder holds `<table>.parquet`, but older runs may lack a column a
    later extractor version added (union_by_name fills those with NULL), a column may be absent
    from every file so far, and a fresh warehouse may have no run at all.  The model still gets
    every declared column with its declared type, so downstream SQL never breaks on history.
    Folders named run=<id>.partial (a batch still being written) are skipped.

    columns: list of [name, duckdb_type] pairs, in output order. -#}
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

{% macro staged_table(table, columns) -%}
    {%- set pattern = staging_dir() ~ '/run=*/' ~ table ~ '.parquet' -%}
    {%- set reader = "read_parquet(" ~ sql_string(pattern) ~ ", union_by_name = true, hive_partitioning = false, filename = true)" -%}
    {%- set present = [] -%}
    {%- set file_count = 1 -%}
    {%- if execute -%}
        {%- set file_count = run_query("select count(*) from glob(" ~ sql_string(pattern) ~ ")").columns[0].values()[0] -%}
        {%- if file_count > 0 -%}
            {%- set described = run_query("describe select * from " ~ reader) -%}
            {%- for name in described.columns['column_name'].values() if name != 'filename' -%}
                {%- do present.append(name) -%}
            {%- endfor -%}
        {%- endif -%}
    {%- else -%}
        {%- for column in columns -%}{%- do present.append(column[0]) -%}{%- endfor -%}
    {%- endif -%}
    select
    {%- for column in columns %}
        {% if column[0] in present -%}
            cast({{ adapter.quote(column[0]) }} as {{ column[1] }})
        {%- else -%}
            cast(null as {{ column[1] }})
        {%- endif %} as {{ adapter.quote(column[0]) }}{{ "," if not loop.last }}
    {%- endfor %}
    {% if file_count > 0 -%}
    from {{ reader }}
    -- a batch being written (or left by a crashed stage step) is not a run yet
    where not regexp_matches(filename, '/run=[^/]*[.]partial/')
    {%- else -%}
    where false  -- no run has staged `{{ table }}` yet
    {%- endif %}
{%- endmacro %}
