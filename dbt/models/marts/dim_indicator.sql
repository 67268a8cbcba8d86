-- Grain: one indicator of the normalised 一级/二级/三级 taxonomy (indicator_key = md5 of the
-- normalised level1|level2|name), so the same indicator compares across units and years.
-- printed_name is the commonest spelling (shortest, then first, among equally common).
-- The normalising regexes run once per distinct printed (levels, name, unit), not once per
-- fact row: 0.9 M indicator rows print a few thousand spellings at most.
with printed as (
    select
        indicator_key,
        level1,
        level2,
        name,
        target_unit,
        count(*) as uses
    from {{ ref('fct_indicator_achievement') }}
    where indicator_key is not null
    group by all
),

indicators as (
    select
        indicator_key,
        {{ indicator_level1('level1') }} as level1,
        {{ indicator_level2('level2') }} as level2,
        {{ indicator_name('name') }} as name,
        name as printed_name,
        target_unit is not null as has_target_unit,
        {{ fold_unit('target_unit') }} as target_unit,
        uses
    from printed
),

spellings as (
    select indicator_key, printed_name, sum(uses)::bigint as uses
    from indicators
    group by all
),

units as (
    select indicator_key, target_unit, sum(uses)::bigint as uses
    from indicators
    where has_target_unit
    group by all
),

reach as (
    select indicator_key, count(distinct report_id) as report_count, count(distinct unit_id) as unit_count
    from {{ ref('fct_indicator_achievement') }}
    where indicator_key is not null
    group by indicator_key
)

select
    indicators.indicator_key,
    any_value(indicators.level1) as level1,
    any_value(indicators.level2) as level2,
    any_value(indicators.name) as name,
    (
        select arg_min(spellings.printed_name, [-spellings.uses, length(spellings.printed_name)])
        from spellings where spellings.indicator_key = indicators.indicator_key
    ) as printed_name,
    (
        select arg_min(units.target_unit, [-units.uses, length(units.target_unit)])
        from units where units.indicator_key = indicators.indicator_key
    ) as usual_target_unit,
    any_value(reach.report_count) as report_count,
    any_value(reach.unit_count) as unit_count
from indicators
inner join reach on reach.indicator_key = indicators.indicator_key
group by indicators.indicator_key
