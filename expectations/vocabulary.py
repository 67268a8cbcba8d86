"""Closed vocabularies the suites check: the contract's (extractors.contract) and severities.

dbt/dbt_project.yml repeats them as vars (dbt cannot import Python); a test asserts the two
stay equal, so extractors.contract is the one to edit first.
"""

from __future__ import annotations

from extractors.contract import (
    BUDGET_LINES,
    BUDGET_STAGES,
    GRADES,
    ORIGINS,
    REPORT_KINDS,
    TARGET_OPS,
)

__all__ = ["BUDGET_LINES", "BUDGET_STAGES", "GRADES", "ORIGINS", "REPORT_KINDS", "SEVERITIES", "TARGET_OPS"]

SEVERITIES: tuple[str, ...] = ("error", "warn")
