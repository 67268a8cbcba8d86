"""A clean staged run (one project report, its money block and indicators) to defect per test.

A module of its own (not conftest) so test modules import it by a name unique in the suite."""

from __future__ import annotations

import copy
from datetime import datetime
from pathlib import Path

from extractors.staging import write_batch

RUN_ID = "2026-11-21T02-00-00"
REPORT_ID = "0123456789abcdef"
SHA256 = REPORT_ID + "0" * 48

CLEAN_TABLES: dict[str, list[dict]] = {
    "documents": [
        {
            "sha256": SHA256,
            "report_id": REPORT_ID,
            "source_id": "sample-portal",
            "source_url": "http://127.0.0.1:8765/a.pdf",
            "file_name": "a.pdf",
            "format": "pdf",
            "page_count": 2,
            "title": "2023年度项目支出绩效自评表",
            "fetched_at": datetime(2026, 11, 21, 2, 0),
            "extractor_version": "1",
            "extracted_at": datetime(2026, 11, 21, 2, 5),
            "run_id": RUN_ID,
        }
    ],
    "reports": [
        {
            "report_id": REPORT_ID,
            "sha256": SHA256,
            "report_kind": "project",
            "fiscal_year": 2023,
            "unit_name": "株洲市芦淞区城市管理综合行政执法大队",
            "department_name": "株洲市芦淞区城市管理和综合执法局",
            "project_name": "协管员经费",
            "province": "湖南省",
            "city": "株洲市",
            "county": "芦淞区",
            "self_score": 94.0,
            "grade": "优",
            "run_id": RUN_ID,
        }
    ],
    "budget_facts": [
        {"fact_no": 0, "line": "total", "stage": "initial_budget", "amount_wan_yuan": 100.0},
        {"fact_no": 1, "line": "total", "stage": "adjusted_budget", "amount_wan_yuan": 120.0},
        {"fact_no": 2, "line": "total", "stage": "executed", "amount_wan_yuan": 114.0},
        {"fact_no": 3, "line": "fiscal_funds", "stage": "adjusted_budget", "amount_wan_yuan": 120.0},
        {"fact_no": 4, "line": "fiscal_funds", "stage": "executed", "amount_wan_yuan": 114.0},
    ],
    "indicators": [
        {
            "indicator_no": 0,
            "name": "预算执行率",
            "target_op": "=",
            "target_value": 100.0,
            "target_unit": "%",
            "actual_value": 95.0,
            "actual_unit": "%",
            "weight": 10.0,
            "score": 9.5,
        },
        {
            "indicator_no": 1,
            "level1": "产出指标",
            "level2": "数量指标",
            "name": "执法案件查处数",
            "target_text": "200起以上",
            "actual_text": "401",
            "target_op": ">=",
            "target_value": 200.0,
            "target_unit": "起",
            "actual_value": 401.0,
            "weight": 50.0,
            "score": 50.0,
        },
        {
            "indicator_no": 2,
            "level1": "满意度指标",
            "level2": "服务对象满意度指标",
            "name": "群众满意度",
            "target_text": "≥90%",
            "actual_text": "95%",
            "target_op": ">=",
            "target_value": 90.0,
            "target_unit": "%",
            "actual_value": 95.0,
            "actual_unit": "%",
            "weight": 10.0,
            "score": 10.0,
        },
        {
            "indicator_no": 3,
            "level1": "效益指标",
            "level2": "社会效益指标",
            "name": "市容环境改善",
            "target_text": "明显改善",
            "actual_text": "有所改善",
            "target_op": "qualitative",
            "weight": 30.0,
            "score": 24.5,
        },
    ],
}


def clean_tables() -> dict[str, list[dict]]:
    """A deep copy of the clean batch, with the shared keys filled in."""
    tables = copy.deepcopy(CLEAN_TABLES)
    for table in ("budget_facts", "indicators"):
        for row in tables[table]:
            row.setdefault("report_id", REPORT_ID)
            row.setdefault("origin", "table")
            row.setdefault("run_id", RUN_ID)
    return tables


def write_run(run_dir: Path, tables: dict[str, list[dict]]) -> Path:
    """Stage the batch with the stage step's own writer (every table, contract types)."""
    write_batch(run_dir, tables)
    return run_dir
