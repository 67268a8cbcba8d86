-- Grain: one calendar day (date_day), 2000-01-01 to 2049-12-31 — the time spine dbt's
-- semantic layer requires for the metrics in models/marts/_metrics.yml (they group by fiscal
-- year; MetricFlow joins its time dimensions through a day spine).  18,263 rows, static.
{{ config(materialized='table') }}
select cast(day as date) as date_day
from range(date '2000-01-01', date '2050-01-01', interval 1 day) as days(day)
