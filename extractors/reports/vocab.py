"""The vocabulary of the templates' tables: budget lines, stages, indicator columns, key fields.

Why data, not code: the Ministry templates and their provincial variants name
the same thing many ways (全年执行数 / 预算执行数 / 实际支出); the phrases live in
lexicon.yaml (section ``tables``) beside the prose cues, and a new variant is one
more entry there.  This module compiles them and keeps the few readings that are
logic rather than words (a header naming a year).  Order matters: more specific
phrases come before phrases they contain.
"""

from __future__ import annotations

import functools
import re

from extractors import contract
from extractors.reports.lexicon import lexicon

_TABLES = lexicon().tables

# (pattern on a cleaned row label, contract line), from lexicon.yaml. First match wins.
LINE_PATTERNS: tuple[tuple[str, str], ...] = _TABLES.lines
_LINE_REGEXES = tuple((re.compile(p), line) for p, line in LINE_PATTERNS)

# Lines whose all-zero row still states a real figure (a section total of the base-data table).
SECTION_TOTAL_LINES = frozenset({"three_public", "project_expenditure", "public_operating"})
REVENUE_LINES = frozenset(contract.REVENUE_LINES)
EXPENDITURE_LINES = frozenset(contract.EXPENDITURE_LINES)

PLACEHOLDER_LABEL = re.compile(_TABLES.placeholder_label)


def match_line(label: str) -> str | None:
    """The contract line a cleaned row label names, or None."""
    if not label or PLACEHOLDER_LABEL.search(label):
        return None
    for regex, line in _LINE_REGEXES:
        if regex.search(label):
            return line
    return None


_STAGE_HEADERS = tuple((re.compile(pattern), role) for pattern, role in _TABLES.stage_headers)


@functools.lru_cache(maxsize=8192)
def header_role(text: str, fiscal_year: int | None) -> str | None:
    """Role of a money-block column header: a stage, or weight / rate / score.

    Cached: every cell of every row is asked for its role, and the same few headers and
    figures come back again and again."""
    t = re.sub(r"[（(][^（）()]*[）)]", "", text)  # "(万元)", "（A）", "(B/A)"
    t = re.sub(r"[\s（）()万元:：]", "", t)
    if not t or len(t) > 20:
        return None
    year_match = re.match(r"^(\d{4})年度?(预算数|决算数|预算|决算|执行数)$", t)
    if year_match:
        year, what = int(year_match.group(1)), year_match.group(2)
        if fiscal_year is not None and year < fiscal_year:
            return "prior_year_final" if "决算" in what or "执行" in what else None
        return "initial_budget" if "预算" in what else "executed"
    for regex, role in _STAGE_HEADERS:
        if regex.search(t):
            return role
    return None


STAGES = ("prior_year_final", "initial_budget", "adjusted_budget", "executed")

# Indicator table columns (pattern on the compacted header text → field), from lexicon.yaml.
INDICATOR_COLUMNS: tuple[tuple[str, str], ...] = _TABLES.indicator_columns

KEY_FIELDS: tuple[tuple[str, str], ...] = _TABLES.key_fields
TOTAL_ROW = re.compile(_TABLES.total_row)

# The standard framework's 二级 → 一级 指标 (财预〔2020〕10号): used only where a 一级 cell prints
# nothing but its points ("（50分）"), so the group name must come from its 二级指标.
LEVEL1_OF_LEVEL2: tuple[tuple[str, str], ...] = _TABLES.level1_of_level2


def level1_for(level2: str | None) -> str | None:
    """The 一级指标 a 二级指标 belongs to in the standard framework, or None when it is not one of them."""
    if not level2:
        return None
    for pattern, level1 in LEVEL1_OF_LEVEL2:
        if re.search(pattern, level2):
            return level1
    return None
