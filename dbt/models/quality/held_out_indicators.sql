-- Grain: one indicator (report_id, indicator_no) of a report's latest extraction held out of
-- the marts by a quarantine of the indicator (scope record) or of its report (scope report),
-- with what was printed and the reason.
{{ held_out_records('stg_indicators', 'indicators', 'indicator_no') }}
