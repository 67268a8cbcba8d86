-- Grain: one reporting unit × fiscal year with indicators in fct_indicator_achievement
-- (unit_id, fiscal_year; a null unit_id gathers the reports that name no unit): how many
-- indicators its reports stated, judged, achieved and missed,
-- and the normalised names (dim_indicator) of those it missed.  A rollup shaped for the
-- scorecard question (analyses/missed_indicators_by_unit.sql): a dashboard reads a few
-- thousand rows here instead of grouping a million fact rows on every refresh.  Rebuilt
-- whole each build, from the facts (two group-bys over integer and md5 columns, ≈ 0.1 s per
-- million indicators).
with counts as (
    select
        unit_id,
        fiscal_year,
        count(distinct report_id) as reports,
        count(*) as indicators,
        count(*) filter (where achieved is not null) as judged_indicators,
        count(*) filter (where achieved) as achieved_indicators,
        count(*) filter (where not achieved) as missed_indicators
    from {{ ref('fct_indicator_achievement') }}
    group by unit_id, fiscal_year
),

-- each missed indicator once per unit and year before the names are joined and sorted
missed_keys as (
    select distinct unit_id, fiscal_year, indicator_key
    from {{ ref('fct_indicator_achievement') }}
    where not achieved
),

missed_names as (
    select
        missed_keys.unit_id,
        missed_keys.fiscal_year,
        string_agg(distinct indicators.name, '、' order by indicators.name) as missed
    from missed_keys
    inner join {{ ref('dim_indicator') }} as indicators
        on indicators.indicator_key = missed_keys.indicator_key
    group by missed_keys.unit_id, missed_keys.fiscal_year
)

select
    counts.unit_id,
    counts.fiscal_year,
    counts.reports,
    counts.indicators,
    counts.judged_indicators,
    counts.achieved_indicators,
    counts.missed_indicators,
    missed_names.missed
from counts
left join missed_names
    on missed_names.unit_id is not distinct from counts.unit_id
   and missed_names.fiscal_year is not distinct from counts.fiscal_year
