{#- Text folding used for ids and comparisons: same unit printed with a stray space, a
    full-width bracket or an ideographic space must give the same unit_id. -#}
{% macro fold_text(expression) -%}
    nullif(
        replace(replace(regexp_replace(coalesce({{ expression }}, ''), '[\s\x{3000}\x{00A0}]+', '', 'g'), '（', '('), '）', ')'),
        ''
    )
{%- endmacro %}

{#- Units as printed: '％' and '%' are the same unit; case and spaces do not matter. -#}
{% macro fold_unit(expression) -%}
    lower(replace({{ fold_text(expression) }}, '％', '%'))
{%- endmacro %}

{#- Latest-first ordering of a report's extractions: the newest extraction wins, run id breaks ties. -#}
{% macro latest_first() -%}
    extracted_at desc nulls last, run_id desc
{%- endmacro %}

{#- unit_id: md5 of the folded unit name and region, so the same unit gets the same id in
    every run and every report, whatever spacing or bracket width it was printed with. -#}
{% macro unit_id(unit_name, province, city, county) -%}
    case when {{ fold_text(unit_name) }} is not null then md5(
        {{ fold_text(unit_name) }}
        || '|' || coalesce({{ fold_text(province) }}, '')
        || '|' || coalesce({{ fold_text(city) }}, '')
        || '|' || coalesce({{ fold_text(county) }}, '')
    ) end
{%- endmacro %}
