{#- The build ledger: which dbt invocation last wrote this warehouse file and whether it
    finished.  Why: `publish` renames the build file over the served warehouse, and must publish
    only a build that a build step finished — never the copy `prepare_build` made of last
    night's warehouse (a publish racing a build that has not started writing yet), nor a build
    that failed half-way, nor one already published.  Only `dbt build` and `dbt run` open and
    close a ledger row; `docs generate`, `parse` and `compile` leave it alone.
    extractors/publish.py reads the newest row and marks it published. -#}
{% macro record_build_start() %}
    {%- if execute and flags.WHICH in ('build', 'run') -%}
        {%- do run_query(
            "create table if not exists staging.build_runs (build_id varchar not null primary key,"
            ~ " command varchar, started_at timestamp not null, finished_at timestamp,"
            ~ " published_at timestamp)"
        ) -%}
        {%- do run_query(
            "insert into staging.build_runs (build_id, command, started_at) values ('"
            ~ invocation_id ~ "', '" ~ flags.WHICH ~ "', now())"
        ) -%}
    {%- endif -%}
    {{ return('') }}
{% endmacro %}

{% macro record_build_end(results) %}
    {%- if execute and flags.WHICH in ('build', 'run') -%}
        {%- set failed = [] -%}
        {%- for result in results if result.status in ('error', 'fail', 'runtime error') -%}
            {%- do failed.append(result) -%}
        {%- endfor -%}
        {%- if not failed -%}
            {%- do run_query(
                "update staging.build_runs set finished_at = now() where build_id = '" ~ invocation_id ~ "'"
            ) -%}
        {%- endif -%}
    {%- endif -%}
    {{ return('') }}
{% endmacro %}
