-- Grain: one report per run (run_id × report_id): the report's unit_key and unit_id
-- (macros/text.sql with_unit_keys), computed once, when its run is loaded.  Why a table of
-- its own: the unit-name regexes are the costliest expressions of the build, and
-- int_reports_cleared is rebuilt every night; here a nightly build folds only the new runs'
-- names.  Incremental by run like the staging tables it reads (delete+insert on run_id).
{{ per_run_config() }}
with reports as (
    select
        run_id,
        report_id,
        unit_name,
        nullif(trim(province), '') as province,
        nullif(trim(city), '') as city,
        nullif(trim(county), '') as county
    from {{ ref('stg_reports') }} as staged
    {%- if is_incremental() %}
    where not exists (select 1 from {{ this }} as held where held.run_id = staged.run_id)
    {%- endif %}
),

keyed as (
    {{ with_unit_keys('reports') }}
)

select
    run_id,
    report_id,
    unit_key,
    unit_id,
    {{ build_id() }} as build_id
from keyed
