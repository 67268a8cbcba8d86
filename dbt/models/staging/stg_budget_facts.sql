-- Grain: one budget fact (report_id, fact_no), from its report's latest run.
{{ from_latest_run('budget_facts', [
    ['report_id', 'varchar'], ['fact_no', 'integer'], ['line', 'varchar'], ['stage', 'varchar'],
    ['item', 'varchar'], ['amount_wan_yuan', 'double'], ['evidence', 'varchar'],
    ['origin', 'varchar'], ['page', 'integer'], ['run_id', 'varchar'],
]) }}
