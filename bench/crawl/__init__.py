"""Crawler throughput on the bundled sample portal: first run and an immediate rerun.

``python -m bench.crawl`` prints a table and writes JSON; see ``crawl_bench.py``.
"""
