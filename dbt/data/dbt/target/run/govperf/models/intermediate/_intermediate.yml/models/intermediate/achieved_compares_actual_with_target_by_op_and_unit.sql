
    -- Build actual result given inputs
with dbt_internal_unit_test_actual as (
  select
    "indicator_no","achieved","achievement_basis", 'actual' as "actual_or_expected"
  from (
    -- Grain: one indicator (report_id, indicator_no) of a cleared report that no record-level
-- quarantine holds out, with `achieved` judged from target_op, target_value and actual_value,
-- and its indicator_key in the normalised 一级/二级/三级 taxonomy (dim_indicator).
-- Units are compatible when equal after folding (％ = %), when one side prints none
-- (templates often give the unit only in 年度指标值), or when both are amounts (元, 千元, 万元,
-- 亿元: compared in 万元).  Tolerance: var('value_tolerance'), in the target's unit.
with  __dbt__cte__int_indicators_latest as (

-- Fixture for int_indicators_latest
select 
    
    cast('r' as character varying)
 as "report_id", 
    
    cast(0 as INTEGER)
 as "indicator_no", cast(null as character varying(256)) as "level1", cast(null as character varying(256)) as "level2", 
    
    cast('达标率' as character varying)
 as "name", cast(null as character varying(256)) as "target_text", cast(null as character varying(256)) as "actual_text", 
    
    cast('>=' as character varying)
 as "target_op", 
    
    cast(95 as DOUBLE)
 as "target_value", 
    
    cast('%' as character varying)
 as "target_unit", 
    
    cast(94.995 as DOUBLE)
 as "actual_value", 
    
    cast('％' as character varying)
 as "actual_unit", cast(null as DOUBLE) as "weight", cast(null as DOUBLE) as "score", cast(null as character varying(256)) as "deviation_reason", cast(null as character varying(256)) as "evidence", cast(null as character varying(256)) as "origin", cast(null as character varying(256)) as "run_id"
union all
select 
    
    cast('r' as character varying)
 as "report_id", 
    
    cast(1 as INTEGER)
 as "indicator_no", cast(null as character varying(256)) as "level1", cast(null as character varying(256)) as "level2", 
    
    cast('达标率2' as character varying)
 as "name", cast(null as character varying(256)) as "target_text", cast(null as character varying(256)) as "actual_text", 
    
    cast('>=' as character varying)
 as "target_op", 
    
    cast(95 as DOUBLE)
 as "target_value", 
    
    cast('%' as character varying)
 as "target_unit", 
    
    cast(94 as DOUBLE)
 as "actual_value", 
    
    cast('%' as character varying)
 as "actual_unit", cast(null as DOUBLE) as "weight", cast(null as DOUBLE) as "score", cast(null as character varying(256)) as "deviation_reason", cast(null as character varying(256)) as "evidence", cast(null as character varying(256)) as "origin", cast(null as character varying(256)) as "run_id"
union all
select 
    
    cast('r' as character varying)
 as "report_id", 
    
    cast(2 as INTEGER)
 as "indicator_no", cast(null as character varying(256)) as "level1", cast(null as character varying(256)) as "level2", 
    
    cast('投诉率' as character varying)
 as "name", cast(null as character varying(256)) as "target_text", cast(null as character varying(256)) as "actual_text", 
    
    cast('<=' as character varying)
 as "target_op", 
    
    cast(5 as DOUBLE)
 as "target_value", 
    
    cast('%' as character varying)
 as "target_unit", 
    
    cast(5.005 as DOUBLE)
 as "actual_value", 
    
    cast(null as character varying(256))
 as "actual_unit", cast(null as DOUBLE) as "weight", cast(null as DOUBLE) as "score", cast(null as character varying(256)) as "deviation_reason", cast(null as character varying(256)) as "evidence", cast(null as character varying(256)) as "origin", cast(null as character varying(256)) as "run_id"
union all
select 
    
    cast('r' as character varying)
 as "report_id", 
    
    cast(3 as INTEGER)
 as "indicator_no", cast(null as character varying(256)) as "level1", cast(null as character varying(256)) as "level2", 
    
    cast('投诉率2' as character varying)
 as "name", cast(null as character varying(256)) as "target_text", cast(null as character varying(256)) as "actual_text", 
    
    cast('<' as character varying)
 as "target_op", 
    
    cast(5 as DOUBLE)
 as "target_value", 
    
    cast('%' as character varying)
 as "target_unit", 
    
    cast(5 as DOUBLE)
 as "actual_value", 
    
    cast('%' as character varying)
 as "actual_unit", cast(null as DOUBLE) as "weight", cast(null as DOUBLE) as "score", cast(null as character varying(256)) as "deviation_reason", cast(null as character varying(256)) as "evidence", cast(null as character varying(256)) as "origin", cast(null as character varying(256)) as "run_id"
union all
select 
    
    cast('r' as character varying)
 as "report_id", 
    
    cast(4 as INTEGER)
 as "indicator_no", cast(null as character varying(256)) as "level1", cast(null as character varying(256)) as "level2", 
    
    cast('完成率' as character varying)
 as "name", cast(null as character varying(256)) as "target_text", cast(null as character varying(256)) as "actual_text", 
    
    cast('=' as character varying)
 as "target_op", 
    
    cast(100 as DOUBLE)
 as "target_value", 
    
    cast('%' as character varying)
 as "target_unit", 
    
    cast(99.5 as DOUBLE)
 as "actual_value", 
    
    cast('%' as character varying)
 as "actual_unit", cast(null as DOUBLE) as "weight", cast(null as DOUBLE) as "score", cast(null as character varying(256)) as "deviation_reason", cast(null as character varying(256)) as "evidence", cast(null as character varying(256)) as "origin", cast(null as character varying(256)) as "run_id"
union all
select 
    
    cast('r' as character varying)
 as "report_id", 
    
    cast(5 as INTEGER)
 as "indicator_no", cast(null as character varying(256)) as "level1", cast(null as character varying(256)) as "level2", 
    
    cast('场次' as character varying)
 as "name", cast(null as character varying(256)) as "target_text", cast(null as character varying(256)) as "actual_text", 
    
    cast('>' as character varying)
 as "target_op", 
    
    cast(10 as DOUBLE)
 as "target_value", 
    
    cast('场' as character varying)
 as "target_unit", 
    
    cast(11 as DOUBLE)
 as "actual_value", 
    
    cast('场' as character varying)
 as "actual_unit", cast(null as DOUBLE) as "weight", cast(null as DOUBLE) as "score", cast(null as character varying(256)) as "deviation_reason", cast(null as character varying(256)) as "evidence", cast(null as character varying(256)) as "origin", cast(null as character varying(256)) as "run_id"
union all
select 
    
    cast('r' as character varying)
 as "report_id", 
    
    cast(6 as INTEGER)
 as "indicator_no", cast(null as character varying(256)) as "level1", cast(null as character varying(256)) as "level2", 
    
    cast('成本' as character varying)
 as "name", cast(null as character varying(256)) as "target_text", cast(null as character varying(256)) as "actual_text", 
    
    cast('<=' as character varying)
 as "target_op", 
    
    cast(50 as DOUBLE)
 as "target_value", 
    
    cast('万元' as character varying)
 as "target_unit", 
    
    cast(480000 as DOUBLE)
 as "actual_value", 
    
    cast('元' as character varying)
 as "actual_unit", cast(null as DOUBLE) as "weight", cast(null as DOUBLE) as "score", cast(null as character varying(256)) as "deviation_reason", cast(null as character varying(256)) as "evidence", cast(null as character varying(256)) as "origin", cast(null as character varying(256)) as "run_id"
union all
select 
    
    cast('r' as character varying)
 as "report_id", 
    
    cast(7 as INTEGER)
 as "indicator_no", cast(null as character varying(256)) as "level1", cast(null as character varying(256)) as "level2", 
    
    cast('成本2' as character varying)
 as "name", cast(null as character varying(256)) as "target_text", cast(null as character varying(256)) as "actual_text", 
    
    cast('<=' as character varying)
 as "target_op", 
    
    cast(50 as DOUBLE)
 as "target_value", 
    
    cast('万元' as character varying)
 as "target_unit", 
    
    cast(520000 as DOUBLE)
 as "actual_value", 
    
    cast('元' as character varying)
 as "actual_unit", cast(null as DOUBLE) as "weight", cast(null as DOUBLE) as "score", cast(null as character varying(256)) as "deviation_reason", cast(null as character varying(256)) as "evidence", cast(null as character varying(256)) as "origin", cast(null as character varying(256)) as "run_id"
union all
select 
    
    cast('r' as character varying)
 as "report_id", 
    
    cast(8 as INTEGER)
 as "indicator_no", cast(null as character varying(256)) as "level1", cast(null as character varying(256)) as "level2", 
    
    cast('满意度' as character varying)
 as "name", cast(null as character varying(256)) as "target_text", cast(null as character varying(256)) as "actual_text", 
    
    cast('qualitative' as character varying)
 as "target_op", 
    
    cast(null as DOUBLE)
 as "target_value", 
    
    cast(null as character varying(256))
 as "target_unit", 
    
    cast(null as DOUBLE)
 as "actual_value", 
    
    cast(null as character varying(256))
 as "actual_unit", cast(null as DOUBLE) as "weight", cast(null as DOUBLE) as "score", cast(null as character varying(256)) as "deviation_reason", cast(null as character varying(256)) as "evidence", cast(null as character varying(256)) as "origin", cast(null as character varying(256)) as "run_id"
union all
select 
    
    cast('r' as character varying)
 as "report_id", 
    
    cast(9 as INTEGER)
 as "indicator_no", cast(null as character varying(256)) as "level1", cast(null as character varying(256)) as "level2", 
    
    cast('覆盖面' as character varying)
 as "name", cast(null as character varying(256)) as "target_text", cast(null as character varying(256)) as "actual_text", 
    
    cast('>=' as character varying)
 as "target_op", 
    
    cast(10 as DOUBLE)
 as "target_value", 
    
    cast('万平方米' as character varying)
 as "target_unit", 
    
    cast(12 as DOUBLE)
 as "actual_value", 
    
    cast('平方公里' as character varying)
 as "actual_unit", cast(null as DOUBLE) as "weight", cast(null as DOUBLE) as "score", cast(null as character varying(256)) as "deviation_reason", cast(null as character varying(256)) as "evidence", cast(null as character varying(256)) as "origin", cast(null as character varying(256)) as "run_id"
union all
select 
    
    cast('r' as character varying)
 as "report_id", 
    
    cast(10 as INTEGER)
 as "indicator_no", cast(null as character varying(256)) as "level1", cast(null as character varying(256)) as "level2", 
    
    cast('缺实际值' as character varying)
 as "name", cast(null as character varying(256)) as "target_text", cast(null as character varying(256)) as "actual_text", 
    
    cast('>=' as character varying)
 as "target_op", 
    
    cast(10 as DOUBLE)
 as "target_value", 
    
    cast('个' as character varying)
 as "target_unit", 
    
    cast(null as DOUBLE)
 as "actual_value", 
    
    cast(null as character varying(256))
 as "actual_unit", cast(null as DOUBLE) as "weight", cast(null as DOUBLE) as "score", cast(null as character varying(256)) as "deviation_reason", cast(null as character varying(256)) as "evidence", cast(null as character varying(256)) as "origin", cast(null as character varying(256)) as "run_id"
union all
select 
    
    cast('r' as character varying)
 as "report_id", 
    
    cast(11 as INTEGER)
 as "indicator_no", cast(null as character varying(256)) as "level1", cast(null as character varying(256)) as "level2", 
    
    cast('无比较符' as character varying)
 as "name", cast(null as character varying(256)) as "target_text", cast(null as character varying(256)) as "actual_text", 
    
    cast(null as character varying(256))
 as "target_op", 
    
    cast(10 as DOUBLE)
 as "target_value", 
    
    cast('个' as character varying)
 as "target_unit", 
    
    cast(10 as DOUBLE)
 as "actual_value", 
    
    cast('个' as character varying)
 as "actual_unit", cast(null as DOUBLE) as "weight", cast(null as DOUBLE) as "score", cast(null as character varying(256)) as "deviation_reason", cast(null as character varying(256)) as "evidence", cast(null as character varying(256)) as "origin", cast(null as character varying(256)) as "run_id"
union all
select 
    
    cast('r' as character varying)
 as "report_id", 
    
    cast(12 as INTEGER)
 as "indicator_no", cast(null as character varying(256)) as "level1", cast(null as character varying(256)) as "level2", 
    
    cast('怪比较符' as character varying)
 as "name", cast(null as character varying(256)) as "target_text", cast(null as character varying(256)) as "actual_text", 
    
    cast('~' as character varying)
 as "target_op", 
    
    cast(10 as DOUBLE)
 as "target_value", 
    
    cast('个' as character varying)
 as "target_unit", 
    
    cast(10 as DOUBLE)
 as "actual_value", 
    
    cast('个' as character varying)
 as "actual_unit", cast(null as DOUBLE) as "weight", cast(null as DOUBLE) as "score", cast(null as character varying(256)) as "deviation_reason", cast(null as character varying(256)) as "evidence", cast(null as character varying(256)) as "origin", cast(null as character varying(256)) as "run_id"
union all
select 
    
    cast('r' as character varying)
 as "report_id", 
    
    cast(13 as INTEGER)
 as "indicator_no", cast(null as character varying(256)) as "level1", cast(null as character varying(256)) as "level2", 
    
    cast('被隔离' as character varying)
 as "name", cast(null as character varying(256)) as "target_text", cast(null as character varying(256)) as "actual_text", 
    
    cast('>=' as character varying)
 as "target_op", 
    
    cast(1 as DOUBLE)
 as "target_value", 
    
    cast('个' as character varying)
 as "target_unit", 
    
    cast(2 as DOUBLE)
 as "actual_value", 
    
    cast('个' as character varying)
 as "actual_unit", cast(null as DOUBLE) as "weight", cast(null as DOUBLE) as "score", cast(null as character varying(256)) as "deviation_reason", cast(null as character varying(256)) as "evidence", cast(null as character varying(256)) as "origin", cast(null as character varying(256)) as "run_id"
),  __dbt__cte__int_reports_cleared as (

-- Fixture for int_reports_cleared
select 
    
    cast('r' as character varying)
 as "report_id", cast(null as character varying(256)) as "source_id", cast(null as character varying(256)) as "source_url", cast(null as character varying(256)) as "sha256", cast(null as character varying(256)) as "report_kind", cast(null as INTEGER) as "fiscal_year", cast(null as character varying(256)) as "unit_name", cast(null as character varying(256)) as "department_name", cast(null as character varying(256)) as "project_name", cast(null as character varying(256)) as "province", cast(null as character varying(256)) as "city", cast(null as character varying(256)) as "county", cast(null as DOUBLE) as "self_score", cast(null as character varying(256)) as "grade", cast(null as DATE) as "published_at", cast(null as TIMESTAMP) as "fetched_at", cast(null as character varying(256)) as "title", cast(null as character varying(256)) as "format", cast(null as character varying(256)) as "file_name", cast(null as INTEGER) as "page_count", cast(null as character varying(256)) as "extractor_version", cast(null as TIMESTAMP) as "extracted_at", cast(null as character varying(256)) as "run_id", cast(null as character varying(256)) as "unit_key", cast(null as character varying(256)) as "unit_id", cast(null as character varying(256)) as "region_code"
),  __dbt__cte__int_quarantine_in_effect as (

-- Fixture for int_quarantine_in_effect
select 
    
    cast('r' as character varying)
 as "report_id", 
    
    cast('indicators' as character varying)
 as "table_name", 
    
    cast(13 as INTEGER)
 as "record_no", 
    
    cast('record' as character varying)
 as "scope", cast(null as character varying(256)) as "run_id", cast(null as character varying(256)) as "expectations", cast(null as character varying(256)) as "reason", cast(null as BIGINT) as "failed_expectations", cast(null as TIMESTAMP) as "checked_at"
), cleared as (
    select indicators.*
    from __dbt__cte__int_indicators_latest as indicators
    where exists (
        select 1 from __dbt__cte__int_reports_cleared as reports
        where reports.report_id = indicators.report_id
    )
    and not exists (
        select 1
        from __dbt__cte__int_quarantine_in_effect as quarantine
        where quarantine.report_id = indicators.report_id
          and quarantine.table_name = 'indicators'
          and quarantine.record_no = indicators.indicator_no
    )
),

classified as (
    select
        *,
        case lower(replace(nullif(
        replace(replace(regexp_replace(coalesce(target_unit, ''), '[\s\x{3000}\x{00A0}]+', '', 'g'), '（', '('), '）', ')'),
        ''
    ), '％', '%'))
        when '元' then 0.0001
        when '千元' then 0.1
        when '万元' then 1.0
        when '亿元' then 10000.0
    end as target_scale,
        case lower(replace(nullif(
        replace(replace(regexp_replace(coalesce(actual_unit, ''), '[\s\x{3000}\x{00A0}]+', '', 'g'), '（', '('), '）', ')'),
        ''
    ), '％', '%'))
        when '元' then 0.0001
        when '千元' then 0.1
        when '万元' then 1.0
        when '亿元' then 10000.0
    end as actual_scale,
        case
            when target_op is null then 'no_target_op'
            when target_op = 'qualitative' then 'qualitative'
            when target_op not in ('>=', '>', '<=', '<', '=') then 'unknown_target_op'
            when target_value is null or actual_value is null then 'missing_value'
            when lower(replace(nullif(
        replace(replace(regexp_replace(coalesce(target_unit, ''), '[\s\x{3000}\x{00A0}]+', '', 'g'), '（', '('), '）', ')'),
        ''
    ), '％', '%')) is not null
                 and lower(replace(nullif(
        replace(replace(regexp_replace(coalesce(actual_unit, ''), '[\s\x{3000}\x{00A0}]+', '', 'g'), '（', '('), '）', ')'),
        ''
    ), '％', '%')) is not null
                 and lower(replace(nullif(
        replace(replace(regexp_replace(coalesce(target_unit, ''), '[\s\x{3000}\x{00A0}]+', '', 'g'), '（', '('), '）', ')'),
        ''
    ), '％', '%')) <> lower(replace(nullif(
        replace(replace(regexp_replace(coalesce(actual_unit, ''), '[\s\x{3000}\x{00A0}]+', '', 'g'), '（', '('), '）', ')'),
        ''
    ), '％', '%'))
                 and (case lower(replace(nullif(
        replace(replace(regexp_replace(coalesce(target_unit, ''), '[\s\x{3000}\x{00A0}]+', '', 'g'), '（', '('), '）', ')'),
        ''
    ), '％', '%'))
        when '元' then 0.0001
        when '千元' then 0.1
        when '万元' then 1.0
        when '亿元' then 10000.0
    end is null or case lower(replace(nullif(
        replace(replace(regexp_replace(coalesce(actual_unit, ''), '[\s\x{3000}\x{00A0}]+', '', 'g'), '（', '('), '）', ')'),
        ''
    ), '％', '%'))
        when '元' then 0.0001
        when '千元' then 0.1
        when '万元' then 1.0
        when '亿元' then 10000.0
    end is null)
                then 'unit_mismatch'
            else 'compared'
        end as achievement_basis
    from cleared
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
    case when nullif(regexp_replace(regexp_replace(nullif(
        replace(replace(regexp_replace(coalesce(name, ''), '[\s\x{3000}\x{00A0}]+', '', 'g'), '（', '('), '）', ')'),
        ''
    ), '^([(]?[0-9一二三四五六七八九十]+[)]?[.、．:：]?|[①-⑳])+', ''), '[:：;；,，.。、]+$', ''), '') is not null then md5(
        coalesce(case
        when regexp_replace(nullif(
        replace(replace(regexp_replace(coalesce(level1, ''), '[\s\x{3000}\x{00A0}]+', '', 'g'), '（', '('), '）', ')'),
        ''
    ), '^([(]?[0-9一二三四五六七八九十]+[)]?[.、．:：]?|[①-⑳])+', '') is null or regexp_replace(nullif(
        replace(replace(regexp_replace(coalesce(level1, ''), '[\s\x{3000}\x{00A0}]+', '', 'g'), '（', '('), '）', ')'),
        ''
    ), '^([(]?[0-9一二三四五六七八九十]+[)]?[.、．:：]?|[①-⑳])+', '') = '' then null
        when regexp_replace(nullif(
        replace(replace(regexp_replace(coalesce(level1, ''), '[\s\x{3000}\x{00A0}]+', '', 'g'), '（', '('), '）', ')'),
        ''
    ), '^([(]?[0-9一二三四五六七八九十]+[)]?[.、．:：]?|[①-⑳])+', '') like '%产出%' then '产出指标'
        when regexp_replace(nullif(
        replace(replace(regexp_replace(coalesce(level1, ''), '[\s\x{3000}\x{00A0}]+', '', 'g'), '（', '('), '）', ')'),
        ''
    ), '^([(]?[0-9一二三四五六七八九十]+[)]?[.、．:：]?|[①-⑳])+', '') like '%满意%' then '满意度指标'
        when regexp_replace(nullif(
        replace(replace(regexp_replace(coalesce(level1, ''), '[\s\x{3000}\x{00A0}]+', '', 'g'), '（', '('), '）', ')'),
        ''
    ), '^([(]?[0-9一二三四五六七八九十]+[)]?[.、．:：]?|[①-⑳])+', '') like '%效益%' or regexp_replace(nullif(
        replace(replace(regexp_replace(coalesce(level1, ''), '[\s\x{3000}\x{00A0}]+', '', 'g'), '（', '('), '）', ')'),
        ''
    ), '^([(]?[0-9一二三四五六七八九十]+[)]?[.、．:：]?|[①-⑳])+', '') like '%效果%' then '效益指标'
        when regexp_replace(nullif(
        replace(replace(regexp_replace(coalesce(level1, ''), '[\s\x{3000}\x{00A0}]+', '', 'g'), '（', '('), '）', ')'),
        ''
    ), '^([(]?[0-9一二三四五六七八九十]+[)]?[.、．:：]?|[①-⑳])+', '') like '%成本%' then '成本指标'
        else regexp_replace(nullif(
        replace(replace(regexp_replace(coalesce(level1, ''), '[\s\x{3000}\x{00A0}]+', '', 'g'), '（', '('), '）', ')'),
        ''
    ), '^([(]?[0-9一二三四五六七八九十]+[)]?[.、．:：]?|[①-⑳])+', '')
    end, '') || '|' || coalesce(case
        when regexp_replace(nullif(
        replace(replace(regexp_replace(coalesce(level2, ''), '[\s\x{3000}\x{00A0}]+', '', 'g'), '（', '('), '）', ')'),
        ''
    ), '^([(]?[0-9一二三四五六七八九十]+[)]?[.、．:：]?|[①-⑳])+', '') is null or regexp_replace(nullif(
        replace(replace(regexp_replace(coalesce(level2, ''), '[\s\x{3000}\x{00A0}]+', '', 'g'), '（', '('), '）', ')'),
        ''
    ), '^([(]?[0-9一二三四五六七八九十]+[)]?[.、．:：]?|[①-⑳])+', '') = '' then null
        when regexp_replace(nullif(
        replace(replace(regexp_replace(coalesce(level2, ''), '[\s\x{3000}\x{00A0}]+', '', 'g'), '（', '('), '）', ')'),
        ''
    ), '^([(]?[0-9一二三四五六七八九十]+[)]?[.、．:：]?|[①-⑳])+', '') like '%数量%' then '数量指标'
        when regexp_replace(nullif(
        replace(replace(regexp_replace(coalesce(level2, ''), '[\s\x{3000}\x{00A0}]+', '', 'g'), '（', '('), '）', ')'),
        ''
    ), '^([(]?[0-9一二三四五六七八九十]+[)]?[.、．:：]?|[①-⑳])+', '') like '%质量%' then '质量指标'
        when regexp_replace(nullif(
        replace(replace(regexp_replace(coalesce(level2, ''), '[\s\x{3000}\x{00A0}]+', '', 'g'), '（', '('), '）', ')'),
        ''
    ), '^([(]?[0-9一二三四五六七八九十]+[)]?[.、．:：]?|[①-⑳])+', '') like '%时效%' or regexp_replace(nullif(
        replace(replace(regexp_replace(coalesce(level2, ''), '[\s\x{3000}\x{00A0}]+', '', 'g'), '（', '('), '）', ')'),
        ''
    ), '^([(]?[0-9一二三四五六七八九十]+[)]?[.、．:：]?|[①-⑳])+', '') like '%进度%' then '时效指标'
        when regexp_replace(nullif(
        replace(replace(regexp_replace(coalesce(level2, ''), '[\s\x{3000}\x{00A0}]+', '', 'g'), '（', '('), '）', ')'),
        ''
    ), '^([(]?[0-9一二三四五六七八九十]+[)]?[.、．:：]?|[①-⑳])+', '') like '%经济成本%' then '经济成本指标'
        when regexp_replace(nullif(
        replace(replace(regexp_replace(coalesce(level2, ''), '[\s\x{3000}\x{00A0}]+', '', 'g'), '（', '('), '）', ')'),
        ''
    ), '^([(]?[0-9一二三四五六七八九十]+[)]?[.、．:：]?|[①-⑳])+', '') like '%社会成本%' then '社会成本指标'
        when regexp_replace(nullif(
        replace(replace(regexp_replace(coalesce(level2, ''), '[\s\x{3000}\x{00A0}]+', '', 'g'), '（', '('), '）', ')'),
        ''
    ), '^([(]?[0-9一二三四五六七八九十]+[)]?[.、．:：]?|[①-⑳])+', '') like '%生态%成本%' then '生态环境成本指标'
        when regexp_replace(nullif(
        replace(replace(regexp_replace(coalesce(level2, ''), '[\s\x{3000}\x{00A0}]+', '', 'g'), '（', '('), '）', ')'),
        ''
    ), '^([(]?[0-9一二三四五六七八九十]+[)]?[.、．:：]?|[①-⑳])+', '') like '%成本%' then '成本指标'
        when regexp_replace(nullif(
        replace(replace(regexp_replace(coalesce(level2, ''), '[\s\x{3000}\x{00A0}]+', '', 'g'), '（', '('), '）', ')'),
        ''
    ), '^([(]?[0-9一二三四五六七八九十]+[)]?[.、．:：]?|[①-⑳])+', '') like '%经济效益%' then '经济效益指标'
        when regexp_replace(nullif(
        replace(replace(regexp_replace(coalesce(level2, ''), '[\s\x{3000}\x{00A0}]+', '', 'g'), '（', '('), '）', ')'),
        ''
    ), '^([(]?[0-9一二三四五六七八九十]+[)]?[.、．:：]?|[①-⑳])+', '') like '%社会效益%' then '社会效益指标'
        when regexp_replace(nullif(
        replace(replace(regexp_replace(coalesce(level2, ''), '[\s\x{3000}\x{00A0}]+', '', 'g'), '（', '('), '）', ')'),
        ''
    ), '^([(]?[0-9一二三四五六七八九十]+[)]?[.、．:：]?|[①-⑳])+', '') like '%生态效益%' then '生态效益指标'
        when regexp_replace(nullif(
        replace(replace(regexp_replace(coalesce(level2, ''), '[\s\x{3000}\x{00A0}]+', '', 'g'), '（', '('), '）', ')'),
        ''
    ), '^([(]?[0-9一二三四五六七八九十]+[)]?[.、．:：]?|[①-⑳])+', '') like '%可持续%' then '可持续影响指标'
        when regexp_replace(nullif(
        replace(replace(regexp_replace(coalesce(level2, ''), '[\s\x{3000}\x{00A0}]+', '', 'g'), '（', '('), '）', ')'),
        ''
    ), '^([(]?[0-9一二三四五六七八九十]+[)]?[.、．:：]?|[①-⑳])+', '') like '%满意%' then '服务对象满意度指标'
        else regexp_replace(nullif(
        replace(replace(regexp_replace(coalesce(level2, ''), '[\s\x{3000}\x{00A0}]+', '', 'g'), '（', '('), '）', ')'),
        ''
    ), '^([(]?[0-9一二三四五六七八九十]+[)]?[.、．:：]?|[①-⑳])+', '')
    end, '')
        || '|' || nullif(regexp_replace(regexp_replace(nullif(
        replace(replace(regexp_replace(coalesce(name, ''), '[\s\x{3000}\x{00A0}]+', '', 'g'), '（', '('), '）', ')'),
        ''
    ), '^([(]?[0-9一二三四五六七八九十]+[)]?[.、．:：]?|[①-⑳])+', ''), '[:：;；,，.。、]+$', ''), '')
    ) end as indicator_key,
    case
        when achievement_basis <> 'compared' then null
        when target_op = '>=' then actual_in_target_unit >= target_value - 0.01
        when target_op = '>' then actual_in_target_unit > target_value
        when target_op = '<=' then actual_in_target_unit <= target_value + 0.01
        when target_op = '<' then actual_in_target_unit < target_value
        when target_op = '=' then abs(actual_in_target_unit - target_value) <= 0.01
    end as achieved
from comparable
  ) _dbt_internal_unit_test_actual
),
-- Build expected result
dbt_internal_unit_test_expected as (
  select
    "indicator_no", "achieved", "achievement_basis", 'expected' as "actual_or_expected"
  from (
    select 
    
    cast(0 as INTEGER)
 as "indicator_no", 
    
    cast(True as BOOLEAN)
 as "achieved", 
    
    cast('compared' as character varying)
 as "achievement_basis"
union all
select 
    
    cast(1 as INTEGER)
 as "indicator_no", 
    
    cast(False as BOOLEAN)
 as "achieved", 
    
    cast('compared' as character varying)
 as "achievement_basis"
union all
select 
    
    cast(2 as INTEGER)
 as "indicator_no", 
    
    cast(True as BOOLEAN)
 as "achieved", 
    
    cast('compared' as character varying)
 as "achievement_basis"
union all
select 
    
    cast(3 as INTEGER)
 as "indicator_no", 
    
    cast(False as BOOLEAN)
 as "achieved", 
    
    cast('compared' as character varying)
 as "achievement_basis"
union all
select 
    
    cast(4 as INTEGER)
 as "indicator_no", 
    
    cast(False as BOOLEAN)
 as "achieved", 
    
    cast('compared' as character varying)
 as "achievement_basis"
union all
select 
    
    cast(5 as INTEGER)
 as "indicator_no", 
    
    cast(True as BOOLEAN)
 as "achieved", 
    
    cast('compared' as character varying)
 as "achievement_basis"
union all
select 
    
    cast(6 as INTEGER)
 as "indicator_no", 
    
    cast(True as BOOLEAN)
 as "achieved", 
    
    cast('compared' as character varying)
 as "achievement_basis"
union all
select 
    
    cast(7 as INTEGER)
 as "indicator_no", 
    
    cast(False as BOOLEAN)
 as "achieved", 
    
    cast('compared' as character varying)
 as "achievement_basis"
union all
select 
    
    cast(8 as INTEGER)
 as "indicator_no", 
    
    cast(null as BOOLEAN)
 as "achieved", 
    
    cast('qualitative' as character varying)
 as "achievement_basis"
union all
select 
    
    cast(9 as INTEGER)
 as "indicator_no", 
    
    cast(null as BOOLEAN)
 as "achieved", 
    
    cast('unit_mismatch' as character varying)
 as "achievement_basis"
union all
select 
    
    cast(10 as INTEGER)
 as "indicator_no", 
    
    cast(null as BOOLEAN)
 as "achieved", 
    
    cast('missing_value' as character varying)
 as "achievement_basis"
union all
select 
    
    cast(11 as INTEGER)
 as "indicator_no", 
    
    cast(null as BOOLEAN)
 as "achieved", 
    
    cast('no_target_op' as character varying)
 as "achievement_basis"
union all
select 
    
    cast(12 as INTEGER)
 as "indicator_no", 
    
    cast(null as BOOLEAN)
 as "achieved", 
    
    cast('unknown_target_op' as character varying)
 as "achievement_basis"
  ) _dbt_internal_unit_test_expected
)
-- Union actual and expected results
select * from dbt_internal_unit_test_actual
union all
select * from dbt_internal_unit_test_expected