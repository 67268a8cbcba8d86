"""The on-disk format of a built sample portal, shared by the builder and the server.

Why separate: the server must read what the builder wrote without importing the
builder (which pulls in every renderer), and both must agree on one request-key
normalisation.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit

MANIFEST_NAME = "site.json"
GROUND_TRUTH_NAME = "ground_truth.jsonl"
SITE_FOLDER = "site"


def canonical_target(target: str) -> str:
    """Path plus sorted query, so ``?a=1&b=2`` and ``?b=2&a=1`` name the same resource."""
    parts = urlsplit(target)
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return parts.path + (f"?{query}" if query else "")
