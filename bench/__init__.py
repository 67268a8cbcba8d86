"""govperf's benchmarks: extraction rate, parallel scaling, end to end, nothing-new reruns, warehouse.

Run them all with ``python -m bench`` (or ``make bench``); ``--quick`` keeps the
end-to-end portals at 10 and 100 reports.  Every figure is a ratio or a per-unit
rate measured side by side in one run, written as a table and as JSON.
"""
