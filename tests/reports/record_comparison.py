"""How round-trip tests compare an extracted record with the generator's ground truth.

Facts and indicators as multisets of their scored fields, numbers to 2 decimals:
order and evidence strings do not matter, every value does.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

MISSING = "<missing>"
INDICATOR_FIELDS = (
    "name",
    "level1",
    "level2",
    "target_op",
    "target_value",
    "actual_value",
    "weight",
    "score",
)


def rounded(value: Any) -> Any:
    """Numbers to 2 decimals, texts with their white space folded away (the contract compares texts
    "after folding white space"), anything else as it is."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return round(float(value), 2)
    if isinstance(value, str):
        return re.sub(r"\s+", "", value)
    return value


def fact_counts(record: dict[str, Any]) -> Counter:
    return Counter(
        (f["line"], f["item"], f["stage"], rounded(f["amount_wan_yuan"])) for f in record["budget_facts"]
    )


def indicator_counts(record: dict[str, Any]) -> Counter:
    """A field the record leaves out (rather than null) counts as "<missing>", so it shows as a
    difference and not as a KeyError."""
    return Counter(tuple(rounded(i.get(f, MISSING)) for f in INDICATOR_FIELDS) for i in record["indicators"])


def assert_extracts_to_its_truth(record: dict[str, Any], truth: dict[str, Any]) -> None:
    """The record read back from a rendered spec holds exactly the spec's report fields, facts
    and indicators."""
    assert record["error"] is None
    # The contract's fields; the record may carry more (its title, where each field was read).
    assert {k: rounded(record["report"].get(k)) for k in truth["report"]} == {
        k: rounded(v) for k, v in truth["report"].items()
    }
    assert fact_counts(record) == fact_counts(truth)
    assert indicator_counts(record) == indicator_counts(truth)
