-- Grain: one source per run (run_id, source_id); every run is kept (crawl history).
{%- set columns = [
    ['run_id', 'varchar'], ['source_id', 'varchar'], ['pages', 'integer'], ['new', 'integer'],
    ['unchanged', 'integer'], ['reposts', 'integer'], ['errors', 'integer'],
    ['started_at', 'timestamp'], ['finished_at', 'timestamp'], ['error_message', 'varchar'],
] %}
{{ staged_table('crawl_stats', columns) }}
