{#- Rows of a per-run staging model that belong to the report's latest extraction (the run
    stg_documents kept): an older run's rows for a re-extracted report are history, not facts,
    so they never reach the marts. -#}
{% macro from_latest_run(model_name) -%}
select staged.*
from {{ ref(model_name) }} as staged
where exists (
    select 1
    from {{ ref('stg_documents') }} as latest
    where latest.report_id = staged.report_id
      and latest.run_id = staged.run_id
)
{%- endmacro %}
