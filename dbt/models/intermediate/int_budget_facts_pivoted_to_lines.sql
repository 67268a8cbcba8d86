-- Grain: one report × budget line × item (item null for whole-line figures); the four
-- stages side by side, amounts in 万元 (rules: macros/report_records.sql pivot_budget_lines).
{{ pivot_budget_lines(ref('int_budget_facts_cleared')) }}
