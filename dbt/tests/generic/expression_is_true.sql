{#- An invariant every row must satisfy, written as a SQL boolean over the model's columns
    (vendored stand-in for dbt_utils.expression_is_true: `dbt deps` cannot reach the hub).
    A row where the expression is false or null fails. -#}
{% test expression_is_true(model, expression) %}
    select *
    from {{ model }}
    where not coalesce(({{ expression }}), false)
{% endtest %}
