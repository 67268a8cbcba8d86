
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