-- Grain: one report × indicator (report_id, indicator_no).
select
    report_id || ':' || indicator_no as indicator_id,
    report_id,
    indicator_no,
    level1,
    level2,
    name,
    target_text,
    actual_text,
    target_op,
    target_value,
    target_unit,
    actual_value,
    actual_unit,
    weight,
    score,
    achieved,
    achievement_basis,
    deviation_reason,
    origin,
    run_id
from {{ ref('int_indicators_judged') }}
