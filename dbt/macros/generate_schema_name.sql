{#- A model's custom schema is used verbatim (staging, marts, quality), not prefixed with the
    target schema: BI users and the contract (interfaces.md §3) name `marts` and `quality`. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
