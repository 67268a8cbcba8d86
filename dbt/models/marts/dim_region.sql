-- Grain: one administrative division (region_code, 6-digit 行政区划代码): province, city or
-- county, named as reports name them (a municipality's districts under city = the
-- municipality).  From cpca's gazetteer (seed region_divisions).
select
    region_code,
    level,
    province,
    city,
    county,
    province_code,
    city_code,
    coalesce(county, city, province) as region_name
from {{ ref('region_divisions') }}
