-- Grain: one budget line code (line) of the extraction contract's vocabulary, with its Chinese
-- label as reports print it, its group and its display order (seed budget_lines), so a BI tool
-- shows 财政资金 rather than fiscal_funds and sorts lines as a 绩效自评表 does.
select line, line_label, line_group, sort_order::integer as sort_order
from {{ ref('budget_lines') }}
