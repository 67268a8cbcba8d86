-- Grain: one indicator (report_id, indicator_no), from its report's latest run.
{{ from_latest_run('indicators', [
    ['report_id', 'varchar'], ['indicator_no', 'integer'], ['level1', 'varchar'],
    ['level2', 'varchar'], ['name', 'varchar'], ['target_text', 'varchar'],
    ['actual_text', 'varchar'], ['target_op', 'varchar'], ['target_value', 'double'],
    ['target_unit', 'varchar'], ['actual_value', 'double'], ['actual_unit', 'varchar'],
    ['weight', 'double'], ['score', 'double'], ['deviation_reason', 'varchar'],
    ['evidence', 'varchar'], ['origin', 'varchar'], ['run_id', 'varchar'],
]) }}
