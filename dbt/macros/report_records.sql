{#- Shared by the intermediate views (whole warehouse) and the incremental facts (only the
    reports being refreshed), so the rules are written once.

    cleared_records: rows of a per-run staging model (stg_budget_facts / stg_indicators) that
    belong to the given reports' latest cleared run — `reports` is a relation or CTE with
    report_id and run_id, e.g. int_reports_cleared — minus records quarantined one by one.
    Joining on (report_id, run_id) first keeps an incremental build from touching history. -#}
{% macro cleared_records(model_name, reports, table_name, record_no) -%}
    select records.*
    from {{ ref(model_name) }} as records
    inner join {{ reports }} as reports
        on reports.report_id = records.report_id
       and reports.run_id = records.run_id
    where not exists (
        select 1
        from {{ ref('int_quarantine_in_effect') }} as quarantine
        where quarantine.report_id = records.report_id
          and quarantine.table_name = '{{ table_name }}'
          and quarantine.record_no = records.{{ record_no }}
    )
{%- endmacro %}

{#- pivot_budget_lines: one row per report × line × item from budget facts, the four stages
    side by side (万元).  Should a record state one (line, stage, item) twice (prose and a
    table often do), a table's figure wins over prose, then the first printed; the GX rule
    budget_facts.restatement_agrees flags a restatement with another amount.  A blank item is
    no item: '协管员经费' and null are lines apart, '' and null are not.
    The row keeps where its figures were printed — the distinct evidence texts of the facts
    whose amounts it shows (in printed order) and the first PDF page among them — so every
    figure a BI user sees leads back to its page without a join to staging. -#}
{% macro pivot_budget_lines(facts) -%}
    {%- set preference = "[case when origin = 'table' then 0 else 1 end, fact_no]" -%}
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
        any_value(run_id) as run_id,
        string_agg(evidence, ' ｜ ' order by fact_no) filter (where first_use_of_text) as evidence,
        min(page) filter (where shown) as page
    from (
        select
            *,
            shown and evidence is not null and row_number() over (
                partition by report_id, line, item, shown, evidence order by fact_no
            ) = 1 as first_use_of_text
        from (
            select
                * exclude (item),
                nullif(trim(item), '') as item,
                -- the fact whose amount the row shows for its stage
                row_number() over (
                    partition by report_id, line, nullif(trim(item), ''), stage
                    order by {{ preference }}
                ) = 1 as shown
            from {{ facts }}
        ) as ranked
    ) as marked
    group by report_id, line, item
{%- endmacro %}

{#- judge_indicators: indicators with `achieved` judged from target_op, target_value and
    actual_value, the basis of that judgement, and indicator_key (dim_indicator).
    Units are compatible when equal after folding (％ = %), when one side prints none
    (templates often give the unit only in 年度指标值), or when both are amounts (元, 千元,
    万元, 亿元: compared in 万元).  Tolerance: var('value_tolerance'), in the target's unit. -#}
{% macro judge_indicators(indicators) -%}
    {%- set tolerance = var('value_tolerance') -%}
    with classified as (
        select
            *,
            {{ wan_yuan_per_unit('target_unit') }} as target_scale,
            {{ wan_yuan_per_unit('actual_unit') }} as actual_scale,
            case
                when target_op is null then 'no_target_op'
                when target_op = 'qualitative' then 'qualitative'
                when target_op not in ('>=', '>', '<=', '<', '=') then 'unknown_target_op'
                when target_value is null or actual_value is null then 'missing_value'
                when {{ fold_unit('target_unit') }} is not null
                     and {{ fold_unit('actual_unit') }} is not null
                     and {{ fold_unit('target_unit') }} <> {{ fold_unit('actual_unit') }}
                     and ({{ wan_yuan_per_unit('target_unit') }} is null or {{ wan_yuan_per_unit('actual_unit') }} is null)
                    then 'unit_mismatch'
                else 'compared'
            end as achievement_basis
        from {{ indicators }}
    ),

    comparable as (
        select
            *,
            -- the actual in the target's unit (only amounts are ever converted)
            case
                when target_scale is not null and actual_scale is not null
                    then actual_value * actual_scale / target_scale
                else actual_value
            end as actual_in_target_unit
        from classified
    )

    select
        * exclude (target_scale, actual_scale, actual_in_target_unit),
        {{ indicator_key('level1', 'level2', 'name') }} as indicator_key,
        case
            when achievement_basis <> 'compared' then null
            when target_op = '>=' then actual_in_target_unit >= target_value - {{ tolerance }}
            when target_op = '>' then actual_in_target_unit > target_value
            when target_op = '<=' then actual_in_target_unit <= target_value + {{ tolerance }}
            when target_op = '<' then actual_in_target_unit < target_value
            when target_op = '=' then abs(actual_in_target_unit - target_value) <= {{ tolerance }}
        end as achieved
    from comparable
{%- endmacro %}

{#- held_out_records: rows of a per-run staging model (stg_budget_facts / stg_indicators) from
    each report's latest extraction that a quarantine in effect holds out of the marts, either
    one by one (scope record) or with their whole report (scope report), with the reason.  The
    complement of cleared_records over the same rows. -#}
{% macro held_out_records(model_name, table_name, record_no) -%}
    select
        records.* exclude (build_id),
        held.scope,
        held.expectations,
        held.reason,
        held.checked_at
    from {{ ref(model_name) }} as records
    inner join {{ ref('int_quarantine_in_effect') }} as held
        on held.report_id = records.report_id
       and held.run_id = records.run_id
       and (
           held.scope = 'report'
           or (held.table_name = '{{ table_name }}' and held.record_no = records.{{ record_no }})
       )
    qualify row_number() over (
        partition by records.report_id, records.{{ record_no }}
        order by case when held.scope = 'report' then 0 else 1 end
    ) = 1
{%- endmacro %}
