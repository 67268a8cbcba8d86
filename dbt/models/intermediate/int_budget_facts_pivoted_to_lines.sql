-- Grain: one report × budget line × item (item null for whole-line figures); the four
-- stages side by side, amounts in 万元.  Should a record state one (line, stage, item) twice
-- (prose and a table often do), a table's figure wins over prose, then the first printed;
-- the GX rule budget_facts.restatement_agrees flags a restatement with another amount.
{%- set preference = "[case when origin = 'table' then 0 else 1 end, fact_no]" %}
with facts as (
    -- a blank item is no item: '协管员经费' and null are lines apart, '' and null are not
    select * replace (nullif(trim(item), '') as item)
    from {{ ref('int_budget_facts_cleared') }}
)

select
    report_id,
    line,
    item,
    arg_min(amount_wan_yuan, {{ preference }}) filter (where stage = 'prior_year_final') as prior_year_final,
    arg_min(amount_wan_yuan, {{ preference }}) filter (where stage = 'initial_budget') as initial_budget,
    arg_min(amount_wan_yuan, {{ preference }}) filter (where stage = 'adjusted_budget') as adjusted_budget,
    arg_min(amount_wan_yuan, {{ preference }}) filter (where stage = 'executed') as executed,
    min(fact_no) as first_fact_no,
    count(*) as fact_count,
    string_agg(distinct origin, ',' order by origin) as origins,
    any_value(run_id) as run_id
from facts
group by report_id, line, item
