"""Apache Superset for govperf: its own locked virtualenv, set-up on SQLite metadata, and the
dashboards kept as code (``dashboards/``, Superset's export bundle).  See ``manage.py``."""
