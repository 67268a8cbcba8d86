"""Property: a report of any template family, in any format that family is published in, extracts
to its ground truth.

Why per family as well as mixed: the transfer form, the transfer narrative and the older scorecard
are read by other paths of the extractor (the 中央补助 / 地方资金 money block without 年初 column,
indicators without 分值/得分; amounts in sentences with their verbs, class lines of results; scored
rows with no target or result), so each gets its own bounded property, and one more draws the
family too, so no family is left out of the random draws.  Examples are bounded like the variant
property's (a few seconds a family on two cores).

Forms the extractor once mis-read keep a pinned example each at the end, beside the draws.
"""

from __future__ import annotations

import dataclasses
import random
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractors.extraction import extract_file
from extractors.samples import FAMILIES, FAMILY_FORMATS, random_report_spec, render_report, spec_to_record
from extractors.samples.catalog import FUND_MANAGEMENT
from extractors.samples.families import (
    NarrativeForm,
    ScorecardForm,
    TransferForm,
    random_scorecard_spec,
    random_transfer_narrative_spec,
    random_transfer_table_spec,
)
from extractors.samples.spec import FAMILY_KIND, ReportSpec

from .record_comparison import assert_extracts_to_its_truth

pytestmark = pytest.mark.slow

EXAMPLES_PER_FAMILY = 25
MIXED_EXAMPLES = 30
_SETTINGS = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}

# Full- and half-width brackets, and the short key, as the labelled forms print it (r47, r48, r79).
READ_NAME_KEYS = ("转移支付（项目）名称", "转移支付(项目)名称", "转移（项目）名称")


def _management(block: bool) -> tuple[tuple[str, str], ...]:
    return tuple((aspect, remarks[0]) for aspect, remarks in FUND_MANAGEMENT) if block else ()


transfer_forms = st.builds(
    TransferForm,
    money_caption=st.sampled_from(("项目资金", "资金情况", "资金投入情况")),
    rate_header=st.sampled_from(("预算执行率（B/A）", "执行率（B/A）", "预算执行率（B/A×100%）")),
    goal_style=st.sampled_from(("completion", "year")),
    target_header=st.sampled_from(("指标值", "年度指标值")),
    actual_header=st.sampled_from(("全年实际完成值", "全年完成值")),
    management_block=st.booleans(),
    name_key=st.sampled_from(READ_NAME_KEYS),
).map(lambda form: dataclasses.replace(form, management=_management(form.management_block)))

narrative_forms = st.builds(
    NarrativeForm,
    outline=st.sampled_from(("transfer", "fund")),
    signed=st.booleans(),
    title_style=st.sampled_from(("year_fund", "fund_in_brackets")),
    worded_results=st.booleans(),
)


scorecard_forms = st.builds(
    ScorecardForm,
    level_points=st.booleans(),
    weight_header=st.sampled_from(("分值", "指标分值")),
    score_header=st.sampled_from(("得分", "自评得分")),
)


def _readable_narrative(seed: int, form: NarrativeForm) -> ReportSpec:
    return random_transfer_narrative_spec(random.Random(seed), form)


def _extract(spec: ReportSpec, fmt: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as work:
        path = Path(work) / f"report.{fmt}"
        path.write_bytes(render_report(spec, fmt))
        return extract_file(path)


def _round_trip(spec: ReportSpec, fmt: str) -> None:
    assert_extracts_to_its_truth(_extract(spec, fmt), spec_to_record(spec))


@settings(max_examples=EXAMPLES_PER_FAMILY, **_SETTINGS)
@given(
    seed=st.integers(min_value=0, max_value=10_000),
    fmt=st.sampled_from(FAMILY_FORMATS["transfer_region_table"]),
    form=transfer_forms,
)
def test_transfer_table_extracts_to_its_ground_truth(seed: int, fmt: str, form: TransferForm) -> None:
    _round_trip(random_transfer_table_spec(random.Random(seed), form), fmt)


@settings(max_examples=EXAMPLES_PER_FAMILY, **_SETTINGS)
@given(
    seed=st.integers(min_value=0, max_value=10_000),
    fmt=st.sampled_from(FAMILY_FORMATS["transfer_narrative"]),
    form=narrative_forms,
)
def test_transfer_narrative_extracts_to_its_ground_truth(seed: int, fmt: str, form: NarrativeForm) -> None:
    _round_trip(_readable_narrative(seed, form), fmt)


@settings(max_examples=EXAMPLES_PER_FAMILY, **_SETTINGS)
@given(
    seed=st.integers(min_value=0, max_value=10_000),
    fmt=st.sampled_from(FAMILY_FORMATS["scorecard"]),
    form=scorecard_forms,
)
def test_scorecard_extracts_to_its_ground_truth(seed: int, fmt: str, form: ScorecardForm) -> None:
    _round_trip(random_scorecard_spec(random.Random(seed), form), fmt)


@settings(max_examples=MIXED_EXAMPLES, **_SETTINGS)
@given(seed=st.integers(min_value=0, max_value=10_000), family=st.sampled_from(FAMILIES), data=st.data())
def test_every_family_extracts_to_its_ground_truth(seed: int, family: str, data: st.DataObject) -> None:
    fmt = data.draw(st.sampled_from(FAMILY_FORMATS[family]), label="fmt")
    if family == "transfer_region_table":
        spec = random_transfer_table_spec(random.Random(seed), data.draw(transfer_forms, label="form"))
    elif family == "transfer_narrative":
        spec = _readable_narrative(seed, data.draw(narrative_forms, label="form"))
    elif family == "scorecard":
        spec = random_scorecard_spec(random.Random(seed), data.draw(scorecard_forms, label="form"))
    else:
        spec = random_report_spec(random.Random(seed), FAMILY_KIND[family])
    assert spec.family == family
    _round_trip(spec, fmt)


# --- forms the real corpus prints that the extractor once mis-read, pinned ----------------------

_READ_TABLE = TransferForm(name_key=READ_NAME_KEYS[0])
_READ_NARRATIVE = NarrativeForm(
    outline="transfer", signed=False, title_style="year_fund", worded_results=False
)


@pytest.mark.parametrize("fmt", ["html", "pdf"])
def test_short_transfer_name_key_gives_the_project_name(fmt: str) -> None:
    spec = random_transfer_table_spec(
        random.Random(19), dataclasses.replace(_READ_TABLE, name_key="转移（项目）名称")
    )
    assert _extract(spec, fmt)["report"]["project_name"] == spec.project_name


def test_fund_in_brackets_title_gives_unit_and_project() -> None:
    spec = random_transfer_narrative_spec(
        random.Random(3), dataclasses.replace(_READ_NARRATIVE, title_style="fund_in_brackets")
    )
    report = _extract(spec, "html")["report"]
    assert (report["unit_name"], report["project_name"]) == (spec.unit_name, spec.project_name)


def test_worded_results_carry_every_indicator_field() -> None:
    spec = random_transfer_narrative_spec(
        random.Random(0), dataclasses.replace(_READ_NARRATIVE, worded_results=True)
    )
    worded = [ind for ind in spec.indicators if ind.actual_value is None]
    if not worded:
        pytest.fail("the example must state a result in words")
    record = _extract(spec, "html")
    assert all("actual_value" in ind for ind in record["indicators"])


def test_fund_named_subsidy_to_localities_keeps_its_allocation() -> None:
    spec = random_transfer_narrative_spec(
        random.Random(7), _READ_NARRATIVE, fund="车辆购置税收入补助地方资金"
    )
    if spec.total_row.amounts[0] == spec.budget_rows[1].amounts[0]:
        pytest.fail("the example must split its money between 中央 and 地方")
    _round_trip(spec, "html")


def _semicolon_class_lines(seed: int) -> ReportSpec:
    spec = random_transfer_narrative_spec(random.Random(seed), _READ_NARRATIVE)
    spec.narrative = [
        dataclasses.replace(s, text=s.text.replace("、", "；")) if "指标：" in s.text else s
        for s in spec.narrative
    ]
    return spec


@pytest.mark.parametrize("fmt", ["html", "pdf"])
def test_class_lines_joined_with_semicolons(fmt: str) -> None:
    """Seed 5's 数量指标 line wraps in the PDF right after its second '；'."""
    _round_trip(_semicolon_class_lines(5), fmt)
