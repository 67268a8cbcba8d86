{#- A grain of several columns is unique (NULLs compare equal: an item-less line is one row). -#}
{% test unique_combination(model, columns) %}
    select {{ columns | join(', ') }}, count(*) as rows
    from {{ model }}
    group by all
    having count(*) > 1
{% endtest %}
