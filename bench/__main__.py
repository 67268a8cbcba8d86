"""``python -m bench``: run the benchmarks, print the table, write the JSON (see bench/runner.py)."""

import sys

from bench.runner import main

sys.exit(main())
