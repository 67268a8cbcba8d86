"""The closed vocabularies of contracts/extraction-record.md, defined once.

The extractor emits them, the quality suites check them (expectations.vocabulary)
and dbt tests them (its vars repeat them, since dbt cannot import Python; a test
asserts the copies agree).  Groups of lines that add up to a total live here too,
so the extractor's reading of a breakdown and the suite that checks its sum agree.
"""

from __future__ import annotations

REPORT_KINDS: tuple[str, ...] = ("department_overall", "project")

BUDGET_STAGES: tuple[str, ...] = ("prior_year_final", "initial_budget", "adjusted_budget", "executed")

# 按收入性质分 / 资金来源: the parts a budget is funded from.
REVENUE_LINES: tuple[str, ...] = (
    "general_public_budget",
    "government_fund",
    "state_capital",
    "special_account",
    "fiscal_funds",
    "unit_funds",
    "other_funds",
)

# 按支出性质分: 基本支出 + 项目支出 = the total.
EXPENDITURE_LINES: tuple[str, ...] = ("basic_expenditure", "project_expenditure")

# A department's spending detail: personnel and operating costs, 三公经费 and their parts,
# procurement — lines only a department (or unit) report states.
DEPARTMENT_DETAIL_LINES: tuple[str, ...] = (
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
)

BUDGET_LINES: tuple[str, ...] = (
    "total",
    *REVENUE_LINES,
    *EXPENDITURE_LINES,
    *DEPARTMENT_DETAIL_LINES,
    "project_item",
)

TARGET_OPS: tuple[str, ...] = (">=", ">", "<=", "<", "=", "qualitative")

GRADES: tuple[str, ...] = ("优", "良", "中", "差")

ORIGINS: tuple[str, ...] = ("table", "prose")
