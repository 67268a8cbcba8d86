"""Warehouse scale bench: synthetic staging batches for N reports, dbt build full vs incremental,
and the example analytic queries' latency (``python -m bench.warehouse --help``)."""
