-- Indicators each unit missed (achieved = false) per fiscal year, worst first: how many of
-- its judged indicators it missed, and which (normalised 三级指标 names, dim_indicator).
-- Read from the unit × year rollup marts.agg_unit_year_achievement, which the build derives
-- from marts.fct_indicator_achievement: a few thousand rows instead of a million facts.
select
    u.unit_name,
    u.province,
    u.city,
    u.county,
    a.fiscal_year,
    a.judged_indicators,
    a.missed_indicators,
    a.missed
from marts.agg_unit_year_achievement as a
join marts.dim_unit as u on u.unit_id = a.unit_id
where a.missed_indicators > 0
order by a.missed_indicators desc, u.unit_name, a.fiscal_year
