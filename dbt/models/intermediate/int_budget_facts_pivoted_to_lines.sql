-- Grain: one report × budget line × item (item null for whole-line figures); the four
-- stages side by side, amounts in 万元.  Should a record state one (line, stage, item) twice,
-- the first statement (lowest fact_no) is the figure; the GX suite flags the duplicate.
select
    report_id,
    line,
    item,
    arg_min(amount_wan_yuan, fact_no) filter (where stage = 'prior_year_final') as prior_year_final,
    arg_min(amount_wan_yuan, fact_no) filter (where stage = 'initial_budget') as initial_budget,
    arg_min(amount_wan_yuan, fact_no) filter (where stage = 'adjusted_budget') as adjusted_budget,
    arg_min(amount_wan_yuan, fact_no) filter (where stage = 'executed') as executed,
    min(fact_no) as first_fact_no,
    count(*) as fact_count,
    string_agg(distinct origin, ',' order by origin) as origins,
    any_value(run_id) as run_id
from {{ ref('int_budget_facts_cleared') }}
group by report_id, line, item
