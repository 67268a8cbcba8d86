{#- Values outside a contract vocabulary held in a project var (dbt_project.yml), so the
    vocabulary is written once and shared by staging and marts tests.  NULL passes: whether
    a column may be null is the not_null test's business. -#}
{% test in_vocabulary(model, column_name, vocabulary) %}
    {%- set values = var(vocabulary) %}
    select {{ column_name }} as value_outside_vocabulary, count(*) as rows
    from {{ model }}
    where {{ column_name }} is not null
      and {{ column_name }} not in (
        {%- for value in values %}'{{ value | replace("'", "''") }}'{{ "," if not loop.last }}{% endfor -%}
      )
    group by 1
{% endtest %}
