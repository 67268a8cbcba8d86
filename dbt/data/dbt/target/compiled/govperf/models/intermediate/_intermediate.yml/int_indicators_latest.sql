
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