"""Across documents: one report (unit, fiscal year, kind, project) published twice with different figures.

Portals repost a report as a new file (a corrected version, another format, another column)
and the two files do not always agree.  Which one is right cannot be told from the data, so
the rule warns on *both* documents and quarantines neither: the newer one is not silently
preferred, and the older one's figures are not silently dropped.

The batch is compared with itself and with the reports staged by earlier runs — the run
folder's siblings ``run=*`` under the staging dir — taking each earlier report's latest
extraction (the rule dbt's staging models follow: newest extracted_at, then run id).  Two
documents "differ" when a figure both state differs: self_score, or a budget statement
(line, stage, item) as the warehouse uses it.  A figure only one of them states is not a
difference: extractions of two formats of one report rarely find exactly the same facts.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Hashable, Mapping
from pathlib import Path

import duckdb
import pandas as pd

from expectations.computed import used_statements
from expectations.settings import QualitySettings
from expectations.text import fold_text

logger = logging.getLogger(__name__)

TWIN_TABLES: tuple[str, ...] = ("documents", "reports", "budget_facts")
_SHOWN_DIFFERENCES = 3  # per twin in the observed text; the rest are counted


def report_key(unit_name: object, fiscal_year: object, report_kind: object, project_name: object) -> Hashable:
    """What makes two documents the same report, or None where the report cannot be keyed
    (a project report without a project name would collide with the unit's other projects)."""
    unit = fold_text(unit_name)
    kind = fold_text(report_kind)
    if unit is None or kind is None or fiscal_year is None or pd.isna(fiscal_year):
        return None
    project = fold_text(project_name) if kind == "project" else ""
    if project is None:
        return None
    return (unit, int(fiscal_year), kind, project)


def earlier_run_dirs(run_dir: Path) -> list[Path]:
    """Sibling run folders holding a complete staged batch (half-written ``.partial`` ones and
    folders lacking a table are skipped, the latter with a warning)."""
    folders = []
    for folder in sorted(run_dir.parent.glob("run=*")):
        if folder == run_dir or folder.name.endswith(".partial") or not folder.is_dir():
            continue
        missing = [table for table in TWIN_TABLES if not (folder / f"{table}.parquet").is_file()]
        if missing:
            logger.warning("%s lacks %s: not compared across documents", folder, ", ".join(missing))
            continue
        folders.append(folder)
    return folders


def load_earlier(run_dir: Path, keys: set[Hashable]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(reports, budget_facts) of the earlier runs' latest extractions whose key is in ``keys``."""
    folders = earlier_run_dirs(run_dir)
    if not folders or not keys:
        return pd.DataFrame(), pd.DataFrame()

    def files(table: str) -> str:
        return "[" + ", ".join(_literal(folder / f"{table}.parquet") for folder in folders) + "]"

    options = "union_by_name = true, hive_partitioning = false"
    with duckdb.connect() as connection:
        reports = connection.execute(
            f"""
            with ranked as (
                select report_id, run_id, row_number() over (
                    partition by report_id order by extracted_at desc nulls last, run_id desc
                ) as recency
                from read_parquet({files("documents")}, {options})
            )
            select reports.*
            from read_parquet({files("reports")}, {options}) as reports
            inner join ranked
                on ranked.report_id = reports.report_id and ranked.run_id = reports.run_id
            where ranked.recency = 1
            """
        ).df()
        reports = reports[report_keys(reports).isin(keys)]
        if reports.empty:
            return reports, pd.DataFrame()
        wanted = reports[["report_id", "run_id"]]
        connection.register("wanted", wanted)
        facts = connection.execute(
            f"""
            select facts.*
            from read_parquet({files("budget_facts")}, {options}) as facts
            inner join wanted using (report_id, run_id)
            """
        ).df()
    return reports.reset_index(drop=True), facts


def twin_checks(
    reports: pd.DataFrame,
    facts: pd.DataFrame,
    earlier_reports: pd.DataFrame,
    earlier_facts: pd.DataFrame,
    settings: QualitySettings,
) -> pd.DataFrame:
    """Every report of the batch plus each earlier report that disagrees with one of them, with
    ``figures_agree_with_twins`` (None: no twin; True: every twin agrees; False: one differs)
    and ``twins_observed`` (which twin, where, which figures)."""
    batch = reports.assign(_where="this run")
    if not earlier_reports.empty:
        earlier = earlier_reports[~earlier_reports["report_id"].isin(batch["report_id"])]
        earlier = earlier.assign(_where="run " + earlier["run_id"].astype(str))
        candidates = pd.concat([batch, earlier], ignore_index=True)
        all_facts = pd.concat([facts, earlier_facts[earlier_facts["report_id"].isin(earlier["report_id"])]])
    else:
        candidates, all_facts = batch.reset_index(drop=True), facts
    candidates = candidates.assign(_key=report_keys(candidates)).drop_duplicates("report_id")
    in_batch = set(batch["report_id"])

    groups: dict[Hashable, list[int]] = defaultdict(list)
    for position, key in enumerate(candidates["_key"]):
        if key is not None:
            groups[key].append(position)
    shared = {key: members for key, members in groups.items() if len(members) > 1}
    involved_ids = {candidates.iloc[i]["report_id"] for members in shared.values() for i in members}
    figures = _figures(candidates[candidates["report_id"].isin(involved_ids)], all_facts)

    findings: dict[str, list[str]] = defaultdict(list)
    compared: set[str] = set()
    for members in shared.values():
        rows = [candidates.iloc[i] for i in sorted(members, key=lambda i: candidates.iloc[i]["report_id"])]
        for first_index, first in enumerate(rows):
            for second in rows[first_index + 1 :]:
                if first["report_id"] not in in_batch and second["report_id"] not in in_batch:
                    continue  # two earlier documents were compared when the later of them was staged
                compared.update((first["report_id"], second["report_id"]))
                differences = _differences(
                    figures[first["report_id"]], figures[second["report_id"]], settings
                )
                if differences:
                    findings[first["report_id"]].append(_describe(second, differences))
                    swapped = [(name, theirs, mine) for name, mine, theirs in differences]
                    findings[second["report_id"]].append(_describe(first, swapped))

    keep = candidates["report_id"].isin(in_batch) | candidates["report_id"].isin(findings.keys())
    frame = candidates[keep].drop(columns=["_where", "_key"]).reset_index(drop=True)
    frame["figures_agree_with_twins"] = pd.Series(
        [(report_id not in findings) if report_id in compared else None for report_id in frame["report_id"]],
        index=frame.index,
        dtype=object,
    )
    frame["twins_observed"] = ["; ".join(findings[report_id]) or None for report_id in frame["report_id"]]
    return frame


def report_keys(reports: pd.DataFrame) -> pd.Series:
    """``report_key`` of every row (None where a report cannot be keyed)."""
    return pd.Series(
        [
            report_key(*values)
            for values in zip(
                reports["unit_name"],
                reports["fiscal_year"],
                reports["report_kind"],
                reports["project_name"],
                strict=True,
            )
        ],
        index=reports.index,
        dtype=object,
    )


def _figures(reports: pd.DataFrame, facts: pd.DataFrame) -> dict[str, dict[str, float]]:
    """report_id → {figure name: value} for the figures the rule compares."""
    figures: dict[str, dict[str, float]] = {report_id: {} for report_id in reports["report_id"]}
    for report_id, score in zip(reports["report_id"], reports["self_score"], strict=True):
        if pd.notna(score):
            figures[report_id]["self_score"] = float(score)
    relevant = facts[facts["report_id"].isin(figures.keys())]
    if not relevant.empty:
        statements = used_statements(relevant)
        for row in statements.itertuples(index=False):
            if pd.notna(row.amount_wan_yuan):
                name = f"{row.line}/{row.stage}" + (f"/{row.item_key}" if row.item_key else "")
                figures[row.report_id][name] = float(row.amount_wan_yuan)
    return figures


def _differences(
    first: Mapping[str, float], second: Mapping[str, float], settings: QualitySettings
) -> list[tuple[str, float, float]]:
    return [
        (name, first[name], second[name])
        for name in sorted(first.keys() & second.keys())
        if abs(first[name] - second[name]) > settings.amount_tolerance
    ]


def _describe(twin: pd.Series, differences: list[tuple[str, float, float]]) -> str:
    """``differences``: (figure, this document's value, the twin's value)."""
    shown = ", ".join(
        f"{name} {mine:g} vs {theirs:g}" for name, mine, theirs in differences[:_SHOWN_DIFFERENCES]
    )
    more = len(differences) - _SHOWN_DIFFERENCES
    return f"also published as {twin['report_id']} ({twin['_where']}): {shown}" + (
        f" and {more} more" if more > 0 else ""
    )


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"
