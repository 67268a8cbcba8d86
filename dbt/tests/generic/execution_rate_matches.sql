{#- The rate column equals numerator ÷ denominator × 100 within var('execution_rate_tolerance')
    percentage points, is null exactly when it cannot be computed, and never divides by zero. -#}
{% test execution_rate_matches(model, column_name, numerator, denominator) %}
    {%- set tolerance = var('execution_rate_tolerance') %}
    select *
    from {{ model }}
    where case
        when {{ numerator }} is null or {{ denominator }} is null or {{ denominator }} = 0
            then {{ column_name }} is not null
        else {{ column_name }} is null
            or abs({{ column_name }} - {{ numerator }} / {{ denominator }} * 100) > {{ tolerance }}
    end
{% endtest %}
