"""One document, several reports: each generated bundle gives one record per report, with its own
facts, in every format; a long single report and a narrative quoting a project stay one."""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path

import pytest

from extractors.documents.model import Document, Paragraph
from extractors.extraction import extract_document
from extractors.reports.bundles import split_reports
from extractors.samples import random_report_spec, render_bundle, render_report, spec_to_record
from tests.reports.record_comparison import assert_extracts_to_its_truth

FORMATS = ("pdf", "docx", "xlsx", "html")


def _specs(seed: int, kinds: list[str]) -> list:  # type: ignore[type-arg]
    """Reports of one bundle: distinct projects (a unit does not publish one project twice)."""
    rng = random.Random(seed)
    specs: list = []  # type: ignore[type-arg]
    for kind in kinds:
        spec = random_report_spec(rng, kind)
        while any(s.project_name == spec.project_name and s.kind == kind == "project" for s in specs):
            spec = random_report_spec(rng, kind)
        specs.append(spec)
    return specs


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    ("seed", "kinds"),
    [
        (11, ["project", "project", "project"]),  # all of a unit's project tables in one file
        (12, ["department_overall", "project", "project"]),  # a 部门整体 report, then its project tables
    ],
    ids=["project_tables", "department_then_projects"],
)
def test_a_bundle_gives_one_record_per_report(tmp_path: Path, fmt: str, seed: int, kinds: list[str]) -> None:
    specs = _specs(seed, kinds)
    path = tmp_path / f"bundle.{fmt}"
    path.write_bytes(render_bundle(specs, fmt))
    records = extract_document(path)
    assert [r["document"]["report_index"] for r in records] == list(range(len(specs)))
    assert {r["document"]["report_count"] for r in records} == {len(specs)}
    for record, spec in zip(records, specs, strict=True):
        assert_extracts_to_its_truth(record, spec_to_record(spec))
    if fmt == "xlsx":
        sheets = [record["document"]["sheets"] for record in records]
        assert all(sheets) and len({tuple(s) for s in sheets}) == len(specs), "each report on its own sheets"
    if fmt == "pdf":
        pages = [record["document"]["pages"] for record in records]
        assert all(pages) and pages == sorted(pages), "each report's pages, in order"


def test_one_project_name_in_two_units_forms_is_two_reports(tmp_path: Path) -> None:
    """Two units' forms for a project of the same name (a county and its city publish together)."""
    first, second = _specs(21, ["project", "project"])
    while second.unit_name == first.unit_name:
        second = _specs(22, ["project"])[0]
    second = dataclasses.replace(second, project_name=first.project_name)
    path = tmp_path / "same_project.pdf"
    path.write_bytes(render_bundle([first, second], "pdf"))
    records = extract_document(path)
    assert [r["report"]["unit_name"] for r in records] == [first.unit_name, second.unit_name]
    for record, spec in zip(records, [first, second], strict=True):
        assert_extracts_to_its_truth(record, spec_to_record(spec))


def test_a_report_over_many_pages_stays_one(tmp_path: Path) -> None:
    rng = random.Random(5)
    spec = random_report_spec(rng, "project")
    spec.indicators = spec.indicators * 6  # a table long enough to run over several pages
    path = tmp_path / "long.pdf"
    path.write_bytes(render_report(spec, "pdf"))
    records = extract_document(path)
    assert len(records) == 1
    assert records[0]["document"]["report_count"] == 1
    assert len(records[0]["document"]["pages"]) > 1


def test_a_narrative_quoting_project_names_stays_one() -> None:
    document = Document(
        format="html",
        blocks=[
            Paragraph("某某县财政局2023年度部门整体支出绩效自评报告"),
            Paragraph("一、基本情况"),
            Paragraph("项目名称：农村公路养护项目，预算安排120万元，实际支出118.2万元。"),
            Paragraph("项目名称：学生资助补助项目，预算安排88万元，实际支出87.95万元。"),
        ],
    )
    assert len(split_reports(document)) == 1
