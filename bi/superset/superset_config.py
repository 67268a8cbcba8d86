"""Superset settings for govperf's dashboards (read by Superset through SUPERSET_CONFIG_PATH).

Every deployment value comes from the environment (bi/superset/README.md lists them); this
file holds only what follows from the warehouse: Chinese UI, SQLite metadata, no result cache
(each chart asks DuckDB, so a new night shows as soon as it is published) and a SQL Lab that
can only read.
"""

from __future__ import annotations

import os
from pathlib import Path

_HOME = Path(os.environ.get("SUPERSET_HOME", Path(__file__).resolve().parent / ".state"))

# Signs sessions and encrypts the database passwords Superset stores (the warehouse has none).
# `python -m bi.superset setup` writes a random one into SUPERSET_HOME when none is given.
SECRET_KEY = os.environ.get("SUPERSET_SECRET_KEY") or (_HOME / "secret_key").read_text().strip()

# Metadata (users, dashboards, charts) in SQLite: one file, nothing to run beside Superset.
SQLALCHEMY_DATABASE_URI = os.environ.get(
    "SUPERSET_METADATA_URI", f"sqlite:///{_HOME / 'superset.db'}?check_same_thread=false"
)

# The dashboards' titles and labels are Chinese; so is the UI.
BABEL_DEFAULT_LOCALE = os.environ.get("SUPERSET_LOCALE", "zh")
LANGUAGES = {"zh": {"flag": "cn", "name": "简体中文"}, "en": {"flag": "us", "name": "English"}}

# No result cache: a cached chart would keep showing last night's numbers after a publish.
# DuckDB answers the dashboards' queries in tens of milliseconds (README, Size and speed).
DATA_CACHE_CONFIG = {"CACHE_TYPE": "NullCache"}
CACHE_CONFIG = {"CACHE_TYPE": "NullCache"}

# Table charts render the <a> link from a fact to its source document (allow_render_html);
# Superset sanitizes that HTML (no scripts).
HTML_SANITIZATION = True

# Served on loopback or behind the operator's own TLS proxy; Superset's assets come from its
# wheel (no CDN), so an offline network loses nothing.  SUPERSET_TALISMAN=true turns on
# Talisman's security headers.
TALISMAN_ENABLED = os.environ.get("SUPERSET_TALISMAN", "false").lower() == "true"
CONTENT_SECURITY_POLICY_WARNING = False
WTF_CSRF_ENABLED = True
ROW_LIMIT = 50000

# No telemetry, no map tiles from outside (offline networks).
MAPBOX_API_KEY = ""
SCARF_ANALYTICS = False
