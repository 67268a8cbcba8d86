-- Grain: one source per run (run_id, source_id); every run kept (crawl history).
{{ per_run_config() }}
{{ staged_table('crawl_stats', [
    ['run_id', 'varchar'], ['source_id', 'varchar'], ['pages', 'integer'], ['new', 'integer'],
    ['unchanged', 'integer'], ['reposts', 'integer'], ['errors', 'integer'],
    ['started_at', 'timestamp'], ['finished_at', 'timestamp'], ['error_message', 'varchar'],
], skip_loaded_runs=true) }}
