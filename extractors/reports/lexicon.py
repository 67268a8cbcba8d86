"""The printed-phrase lexicon (lexicon.yaml), loaded once and compiled.

Why a module: the readers of tables and prose look phrases up here instead of carrying
their own word lists, so a wording seen in a new template is added in one place.
"""

from __future__ import annotations

import importlib.resources
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import yaml


@dataclass(frozen=True)
class StageCue:
    """A phrase that says which stage an amount is, and how surely."""

    pattern: re.Pattern[str]
    stage: str | None  # None for a weak cue: "a budget figure", stage taken from elsewhere
    strong: bool


@dataclass(frozen=True)
class TableLexicon:
    """What table cells say: (pattern, meaning) pairs in first-match order, and single patterns."""

    lines: tuple[tuple[str, str], ...]
    placeholder_label: str
    stage_headers: tuple[tuple[str, str], ...]
    indicator_columns: tuple[tuple[str, str], ...]
    key_fields: tuple[tuple[str, str], ...]
    total_row: str
    level1_of_level2: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Lexicon:
    stage_cues: tuple[StageCue, ...]
    stage_cues_after: tuple[tuple[re.Pattern[str], str], ...]
    not_a_budget_fact: re.Pattern[str]
    level_share: re.Pattern[str]
    prose_lines: tuple[tuple[re.Pattern[str], str | None], ...]
    fund_sources: tuple[tuple[re.Pattern[str], str], ...]
    list_openers: re.Pattern[str]
    item_not_a_name: re.Pattern[str]
    section_stage_hints: tuple[tuple[re.Pattern[str], str], ...]
    budget_revenue: re.Pattern[str]
    cue_blind: re.Pattern[str]
    tables: TableLexicon


def _alternation(patterns: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The compiled lexicon (read from the package data once per process)."""
    resource = importlib.resources.files("extractors.reports").joinpath("lexicon.yaml")
    text = resource.read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    cues = data["prose_stage_cues"]
    stage_cues = [
        StageCue(re.compile(pattern), stage, True)
        for stage, patterns in cues["strong"].items()
        for pattern in patterns
    ]
    stage_cues += [StageCue(re.compile(pattern), None, False) for pattern in cues["weak"]]
    return Lexicon(
        stage_cues=tuple(stage_cues),
        stage_cues_after=tuple(
            (re.compile(pattern), stage)
            for stage, patterns in data["prose_stage_cues_after"].items()
            for pattern in patterns
        ),
        not_a_budget_fact=_alternation(data["prose_not_a_budget_fact"]),
        level_share=re.compile(data["prose_level_share"]),
        prose_lines=tuple((re.compile(entry["pattern"]), entry["line"]) for entry in data["prose_lines"]),
        fund_sources=tuple(
            (re.compile(pattern), line) for line, pattern in data["prose_fund_sources"].items()
        ),
        list_openers=re.compile(data["prose_list_openers"]),
        item_not_a_name=re.compile(data["prose_item_not_a_name"]),
        section_stage_hints=tuple(
            (re.compile(pattern), stage) for stage, pattern in data["section_stage_hints"].items()
        ),
        budget_revenue=re.compile(data["prose_budget_revenue"]),
        cue_blind=re.compile(data["prose_cue_blind"]),
        tables=_table_lexicon(data["tables"]),
    )


def _pairs(entries: list[dict[str, str]], meaning: str) -> tuple[tuple[str, str], ...]:
    pairs = []
    for entry in entries:
        re.compile(entry["pattern"])  # a broken pattern fails when the lexicon loads, not mid-run
        pairs.append((entry["pattern"], entry[meaning]))
    return tuple(pairs)


def _table_lexicon(data: dict[str, Any]) -> TableLexicon:
    return TableLexicon(
        lines=_pairs(data["lines"], "line"),
        placeholder_label=data["placeholder_label"],
        stage_headers=_pairs(data["stage_headers"], "role"),
        indicator_columns=_pairs(data["indicator_columns"], "field"),
        key_fields=_pairs(data["key_fields"], "field"),
        total_row=data["total_row"],
        level1_of_level2=_pairs(data["level1_of_level2"], "level1"),
    )
