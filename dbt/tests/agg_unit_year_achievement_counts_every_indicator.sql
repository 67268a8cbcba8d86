-- The unit × year rollup counts every indicator of the fact once, and every missed one once:
-- its totals equal the fact's (a row per mismatch; none when the rollup is whole).
with fact as (
    select count(*) as indicators, count(*) filter (where not achieved) as missed
    from {{ ref('fct_indicator_achievement') }}
),

rollup as (
    select coalesce(sum(indicators), 0) as indicators, coalesce(sum(missed_indicators), 0) as missed
    from {{ ref('agg_unit_year_achievement') }}
)

select fact.indicators, rollup.indicators as rolled_up_indicators, fact.missed, rollup.missed as rolled_up_missed
from fact, rollup
where fact.indicators <> rollup.indicators or fact.missed <> rollup.missed
