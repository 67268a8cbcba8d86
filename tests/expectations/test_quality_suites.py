"""Each expectation on a batch with exactly one known defect yields exactly its quality rows."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
import yaml
from quality_batch import REPORT_ID, RUN_ID, clean_tables, write_run

from expectations import STAGED_COLUMNS, StagedBatchError, ValidationSummary, validate_run, vocabulary
from expectations.settings import QualitySettings

Tables = dict[str, list[dict]]
Mutation = Callable[[Tables], None]
KEY_COLUMNS = "suite, expectation, severity, report_id, record_no, quarantined"


def _set(table: str, row: int, **values: object) -> Mutation:
    def mutate(tables: Tables) -> None:
        tables[table][row].update(values)

    return mutate


def _then(*mutations: Mutation) -> Mutation:
    def mutate(tables: Tables) -> None:
        for mutation in mutations:
            mutation(tables)

    return mutate


def _append_fact(**values: object) -> Mutation:
    def mutate(tables: Tables) -> None:
        tables["budget_facts"].append({"report_id": REPORT_ID, "origin": "table", "run_id": RUN_ID, **values})

    return mutate


def _read_parquet(path: Path) -> str:
    """A FROM clause for one file; hive detection off, or the run=… folder becomes a column."""
    return f"read_parquet('{path}', hive_partitioning = false)"


def _quality_rows(run_dir: Path, columns: str = KEY_COLUMNS) -> list[tuple]:
    query = f"select {columns} from {_read_parquet(run_dir / 'quality_results.parquet')} order by all"
    return duckdb.sql(query).fetchall()


R = REPORT_ID
DEFECTS: dict[str, tuple[Mutation, list[tuple]]] = {
    "fiscal_year_before_2000": (
        _set("reports", 0, fiscal_year=1999),
        [("reports", "fiscal_year_in_range", "error", R, None, True)],
    ),
    "fiscal_year_missing": (
        _set("reports", 0, fiscal_year=None),
        [("reports", "fiscal_year_present", "warn", R, None, False)],
    ),
    "unit_name_blank": (
        _set("reports", 0, unit_name="  "),
        [("reports", "unit_name_present", "warn", R, None, False)],
    ),
    "report_kind_unknown": (
        _set("reports", 0, report_kind="overall"),
        [("reports", "report_kind_in_vocabulary", "error", R, None, True)],
    ),
    "report_kind_missing": (
        _set("reports", 0, report_kind=None),
        [("reports", "report_kind_present", "warn", R, None, False)],
    ),
    "self_score_above_100": (
        _set("reports", 0, self_score=101.0),
        [("reports", "self_score_in_range", "error", R, None, True)],
    ),
    "grade_disagrees_with_score": (
        _set("reports", 0, grade="良"),
        [("reports", "grade_matches_self_score", "warn", R, None, False)],
    ),
    "grade_outside_vocabulary": (
        _set("reports", 0, grade="良好"),
        [("reports", "grade_in_vocabulary", "warn", R, None, False)],
    ),
    "amount_negative": (
        _set("budget_facts", 0, amount_wan_yuan=-1.0),
        [("budget_facts", "amount_non_negative", "error", R, 0, True)],
    ),
    "amount_missing": (
        _set("budget_facts", 3, amount_wan_yuan=None),
        [("budget_facts", "amount_present", "error", R, 3, True)],
    ),
    "line_unknown": (
        _set("budget_facts", 3, line="totals"),
        [("budget_facts", "line_in_vocabulary", "error", R, 3, True)],
    ),
    "line_missing": (
        _set("budget_facts", 0, line=None),
        [("budget_facts", "line_present", "error", R, 0, True)],
    ),
    "stage_unknown": (
        _set("budget_facts", 0, stage="budget"),
        [("budget_facts", "stage_in_vocabulary", "error", R, 0, True)],
    ),
    "stage_missing": (
        _set("budget_facts", 0, stage=None),
        [("budget_facts", "stage_present", "error", R, 0, True)],
    ),
    "fact_origin_unknown": (
        _set("budget_facts", 1, origin="ocr"),
        [("budget_facts", "origin_in_vocabulary", "error", R, 1, True)],
    ),
    "printed_rate_disagrees": (
        _set("indicators", 0, actual_value=90.0),
        [("budget_facts", "printed_execution_rate_matches", "warn", R, 2, False)],
    ),
    "executed_above_twice_adjusted": (
        _then(
            _append_fact(
                fact_no=5,
                line="project_item",
                item="协管员经费",
                stage="adjusted_budget",
                amount_wan_yuan=50.0,
            ),
            _append_fact(
                fact_no=6, line="project_item", item="协管员经费", stage="executed", amount_wan_yuan=120.0
            ),
        ),
        [("budget_facts", "executed_within_twice_adjusted", "warn", R, 6, False)],
    ),
    "fact_restated_with_another_amount": (
        _append_fact(fact_no=5, line="fiscal_funds", stage="executed", amount_wan_yuan=113.0),
        [("budget_facts", "restatement_agrees", "warn", R, 5, False)],
    ),
    "prose_figure_disagrees_with_later_table": (
        _then(
            _set("budget_facts", 0, origin="prose"),
            _append_fact(fact_no=5, line="total", stage="initial_budget", amount_wan_yuan=101.0),
        ),
        [("budget_facts", "restatement_agrees", "warn", R, 0, False)],
    ),
    "fact_restated_with_the_same_amount": (
        _append_fact(fact_no=5, line="total", stage="executed", amount_wan_yuan=114.0, origin="prose"),
        [],
    ),
    # --- budget breakdowns (warnings on the total's fact: the source's arithmetic, never fixed)
    "expenditure_parts_miss_table_total": (  # 70 + 49 = 119 under a total of 120
        _then(
            _append_fact(fact_no=5, line="basic_expenditure", stage="adjusted_budget", amount_wan_yuan=70.0),
            _append_fact(
                fact_no=6, line="project_expenditure", stage="adjusted_budget", amount_wan_yuan=49.0
            ),
        ),
        [("budget_facts", "expenditure_parts_sum_to_total", "warn", R, 1, False)],
    ),
    "expenditure_parts_within_rounding": (  # 70.004 + 50.004 = 120.008: two rounding steps
        _then(
            _append_fact(
                fact_no=5, line="basic_expenditure", stage="adjusted_budget", amount_wan_yuan=70.004
            ),
            _append_fact(
                fact_no=6, line="project_expenditure", stage="adjusted_budget", amount_wan_yuan=50.004
            ),
        ),
        [],
    ),
    "expenditure_parts_in_prose_below_total": (  # prose names parts with its own scope: only ≤
        _then(
            _append_fact(
                fact_no=5, line="basic_expenditure", stage="executed", amount_wan_yuan=60.0, origin="prose"
            ),
            _append_fact(
                fact_no=6, line="project_expenditure", stage="executed", amount_wan_yuan=40.0, origin="prose"
            ),
        ),
        [],
    ),
    "expenditure_parts_in_prose_above_total": (
        _then(
            _append_fact(
                fact_no=5, line="basic_expenditure", stage="executed", amount_wan_yuan=74.0, origin="prose"
            ),
            _append_fact(
                fact_no=6, line="project_expenditure", stage="executed", amount_wan_yuan=40.5, origin="prose"
            ),
        ),
        [("budget_facts", "expenditure_parts_sum_to_total", "warn", R, 2, False)],
    ),
    "negative_part_is_reported_once": (  # the amount rule's error, not a sum around it too
        _then(
            _append_fact(fact_no=5, line="basic_expenditure", stage="adjusted_budget", amount_wan_yuan=70.0),
            _append_fact(
                fact_no=6, line="project_expenditure", stage="adjusted_budget", amount_wan_yuan=-50.0
            ),
        ),
        [("budget_facts", "amount_non_negative", "error", R, 6, True)],
    ),
    "project_income_parts_above_total": (  # 当年财政拨款 115 executed of a 114 total
        _set("budget_facts", 4, amount_wan_yuan=115.0),
        [("budget_facts", "income_parts_sum_to_total", "warn", R, 2, False)],
    ),
    "project_income_parts_below_total": (  # 上年结转资金 is no fact: the parts may fall short
        _set("budget_facts", 4, amount_wan_yuan=100.0),
        [],
    ),
    "department_income_parts_miss_total": (  # 一般公共预算 120 + 其他资金 5 of a 120 total
        _then(
            _set("reports", 0, report_kind="department_overall", project_name=None),
            _set("budget_facts", 3, line="general_public_budget"),
            _set("budget_facts", 4, line="general_public_budget"),
            _append_fact(fact_no=5, line="other_funds", stage="adjusted_budget", amount_wan_yuan=5.0),
        ),
        [("budget_facts", "income_parts_sum_to_total", "warn", R, 1, False)],
    ),
    "three_public_parts_miss_total": (
        _then(
            _append_fact(fact_no=5, line="three_public", stage="executed", amount_wan_yuan=10.0),
            _append_fact(fact_no=6, line="official_vehicles", stage="executed", amount_wan_yuan=6.0),
            _append_fact(fact_no=7, line="official_reception", stage="executed", amount_wan_yuan=3.0),
        ),
        [("budget_facts", "three_public_parts_sum_to_total", "warn", R, 5, False)],
    ),
    "vehicle_parts_miss_total": (
        _then(
            _append_fact(fact_no=5, line="official_vehicles", stage="executed", amount_wan_yuan=6.0),
            _append_fact(fact_no=6, line="vehicle_purchase", stage="executed", amount_wan_yuan=2.0),
            _append_fact(fact_no=7, line="vehicle_operation", stage="executed", amount_wan_yuan=3.0),
        ),
        [("budget_facts", "vehicle_parts_sum_to_total", "warn", R, 5, False)],
    ),
    "public_operating_parts_above_total": (
        _then(
            _append_fact(fact_no=5, line="public_operating", stage="executed", amount_wan_yuan=10.0),
            _append_fact(fact_no=6, line="office", stage="executed", amount_wan_yuan=6.0),
            _append_fact(fact_no=7, line="utilities_travel", stage="executed", amount_wan_yuan=3.0),
            _append_fact(fact_no=8, line="meetings_training", stage="executed", amount_wan_yuan=2.0),
        ),
        [("budget_facts", "public_operating_parts_within_total", "warn", R, 5, False)],
    ),
    "public_operating_parts_below_total": (  # a 其中 list: parts may leave a remainder
        _then(
            _append_fact(fact_no=5, line="public_operating", stage="executed", amount_wan_yuan=10.0),
            _append_fact(fact_no=6, line="office", stage="executed", amount_wan_yuan=6.0),
        ),
        [],
    ),
    "basic_parts_above_total": (
        _then(
            _append_fact(fact_no=5, line="basic_expenditure", stage="executed", amount_wan_yuan=50.0),
            _append_fact(fact_no=6, line="personnel", stage="executed", amount_wan_yuan=40.0),
            _append_fact(fact_no=7, line="public_operating", stage="executed", amount_wan_yuan=15.0),
        ),
        [("budget_facts", "basic_parts_within_total", "warn", R, 5, False)],
    ),
    # --- indicator sums (report-wide warnings)
    "weights_do_not_sum_to_100": (
        _set("indicators", 3, weight=25.0),
        [("reports", "indicator_weights_sum_to_total", "warn", R, None, False)],
    ),
    "scores_do_not_sum_to_self_score": (
        _set("indicators", 3, score=20.0),
        [("reports", "indicator_scores_sum_to_self_score", "warn", R, None, False)],
    ),
    "prose_indicator_outside_the_sums": (
        lambda tables: tables["indicators"].append(
            {
                "report_id": R,
                "indicator_no": 4,
                "name": "公用经费控制率",
                "target_op": "<=",
                "target_value": 100.0,
                "actual_value": 85.28,
                "weight": 5.0,
                "score": 5.0,
                "origin": "prose",
                "run_id": RUN_ID,
            }
        ),
        [],
    ),
    # --- printed score against achieved (as dbt judges it)
    "full_marks_for_a_missed_target": (
        _set("indicators", 1, actual_value=150.0, actual_text="150"),
        [("indicators", "score_agrees_with_achievement", "warn", R, 1, False)],
    ),
    "zero_for_a_met_target": (  # 10 points less everywhere: 84, 良
        _then(_set("indicators", 2, score=0.0), _set("reports", 0, self_score=84.0, grade="良")),
        [("indicators", "score_agrees_with_achievement", "warn", R, 2, False)],
    ),
    "missed_target_in_another_unit_is_not_judged": (
        _set("indicators", 1, actual_value=150.0, actual_unit="%"),
        [],
    ),
    "score_above_weight": (  # the 5 points are taken elsewhere: the scores still add up to 94
        _then(_set("indicators", 1, score=55.0), _set("indicators", 3, score=19.5)),
        [("indicators", "score_within_weight", "warn", R, 1, False)],
    ),
    "weight_negative": (
        _set("indicators", 2, weight=-10.0),
        [("indicators", "weight_non_negative", "error", R, 2, True)],
    ),
    "score_negative": (
        _set("indicators", 2, score=-1.0),
        [("indicators", "score_non_negative", "error", R, 2, True)],
    ),
    "level1_unknown": (
        _set("indicators", 1, level1="产出"),
        [("indicators", "level1_known", "warn", R, 1, False)],
    ),
    "target_op_unknown": (
        _set("indicators", 1, target_op="≥"),
        [("indicators", "target_op_in_vocabulary", "error", R, 1, True)],
    ),
    "indicator_origin_unknown": (
        _set("indicators", 2, origin="ocr"),
        [("indicators", "origin_in_vocabulary", "error", R, 2, True)],
    ),
}


def test_clean_batch_yields_no_quality_rows_but_a_typed_file(run_dir: Path) -> None:
    summary = validate_run(write_run(run_dir, clean_tables()), run_id=RUN_ID)

    assert (summary.failed, summary.errors, summary.warnings) == (0, 0, 0)
    assert summary.records_checked == 10
    described = duckdb.sql(f"describe select * from {_read_parquet(summary.results_path)}").fetchall()
    assert [(name, kind) for name, kind, *_ in described] == list(STAGED_COLUMNS["quality_results"])
    assert _quality_rows(run_dir) == []


def _defect_report_id(number: int) -> str:
    return f"{number:016x}"


def _rekeyed(tables: Tables, report_id: str, project_suffix: str) -> Tables:
    """The batch as another document of another project, so many defects share one run
    without being the same report published twice."""
    for rows in tables.values():
        for row in rows:
            if row.get("report_id") == REPORT_ID:
                row["report_id"] = report_id
            if "sha256" in row:
                row["sha256"] = report_id + "0" * 48
    for report in tables["reports"]:
        if report.get("project_name") is not None:
            report["project_name"] += project_suffix
    return tables


@pytest.fixture(scope="module")
def defects_validated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ValidationSummary]:
    """Every defect in its own report of one run, validated once (GX costs ~0.5 s a run)."""
    run_dir = tmp_path_factory.mktemp("defects") / f"run={RUN_ID}"
    batch: Tables = {table: [] for table in clean_tables()}
    for number, (mutate, _) in enumerate(DEFECTS.values(), start=1):
        tables = clean_tables()
        mutate(tables)
        for table, rows in _rekeyed(tables, _defect_report_id(number), f"（{number}）").items():
            batch[table] += rows
    return run_dir, validate_run(write_run(run_dir, batch), run_id=RUN_ID)


@pytest.mark.parametrize("defect", DEFECTS, ids=list(DEFECTS))
def test_one_defect_yields_exactly_its_quality_rows(
    defects_validated: tuple[Path, ValidationSummary], defect: str
) -> None:
    run_dir, _ = defects_validated
    report_id = _defect_report_id(list(DEFECTS).index(defect) + 1)
    expected = [(*row[:3], report_id, *row[4:]) for row in DEFECTS[defect][1]]

    rows = [row for row in _quality_rows(run_dir) if row[3] == report_id]

    assert rows == expected


def test_defect_batch_summary_counts_every_quarantine(
    defects_validated: tuple[Path, ValidationSummary],
) -> None:
    _, summary = defects_validated
    expected = [row for _, rows in DEFECTS.values() for row in rows]
    quarantined = [row for row in expected if row[5]]
    assert (summary.errors, summary.warnings) == (len(quarantined), len(expected) - len(quarantined))
    assert summary.quarantined_reports == sum(row[4] is None for row in quarantined)
    assert summary.quarantined_records == sum(row[4] is not None for row in quarantined)


def test_one_defect_alone_yields_only_its_row(run_dir: Path) -> None:
    """The shared-run test above could hide a rule that fires on the wrong report; alone, the
    run holds nothing but the defect's own row."""
    tables = clean_tables()
    tables["indicators"][1]["actual_value"] = 150.0

    summary = validate_run(write_run(run_dir, tables), run_id=RUN_ID)

    assert _quality_rows(run_dir) == [("indicators", "score_agrees_with_achievement", "warn", R, 1, False)]
    assert (summary.errors, summary.warnings, summary.quarantined_reports) == (0, 1, 0)


def test_quality_row_names_column_observed_value_and_reason(run_dir: Path) -> None:
    tables = clean_tables()
    tables["reports"][0]["grade"] = "良"
    tables["indicators"][0]["actual_value"] = 90.0
    validate_run(write_run(run_dir, tables), run_id=RUN_ID)

    rows = _quality_rows(
        run_dir,
        "expectation, table_name, column_name, observed_value, message, run_id, checked_at is not null",
    )
    assert rows == [
        (
            "grade_matches_self_score",
            "reports",
            "grade",
            "grade 良, self_score 94 (earns 优)",
            "printed grade disagrees with the grade self_score earns "
            "(observed grade 良, self_score 94 (earns 优))",
            RUN_ID,
            True,
        ),
        (
            "printed_execution_rate_matches",
            "budget_facts",
            "execution_rate",
            "printed 90%, computed 95.00%",
            "printed 执行率 differs from executed ÷ adjusted_budget × 100 by more than 0.5 pp "
            "(observed printed 90%, computed 95.00%)",
            RUN_ID,
            True,
        ),
    ]


def test_defects_in_several_reports_map_to_their_own_rows(run_dir: Path) -> None:
    tables = clean_tables()
    other = "fedcba9876543210"
    tables["reports"].append(
        {
            **tables["reports"][0],
            "report_id": other,
            "project_name": "其他项目",
            "self_score": -3.0,
            "grade": "差",
        }
    )
    tables["budget_facts"].append(
        {"report_id": other, "fact_no": 0, "line": "total", "stage": "executed", "amount_wan_yuan": -2.0,
         "origin": "table", "run_id": RUN_ID}
    )  # fmt: skip
    tables["budget_facts"][1]["amount_wan_yuan"] = -120.0

    summary = validate_run(write_run(run_dir, tables), run_id=RUN_ID)

    assert _quality_rows(run_dir) == [
        ("budget_facts", "amount_non_negative", "error", R, 1, True),
        ("budget_facts", "amount_non_negative", "error", other, 0, True),
        ("reports", "self_score_in_range", "error", other, None, True),
    ]
    assert (summary.quarantined_reports, summary.quarantined_records) == (1, 2)


def test_zero_row_run_writes_zero_quality_rows(run_dir: Path) -> None:
    summary = validate_run(write_run(run_dir, {t: [] for t in clean_tables()}), run_id=RUN_ID)
    assert (summary.records_checked, summary.failed) == (0, 0)
    assert _quality_rows(run_dir) == []


def test_looser_settings_accept_what_defaults_flag(run_dir: Path) -> None:
    tables = clean_tables()
    tables["indicators"][0]["actual_value"] = 94.0  # printed 94% vs computed 95%
    write_run(run_dir, tables)

    assert validate_run(run_dir, run_id=RUN_ID).warnings == 1
    loose = QualitySettings(execution_rate_tolerance_pp=1.5)
    assert validate_run(run_dir, run_id=RUN_ID, settings=loose).warnings == 0


def test_missing_table_is_a_clear_error(run_dir: Path) -> None:
    write_run(run_dir, clean_tables())
    (run_dir / "indicators.parquet").unlink()
    with pytest.raises(StagedBatchError, match=r"indicators\.parquet is missing"):
        validate_run(run_dir, run_id=RUN_ID)


def test_missing_contract_column_is_a_clear_error(run_dir: Path) -> None:
    write_run(run_dir, clean_tables())
    path = run_dir / "reports.parquet"
    without_score = f"select * exclude (self_score) from {_read_parquet(path)}"
    duckdb.sql(f"copy ({without_score}) to '{path}.tmp' (format parquet)")
    Path(f"{path}.tmp").replace(path)
    with pytest.raises(StagedBatchError, match=r"lacks contract column.*self_score"):
        validate_run(run_dir, run_id=RUN_ID)


def test_rows_of_another_run_are_refused(run_dir: Path) -> None:
    write_run(run_dir, clean_tables())
    with pytest.raises(StagedBatchError, match="not 'some-other-run'"):
        validate_run(run_dir, run_id="some-other-run")
    assert not (run_dir / "quality_results.parquet").exists()


def test_data_docs_are_built_when_asked(run_dir: Path, tmp_path: Path) -> None:
    tables = clean_tables()
    tables["reports"][0]["fiscal_year"] = 1999
    summary = validate_run(write_run(run_dir, tables), run_id=RUN_ID, data_docs_dir=tmp_path / "docs")
    assert summary.data_docs_index == tmp_path / "docs" / "index.html"
    assert "reports" in summary.data_docs_index.read_text(encoding="utf-8")


def test_dbt_vocabularies_match_the_python_ones() -> None:
    project = Path(__file__).resolve().parents[2] / "dbt" / "dbt_project.yml"
    dbt_vars = yaml.safe_load(project.read_text(encoding="utf-8"))["vars"]
    assert dbt_vars["report_kinds"] == list(vocabulary.REPORT_KINDS)
    assert dbt_vars["budget_stages"] == list(vocabulary.BUDGET_STAGES)
    assert dbt_vars["budget_lines"] == list(vocabulary.BUDGET_LINES)
    assert dbt_vars["target_ops"] == list(vocabulary.TARGET_OPS)
    assert dbt_vars["grades"] == list(vocabulary.GRADES)
    assert dbt_vars["origins"] == list(vocabulary.ORIGINS)
    assert dbt_vars["severities"] == list(vocabulary.SEVERITIES)
