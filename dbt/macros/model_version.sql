{#- The warehouse file carries the version of the models that built it (staging.model_version).
    The nightly build starts from a copy of the published file so incremental models stay
    incremental; a file built by models of another version (another grain, other columns)
    must not be extended incrementally — every relation of the dbt schemas is dropped and the
    build runs in full.  Bump var('model_version') whenever a model's grain, columns or
    incremental rule changes. -#}
{% macro rebuild_if_models_changed() %}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- set wanted = var('model_version') | string -%}
    {%- do run_query("create schema if not exists staging") -%}
    {%- do run_query("create table if not exists staging.model_version (version varchar not null)") -%}
    {%- set found = run_query("select max(version) from staging.model_version").columns[0].values()[0] -%}
    {%- if found != wanted -%}
        {%- set relations = run_query(
            "select table_schema, table_name, table_type from information_schema.tables"
            ~ " where table_catalog = current_database()"
            ~ " and table_schema in ('staging', 'intermediate', 'marts', 'quality') and table_name <> 'model_version'"
        ) -%}
        {%- for row in relations.rows -%}
            {#- through the adapter, so dbt's relation cache forgets them too (is_incremental()) -#}
            {%- set relation = adapter.get_relation(database=target.database, schema=row[0], identifier=row[1]) -%}
            {%- if relation is not none -%}
                {%- do adapter.drop_relation(relation) -%}
            {%- else -%}
                {%- set kind = 'view' if row[2] == 'VIEW' else 'table' -%}
                {%- do run_query("drop " ~ kind ~ " if exists " ~ adapter.quote(row[0]) ~ "." ~ adapter.quote(row[1]) ~ " cascade") -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if found is not none -%}
            {{ log("warehouse built by models v" ~ found ~ ", these are v" ~ wanted ~ ": rebuilt in full", info=true) }}
        {%- endif -%}
        {%- do run_query("delete from staging.model_version") -%}
        {%- do run_query("insert into staging.model_version values ('" ~ wanted ~ "')") -%}
    {%- endif -%}
    {{ return('') }}
{% endmacro %}
