"""Closed vocabularies of contracts/extraction-record.md that the suites check.

dbt/dbt_project.yml repeats them as vars (dbt cannot import Python); a test asserts the two
stay equal, so this module is the one to edit first.
"""

from __future__ import annotations

REPORT_KINDS: tuple[str, ...] = ("department_overall", "project")

BUDGET_STAGES: tuple[str, ...] = ("prior_year_final", "initial_budget", "adjusted_budget", "executed")

BUDGET_LINES: tuple[str, ...] = (
    "total",
    "general_public_budget",
    "government_fund",
    "state_capital",
    "special_account",
    "fiscal_funds",
    "unit_funds",
    "other_funds",
    "basic_expenditure",
    "project_expenditure",
    "personnel",
    "public_operating",
    "three_public",
    "official_vehicles",
    "vehicle_purchase",
    "vehicle_operation",
    "overseas_travel",
    "official_reception",
    "office",
    "utilities_travel",
    "meetings_training",
    "government_procurement",
    "project_item",
)

TARGET_OPS: tuple[str, ...] = (">=", ">", "<=", "<", "=", "qualitative")

GRADES: tuple[str, ...] = ("优", "良", "中", "差")

ORIGINS: tuple[str, ...] = ("table", "prose")

SEVERITIES: tuple[str, ...] = ("error", "warn")
