"""govperf: budget-performance self-evaluation reports → a DuckDB warehouse.

The library behind the nightly DAG and the ``python -m extractors`` CLI.
Importable without Airflow, dbt or Great Expectations: those are imported
only inside the functions that need them, so DAG parsing stays fast.
"""

__version__ = "0.1.0"
