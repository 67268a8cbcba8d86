"""BI front ends shipped with govperf (Superset: ``bi.superset``)."""
