"""A small staging folder of two runs that exercises every rule of the warehouse models.

Run 1 (older):  R_CLEAN   clean project report (total, fiscal funds, a named project item);
                its prose restates the adjusted total with another figure (a warning only)
                R_REDONE  department report whose fact 0 is negative (quarantined in run 1)
                R_BADYEAR fiscal_year 1999: quarantined at report level
                R_BADREC  fact 1 negative and indicator 1 with a negative weight: record level;
                its unit name differs from R_CLEAN's only by spaces: one unit; its grade 良好
                is outside the vocabulary: a warning in GX and in dbt, never a failed build
                R_BROKEN  document whose extraction failed (no report rows)
Run 2 (newer):  R_REDONE  re-extracted, now clean with other amounts: the latest run wins
                R_NEXTYEAR R_CLEAN's unit a year later, printed without the city prefix and with
                a 本级 qualifier: still one unit in dim_unit
run=<3>.partial a newest but half-written batch re-extracting R_CLEAN: must be ignored
Run 3 (newest, used alone by the batch test): R_CLEAN re-extracted with fiscal year 1999 (now
                quarantined at report level) and R_NEXTYEAR whose re-extraction failed: both
                leave the marts

quality_results are produced by the real suites (expectations.validate_run), so these tests
also prove the contract between validate and dbt.  A module of its own (not conftest) so test
modules import it by a name unique in the suite.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from extractors.staging import write_batch

RUN_1 = "2026-11-20T02-00-00"
RUN_2 = "2026-11-21T02-00-00"
STALE_RUN = "2026-11-22T02-00-00"
RUN_3 = "2026-11-23T02-00-00"
R_CLEAN, R_REDONE, R_BADYEAR, R_BADREC, R_BROKEN, R_NEXTYEAR = (
    f"{n:x}" * 16 for n in (0xA, 0xB, 0xC, 0xD, 0xE, 0xF)
)


def _document(report_id: str, run_id: str, extracted_at: datetime, **extra: object) -> dict:
    return {
        "sha256": report_id + "0" * 48,
        "report_id": report_id,
        "source_id": "sample-portal",
        "source_url": f"http://127.0.0.1:8765/{report_id}.pdf",
        "file_name": f"{report_id}.pdf",
        "format": "pdf",
        "page_count": 3,
        "title": "绩效自评",
        "published_at": datetime(2024, 3, 1).date(),
        "fetched_at": extracted_at.replace(minute=0),
        "extractor_version": "1",
        "extracted_at": extracted_at,
        "run_id": run_id,
        **extra,
    }


def _report(report_id: str, run_id: str, **extra: object) -> dict:
    return {
        "report_id": report_id,
        "sha256": report_id + "0" * 48,
        "report_kind": "project",
        "fiscal_year": 2023,
        "unit_name": "株洲市芦淞区城市管理综合行政执法大队",
        "province": "湖南省",
        "city": "株洲市",
        "county": "芦淞区",
        "self_score": 94.0,
        "grade": "优",
        "run_id": run_id,
        **extra,
    }


def _facts(report_id: str, run_id: str, rows: list[tuple]) -> list[dict]:
    """Facts from (line, stage, item, amount[, origin]) tuples, origin 'table' unless given."""
    return [
        {
            "report_id": report_id,
            "fact_no": number,
            "line": line,
            "stage": stage,
            "item": item,
            "amount_wan_yuan": amount,
            "evidence": f"{stage} {amount}",
            "origin": origin[0] if origin else "table",
            "run_id": run_id,
        }
        for number, (line, stage, item, amount, *origin) in enumerate(rows)
    ]


def _indicator(report_id: str, run_id: str, number: int, **values: object) -> dict:
    return {"report_id": report_id, "indicator_no": number, "origin": "table", "run_id": run_id, **values}


def run_1_tables() -> dict[str, list[dict]]:
    at = datetime(2026, 11, 20, 2, 30)
    facts = (
        _facts(
            R_CLEAN,
            RUN_1,
            [
                ("total", "adjusted_budget", None, 121.0, "prose"),  # the table's 120 wins
                ("total", "initial_budget", None, 100.0),
                ("total", "adjusted_budget", None, 120.0),
                ("total", "executed", None, 114.0),
                ("fiscal_funds", "adjusted_budget", None, 120.0),
                ("fiscal_funds", "executed", None, 114.0),
                ("project_item", "adjusted_budget", "协管员经费", 0.0),
                ("project_item", "executed", "协管员经费", 0.0),
                ("three_public", "prior_year_final", None, 3.5),
            ],
        )
        + _facts(
            R_REDONE, RUN_1, [("total", "adjusted_budget", None, -5.0), ("total", "executed", None, 1.0)]
        )
        + _facts(R_BADYEAR, RUN_1, [("total", "executed", None, 7.0)])
        + _facts(
            R_BADREC,
            RUN_1,
            [
                ("total", "adjusted_budget", None, 200.0),
                ("total", "executed", None, -1.0),
                ("other_funds", "executed", None, 10.0),
            ],
        )
    )
    indicators = [
        _indicator(
            R_CLEAN,
            RUN_1,
            0,
            name="预算执行率",
            target_op="=",
            target_value=100.0,
            target_unit="%",
            actual_value=95.0,
            actual_unit="%",
            weight=10.0,
            score=9.5,
        ),
        _indicator(
            R_CLEAN,
            RUN_1,
            1,
            level1="产出指标",
            level2="数量指标",
            name="执法案件查处数",
            target_text="200起以上",
            actual_text="401",
            target_op=">=",
            target_value=200.0,
            target_unit="起",
            actual_value=401.0,
            weight=50.0,
            score=50.0,
        ),
        _indicator(
            R_CLEAN,
            RUN_1,
            2,
            level1="效益指标",
            level2="社会效益指标",
            name="投诉率",
            target_text="≤5%",
            actual_text="8％",
            target_op="<=",
            target_value=5.0,
            target_unit="%",
            actual_value=8.0,
            actual_unit="％",
            weight=30.0,
            score=20.0,
        ),
        _indicator(
            R_CLEAN,
            RUN_1,
            3,
            level1="效益指标",
            level2="可持续影响指标",
            name="市容环境",
            target_text="持续改善",
            actual_text="改善",
            target_op="qualitative",
            weight=10.0,
            score=10.0,
        ),
        _indicator(
            R_CLEAN,
            RUN_1,
            4,
            level1="产出指标",
            level2="质量指标",
            name="道路保洁面积",
            target_op=">=",
            target_value=10.0,
            target_unit="万平方米",
            actual_value=12.0,
            actual_unit="平方公里",
            weight=0.0,
            score=0.0,
        ),
        _indicator(
            R_BADREC,
            RUN_1,
            0,
            level1="产出指标",
            name="检查次数",
            target_op=">=",
            target_value=12.0,
            actual_value=12.0,
            weight=10.0,
            score=10.0,
        ),
        _indicator(
            R_BADREC,
            RUN_1,
            1,
            level1="产出指标",
            name="培训人次",
            target_op=">",
            target_value=12.0,
            actual_value=12.0,
            weight=-10.0,
            score=5.0,
        ),
    ]
    return {
        "documents": [
            _document(R_CLEAN, RUN_1, at),
            _document(R_REDONE, RUN_1, at),
            _document(R_BADYEAR, RUN_1, at),
            _document(R_BADREC, RUN_1, at),
            _document(R_BROKEN, RUN_1, at, error_kind="unreadable_pdf", error_message="no text layer"),
        ],
        "reports": [
            _report(R_CLEAN, RUN_1, project_name="协管员经费", department_name="芦淞区城管局"),
            _report(R_REDONE, RUN_1, report_kind="department_overall", unit_name="株洲市芦淞区财政局"),
            _report(R_BADYEAR, RUN_1, fiscal_year=1999),
            _report(R_BADREC, RUN_1, unit_name=" 株洲市芦淞区\u3000城市管理综合行政执法大队 ", grade="良好"),
        ],
        "budget_facts": facts,
        "indicators": indicators,
        "crawl_stats": [
            {
                "run_id": RUN_1,
                "source_id": "sample-portal",
                "pages": 3,
                "new": 5,
                "unchanged": 0,
                "reposts": 0,
                "errors": 0,
                "started_at": at,
                "finished_at": at,
            }
        ],
    }


def run_2_tables() -> dict[str, list[dict]]:
    at = datetime(2026, 11, 21, 2, 30)
    return {
        "documents": [
            _document(R_REDONE, RUN_2, at, extractor_version="2"),
            _document(R_NEXTYEAR, RUN_2, at, extractor_version="2"),
        ],
        "reports": [
            _report(
                R_REDONE,
                RUN_2,
                report_kind="department_overall",
                unit_name="株洲市芦淞区财政局",
                self_score=85.0,
                grade="良",
            ),
            _report(R_NEXTYEAR, RUN_2, fiscal_year=2024, unit_name="芦淞区城市管理综合行政执法大队（本级）"),
        ],
        "budget_facts": _facts(
            R_REDONE,
            RUN_2,
            [
                ("total", "adjusted_budget", None, 2628.42),
                ("total", "executed", None, 2500.0),
                ("basic_expenditure", "executed", None, 1800.0),
            ],
        )
        + _facts(
            R_NEXTYEAR,
            RUN_2,
            [("total", "adjusted_budget", None, 130.0), ("total", "executed", None, 110.5)],
        ),
        "indicators": [],
        "crawl_stats": [
            {
                "run_id": RUN_2,
                "source_id": "sample-portal",
                "pages": 3,
                "new": 0,
                "unchanged": 5,
                "reposts": 0,
                "errors": 0,
                "started_at": at,
                "finished_at": at,
            }
        ],
    }


def stale_partial_tables() -> dict[str, list[dict]]:
    at = datetime(2026, 11, 22, 2, 30)
    return {
        "documents": [_document(R_CLEAN, STALE_RUN, at)],
        "reports": [_report(R_CLEAN, STALE_RUN, self_score=10.0, grade="差")],
    }


def run_3_tables() -> dict[str, list[dict]]:
    at = datetime(2026, 11, 23, 2, 30)
    return {
        "documents": [
            _document(R_CLEAN, RUN_3, at, extractor_version="3"),
            _document(R_NEXTYEAR, RUN_3, at, error_kind="unreadable_pdf", error_message="no text layer"),
        ],
        "reports": [_report(R_CLEAN, RUN_3, fiscal_year=1999)],
        "budget_facts": _facts(R_CLEAN, RUN_3, [("total", "adjusted_budget", None, 120.0)]),
        "indicators": [],
    }


def write_staged_run(staging_dir: Path, run_id: str, tables: dict[str, list[dict]]) -> Path:
    """Stage one run with the stage step's own writer (every table, contract types)."""
    run_dir = staging_dir / f"run={run_id}"
    write_batch(run_dir, tables)
    return run_dir


BUNDLE_SHA = "b0" * 32


def bundle_report_ids(count: int) -> list[str]:
    """The report ids of a bundle document's first ``count`` reports (extractors.staging)."""
    from extractors.staging import report_id_for

    return sorted(report_id_for(BUNDLE_SHA, index) for index in range(count))


def bundle_tables(run_id: str, count: int) -> dict[str, list[dict]]:
    """One document holding ``count`` project reports of one unit (a bundle), each clean."""
    from extractors.staging import report_id_for

    at = datetime(2026, 12, int(run_id[8:10]), 2, 30)
    tables: dict[str, list[dict]] = {"documents": [], "reports": [], "budget_facts": [], "indicators": []}
    for index in range(count):
        report_id = report_id_for(BUNDLE_SHA, index)
        tables["documents"].append(
            _document(report_id, run_id, at, sha256=BUNDLE_SHA, report_index=index, report_count=count)
        )
        tables["reports"].append(
            _report(
                report_id,
                run_id,
                sha256=BUNDLE_SHA,
                project_name=f"项目{index + 1}",
                self_score=None,
                grade=None,
            )
        )
        tables["budget_facts"] += _facts(
            report_id,
            run_id,
            [("total", "adjusted_budget", None, 10.0 + index), ("total", "executed", None, 9.0)],
        )
    return tables
