"""Names cleaned of numbering, markers, score notes and cover-page noise."""

from __future__ import annotations

import pytest

from extractors.normalize.names import clean_indicator_name, clean_level, clean_row_label, clean_unit_name
from extractors.normalize.text import cell_text, compact


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("产出指标(40分)", "产出指标"),
        ("效益指标（20分）", "效益指标"),
        ("经济效\n益指标", "经济效益指标"),
        ("(50分)", None),
        ("", None),
        ("★满意度指标", "满意度指标"),
    ],
)
def test_levels(text: str, expected: str | None) -> None:
    assert clean_level(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("指标1：执法案件查处数", "执法案件查处数"),
        ("★指标2:群众满意度", "群众满意度"),
        ("1、验收合格率", "验收合格率"),
        ("（3）改造面积", "改造面积"),
        ("执法准确率\n文书规范率", "执法准确率文书规范率"),
        ("1.5吨以上处理量", "1.5吨以上处理量"),
    ],
)
def test_indicator_names(text: str, expected: str) -> None:
    assert clean_indicator_name(cell_text(text)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("其中：当年财政拨款", "当年财政拨款"),
        ("1、公务用车购置和维护经费", "公务用车购置和维护经费"),
        ("按支出性质分：基本支出", "基本支出"),
        ("项目支出：", "项目支出"),
    ],
)
def test_row_labels(text: str, expected: str) -> None:
    assert clean_row_label(text) == expected


def test_unit_names_lose_seal_notes() -> None:
    assert (
        clean_unit_name("株洲市芦淞区城市管理综合行政执法大队（盖章）")
        == "株洲市芦淞区城市管理综合行政执法大队"
    )


def test_compact_drops_spaces_next_to_cjk_only() -> None:
    assert compact("2023 年度 支队  直属三大队") == "2023年度支队直属三大队"
    assert compact("S7 road  A") == "S7 road A"
