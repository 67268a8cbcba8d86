"""Property: a generated report in any layout variant and format extracts to its ground truth.

Why hypothesis over a fixed list: the variants combine (分值 before 指标值 with ★ markers,
amounts in 元 with a bare 执行率, …) and the extractor must read every combination, not
the ones someone thought of; examples are bounded so the whole property stays ~1 minute.
"""

from __future__ import annotations

import random
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractors.extraction import extract_file
from extractors.samples import FORMATS, REPORT_KINDS, random_report_spec, render_report, spec_to_record
from extractors.samples.spec import INDICATOR_LAYOUTS, VARIANT_FLAGS, LayoutVariant

from .record_comparison import assert_extracts_to_its_truth

pytestmark = pytest.mark.slow

variants = st.builds(
    LayoutVariant,
    indicator_layout=st.sampled_from(INDICATOR_LAYOUTS),
    **{flag: st.booleans() for flag in VARIANT_FLAGS},
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(min_value=0, max_value=10_000),
    kind=st.sampled_from(REPORT_KINDS),
    fmt=st.sampled_from(FORMATS),
    variant=variants,
)
def test_every_layout_variant_extracts_to_its_ground_truth(
    seed: int, kind: str, fmt: str, variant: LayoutVariant
) -> None:
    spec = random_report_spec(random.Random(seed), kind, variant)
    truth = spec_to_record(spec)
    with tempfile.TemporaryDirectory() as work:
        path = Path(work) / f"report.{fmt}"
        path.write_bytes(render_report(spec, fmt))
        record = extract_file(path)
    assert_extracts_to_its_truth(record, truth)


@pytest.mark.parametrize("layout", INDICATOR_LAYOUTS)
def test_each_indicator_layout_prints_its_own_header(layout: str) -> None:
    """The variants really differ on the page (a guard against a variant silently rendering standard)."""
    from extractors.samples.layout import Table, spec_to_document

    spec = random_report_spec(random.Random(7), "project", LayoutVariant(indicator_layout=layout))
    tables = [b for s in spec_to_document(spec).sections for b in s.blocks if isinstance(b, Table)]
    headers = [[c.text for c in row] for t in tables for row in t.rows if row and row[0].text == "一级指标"]
    assert len(headers) == 1
    header = headers[0]
    expected = {
        "standard": lambda h: h.index("分值") > h.index("年度指标值") and "得分" in h,
        "score_before_target": lambda h: h.index("分值") < h.index("年度指标值"),
        "no_weight": lambda h: "分值" not in h and "得分" in h,
        "headerless_score": lambda h: "得分" not in h and h[h.index("分值") + 1] == "",
        "op_value_unit": lambda h: {"指标性质", "指标值", "度量单位"} <= set(h),
    }
    assert expected[layout](header), header
