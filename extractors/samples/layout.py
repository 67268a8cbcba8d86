"""The printed form of a report, independent of file format: sections of headings, paragraphs, tables.

Why a format-neutral layout: PDF, DOCX, XLSX and HTML must carry the same text
cell for cell (an extractor is scored against one truth whatever the format),
so the standard Ministry-of-Finance templates are laid out once here and each
renderer only draws this model.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from extractors.samples.record import BASIC_TABLE_TITLE, BUDGET_COLUMNS
from extractors.samples.spec import BUDGET_WEIGHT, BasicRow, BudgetRow, Indicator, ReportSpec, fmt_hundredths
from extractors.samples.variants import (
    amount_text,
    money_unit,
    printed_name,
    printed_target,
    rate_text,
    target_cells,
)

INDICATOR_HEADER = (
    "一级指标",
    "二级指标",
    "三级指标",
    "年度指标值",
    "实际完成值",
    "分值",
    "得分",
    "偏差原因分析及改进措施",
)
SCORED_COLUMNS = 8
# Relative column widths of the 8-column scored table (一级 … 偏差原因).
SCORED_WIDTHS = (1.0, 1.1, 1.6, 1.2, 1.2, 0.6, 0.6, 1.9)
BASIC_WIDTHS = (2.6, 1.2, 1.2, 1.2)


@dataclass(frozen=True)
class Cell:
    """A table cell as printed; spans count rows/columns like HTML's rowspan/colspan."""

    text: str
    rowspan: int = 1
    colspan: int = 1
    header: bool = False


@dataclass(frozen=True)
class Table:
    """Rows list only the cells that start in them (HTML convention)."""

    rows: list[list[Cell]]
    widths: tuple[float, ...]

    @property
    def n_cols(self) -> int:
        return len(self.widths)

    def placed(self) -> Iterator[tuple[int, int, Cell]]:
        """(row, column, cell) with spans resolved, so grid formats know where each cell lands."""
        taken: set[tuple[int, int]] = set()
        for r, row in enumerate(self.rows):
            c = 0
            for cell in row:
                while (r, c) in taken:
                    c += 1
                if c + cell.colspan > self.n_cols:
                    raise ValueError(f"row {r} overflows {self.n_cols} columns at cell {cell.text!r}")
                for dr in range(cell.rowspan):
                    for dc in range(cell.colspan):
                        taken.add((r + dr, c + dc))
                yield r, c, cell
                c += cell.colspan


@dataclass(frozen=True)
class Paragraph:
    text: str
    heading: bool = False
    centered: bool = False


Block = Paragraph | Table


@dataclass
class Section:
    """A part that starts on its own page (PDF/DOCX) or sheet (XLSX)."""

    sheet_name: str
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Document:
    title: str
    sections: list[Section]


def _amount_cells(row: BudgetRow, spec: ReportSpec) -> list[Cell]:
    if row.is_template_zero and spec.blank_zero_rows:
        return [Cell("") for _ in row.amounts]
    return [Cell(amount_text(value, spec.variant)) for value in row.amounts]


def _budget_block(spec: ReportSpec, caption: str) -> list[list[Cell]]:
    """Caption cell spanning the block, header 年初预算数 … 得分, the total row scored, others not."""
    rows: list[list[Cell]] = [
        [
            Cell(caption, rowspan=len(spec.budget_rows) + 1, header=True),
            Cell("", header=True),
            *(Cell(name, header=True) for name in BUDGET_COLUMNS),
            Cell("分值", header=True),
            Cell("执行率", header=True),
            Cell("得分", header=True),
        ]
    ]
    for index, row in enumerate(spec.budget_rows):
        if index == 0:
            scored = [
                Cell(fmt_hundredths(BUDGET_WEIGHT, trim=True)),
                Cell(rate_text(spec.execution_rate, spec.variant)),
                Cell(fmt_hundredths(spec.budget_score, trim=True)),
            ]
        else:
            scored = [Cell("—"), Cell("—"), Cell("—")]
        rows.append([Cell(row.label), *_amount_cells(row, spec), *scored])
    return rows


def _goal_block(spec: ReportSpec) -> list[list[Cell]]:
    return [
        [Cell("年度总体目标", rowspan=2, header=True), Cell("预期目标", colspan=3, header=True),
         Cell("实际完成情况", colspan=4, header=True)],
        [Cell(spec.goal_expected, colspan=3), Cell(spec.goal_actual, colspan=4)],
    ]  # fmt: skip


# Indicator columns per layout variant: (key, header); the level columns are merged vertically.
_STANDARD_COLUMNS = tuple(
    zip(
        ("level1", "level2", "name", "target", "actual", "weight", "score", "reason"),
        INDICATOR_HEADER,
        strict=True,
    )
)
_LEVELS_AND_NAME = _STANDARD_COLUMNS[:3]
_TAIL = _STANDARD_COLUMNS[4:]  # 实际完成值 分值 得分 偏差原因
_INDICATOR_COLUMNS = {
    "standard": _STANDARD_COLUMNS,
    "score_before_target": (
        *_LEVELS_AND_NAME,
        ("weight", "分值"),
        ("target", "年度指标值"),
        ("actual", "实际完成值"),
        *_TAIL[2:],
    ),
    "no_weight": tuple(column for column in _STANDARD_COLUMNS if column[0] != "weight"),
    "headerless_score": tuple((key, "" if key == "score" else name) for key, name in _STANDARD_COLUMNS),
    "op_value_unit": (
        *_LEVELS_AND_NAME,
        ("op", "指标性质"),
        ("target", "指标值"),
        ("unit", "度量单位"),
        *_TAIL,
    ),
}
OP_VALUE_UNIT_WIDTHS = (1.0, 1.1, 1.6, 0.7, 0.9, 0.7, 1.1, 0.6, 0.6, 1.6)


def _indicator_block(spec: ReportSpec, width: int) -> list[list[Cell]]:
    """Header, one row per 三级指标 with 一级/二级 merged vertically, then 总分.

    A layout with fewer columns than the table gives the spare width to the last column."""
    variant = spec.variant
    columns = _INDICATOR_COLUMNS[variant.indicator_layout]
    spare = width - len(columns)
    last = len(columns) - 1
    rows: list[list[Cell]] = [
        [
            Cell(header, header=True, colspan=1 + (spare if i == last else 0))
            for i, (_, header) in enumerate(columns)
        ]
    ]
    inds = spec.indicators
    for i, ind in enumerate(inds):
        new_level1 = i == 0 or inds[i - 1].level1 != ind.level1
        new_level2 = i == 0 or (inds[i - 1].level1, inds[i - 1].level2) != (ind.level1, ind.level2)
        values = _indicator_values(spec, ind, i + 1, core=new_level2)
        row: list[Cell] = []
        for c, (key, _) in enumerate(columns):
            colspan = 1 + (spare if c == last else 0)
            if key == "level1":
                if new_level1:
                    span = sum(1 for _ in _run(inds, i, lambda x: x.level1))
                    row.append(Cell(_level1_text(spec, ind.level1), rowspan=span))
            elif key == "level2":
                if new_level2:
                    span = sum(1 for _ in _run(inds, i, lambda x: (x.level1, x.level2)))
                    row.append(Cell(ind.level2, rowspan=span))
            elif key in ("weight", "score"):
                # A sub-row shares its parent's merged 分值/得分 cells.
                if not ind.sub_row:
                    row.append(Cell(values[key], colspan=colspan, rowspan=_rows_sharing_weight(inds, i)))
            else:
                row.append(Cell(values[key], colspan=colspan))
        rows.append(row)
    if variant.placeholder_rows:
        rows.append(
            [
                Cell("……" if c < 3 else "", colspan=1 + (spare if c == last else 0))
                for c in range(len(columns))
            ]
        )
    keys = [key for key, _ in columns]
    first_figure = keys.index("weight") if "weight" in keys else keys.index("score")
    total: list[Cell] = [Cell("总分", colspan=first_figure, header=True)]
    for c in range(first_figure, len(columns)):
        text = {"weight": "100", "score": fmt_hundredths(spec.total_score)}.get(keys[c], "")
        total.append(Cell(text, colspan=1 + (spare if c == last else 0)))
    rows.append(total)
    return rows


def _level1_text(spec: ReportSpec, level1: str) -> str:
    """ "产出指标", or "产出指标（50分）" where the template prints each group's points."""
    if not (spec.variant.level_points or spec.variant.level_points_only):
        return level1
    points = sum(ind.weight for ind in spec.indicators if ind.level1 == level1)
    note = f"（{fmt_hundredths(points, trim=True)}分）"
    return note if spec.variant.level_points_only else level1 + note


def _indicator_values(spec: ReportSpec, ind: Indicator, number: int, *, core: bool) -> dict[str, str]:
    variant = spec.variant
    op, value, unit = target_cells(ind, variant)
    return {
        "name": printed_name(ind, variant, number, core),
        "target": value if variant.indicator_layout == "op_value_unit" else printed_target(ind, variant),
        "op": op,
        "unit": unit,
        "actual": ind.actual_text,
        "weight": fmt_hundredths(ind.weight, trim=True),
        "score": fmt_hundredths(ind.score, trim=True),
        "reason": ind.deviation_reason or "",
    }


def _rows_sharing_weight(inds: list[Indicator], index: int) -> int:
    """The indicator's own row plus the sub-rows right under it."""
    count = 1
    while index + count < len(inds) and inds[index + count].sub_row:
        count += 1
    return count


def _run(items: list, start: int, key) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """Consecutive items from ``start`` sharing ``key`` (the rows a merged level cell covers)."""
    first = key(items[start])
    for item in items[start:]:
        if key(item) != first:
            return
        yield item


def scored_table(spec: ReportSpec) -> Table:
    """项目支出绩效自评表 or 部门整体支出绩效自评表, per the standard template."""
    if spec.kind == "project":
        head = [
            [Cell("项目名称", header=True), Cell(spec.project_name or "", colspan=7)],
            [Cell("主管部门", header=True), Cell(spec.department_name or "", colspan=3),
             Cell("实施单位", header=True), Cell(spec.unit_name, colspan=3)],
        ]  # fmt: skip
        caption = f"项目资金（{money_unit(spec.variant)}）"
    else:
        head = [[Cell("部门（单位）名称", header=True), Cell(spec.unit_name, colspan=7)]]
        caption = f"年度部门整体支出预算执行情况（{money_unit(spec.variant)}）"
    rows = head + _budget_block(spec, caption) + _goal_block(spec)
    if spec.variant.indicator_layout != "op_value_unit":
        rows += _indicator_block(spec, SCORED_COLUMNS)
    return Table(rows, SCORED_WIDTHS)


def scored_tables(spec: ReportSpec) -> list[Table]:
    """The scored table; with 指标性质 | 指标值 | 度量单位 the indicators are a second, wider table."""
    tables = [scored_table(spec)]
    if spec.variant.indicator_layout == "op_value_unit":
        tables.append(Table(_indicator_block(spec, len(OP_VALUE_UNIT_WIDTHS)), OP_VALUE_UNIT_WIDTHS))
    return tables


def _basic_cells(row: BasicRow) -> list[Cell]:
    if not row.is_money:
        return [Cell(str(v)) for v in row.values]
    return [Cell("——" if v is None else fmt_hundredths(v)) for v in row.values]


def basic_table(spec: ReportSpec) -> Table:
    rows = [[Cell("项目", header=True), *(Cell(name, header=True) for name in spec.basic_columns)]]
    rows += [[Cell(row.label), *_basic_cells(row)] for row in spec.basic_rows]
    return Table(rows, BASIC_WIDTHS)


def spec_to_document(spec: ReportSpec) -> Document:
    """Project: the table alone.  Department: 自评报告, then 附件1 基础数据表, 附件2 自评表.  The other
    families are laid out in layout_families (imported here: it builds on this module's cells)."""
    if spec.family not in ("mof_project_table", "department_overall_report"):
        from extractors.samples.layout_families import family_document

        return family_document(spec)
    grade_line = Paragraph(f"自评等级：{spec.grade}")
    if spec.kind == "project":
        section = Section(
            "项目支出绩效自评表",
            [Paragraph("项目支出绩效自评表", heading=True, centered=True),
             Paragraph(f"（{spec.fiscal_year}年度）", centered=True),
             *scored_tables(spec), grade_line],
        )  # fmt: skip
        return Document(spec.title, [section])
    report = Section("自评报告", [Paragraph(spec.title, heading=True, centered=True)])
    report.blocks += [Paragraph(s.text, heading=s.heading) for s in spec.narrative]
    basic = Section(
        "基础数据表",
        [Paragraph("附件1"), Paragraph(BASIC_TABLE_TITLE, heading=True, centered=True),
         Paragraph("单位：万元、人"), basic_table(spec)],
    )  # fmt: skip
    scored = Section(
        "自评表",
        [Paragraph("附件2"), Paragraph(spec.table_title, heading=True, centered=True), *scored_tables(spec),
         grade_line],
    )  # fmt: skip
    return Document(spec.title, [report, basic, scored])
