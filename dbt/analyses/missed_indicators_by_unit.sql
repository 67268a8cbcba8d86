-- Indicators each unit missed (achieved = false) per fiscal year, worst first: how many of
-- its judged indicators it missed, and which (normalised 三级指标 names, dim_indicator).
select
    u.unit_name,
    u.province,
    u.city,
    u.county,
    i.fiscal_year,
    count(*) filter (where i.achieved is not null) as judged_indicators,
    count(*) filter (where not i.achieved) as missed_indicators,
    string_agg(distinct d.name, '、' order by d.name) filter (where not i.achieved) as missed
from marts.fct_indicator_achievement as i
join marts.dim_unit as u on u.unit_id = i.unit_id
left join marts.dim_indicator as d on d.indicator_key = i.indicator_key
group by all
having count(*) filter (where not i.achieved) > 0
order by missed_indicators desc, u.unit_name, i.fiscal_year
