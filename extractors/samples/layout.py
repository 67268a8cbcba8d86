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
from extractors.samples.spec import BUDGET_WEIGHT, BasicRow, BudgetRow, ReportSpec, fmt_hundredths

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


def _amount_cells(row: BudgetRow, blank_zero_rows: bool) -> list[Cell]:
    if row.is_template_zero and blank_zero_rows:
        return [Cell("") for _ in row.amounts]
    return [Cell(fmt_hundredths(value)) for value in row.amounts]


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
                Cell(f"{fmt_hundredths(spec.execution_rate)}%"),
                Cell(fmt_hundredths(spec.budget_score, trim=True)),
            ]
        else:
            scored = [Cell("—"), Cell("—"), Cell("—")]
        rows.append([Cell(row.label), *_amount_cells(row, spec.blank_zero_rows), *scored])
    return rows


def _goal_block(spec: ReportSpec) -> list[list[Cell]]:
    return [
        [Cell("年度总体目标", rowspan=2, header=True), Cell("预期目标", colspan=3, header=True),
         Cell("实际完成情况", colspan=4, header=True)],
        [Cell(spec.goal_expected, colspan=3), Cell(spec.goal_actual, colspan=4)],
    ]  # fmt: skip


def _indicator_block(spec: ReportSpec) -> list[list[Cell]]:
    """Header, one row per 三级指标 with 一级/二级 merged vertically, then 总分."""
    rows: list[list[Cell]] = [[Cell(name, header=True) for name in INDICATOR_HEADER]]
    inds = spec.indicators
    for i, ind in enumerate(inds):
        row: list[Cell] = []
        if i == 0 or inds[i - 1].level1 != ind.level1:
            span = sum(1 for _ in _run(inds, i, lambda x: x.level1))
            row.append(Cell(ind.level1, rowspan=span))
        if i == 0 or (inds[i - 1].level1, inds[i - 1].level2) != (ind.level1, ind.level2):
            span = sum(1 for _ in _run(inds, i, lambda x: (x.level1, x.level2)))
            row.append(Cell(ind.level2, rowspan=span))
        row += [
            Cell(ind.name),
            Cell(ind.target_text),
            Cell(ind.actual_text),
            Cell(fmt_hundredths(ind.weight, trim=True)),
            Cell(fmt_hundredths(ind.score, trim=True)),
            Cell(ind.deviation_reason or ""),
        ]
        rows.append(row)
    rows.append(
        [Cell("总分", colspan=5, header=True), Cell("100"), Cell(fmt_hundredths(spec.total_score)), Cell("")]
    )
    return rows


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
        caption = "项目资金（万元）"
    else:
        head = [[Cell("部门（单位）名称", header=True), Cell(spec.unit_name, colspan=7)]]
        caption = "年度部门整体支出预算执行情况（万元）"
    rows = head + _budget_block(spec, caption) + _goal_block(spec) + _indicator_block(spec)
    return Table(rows, SCORED_WIDTHS)


def _basic_cells(row: BasicRow) -> list[Cell]:
    if not row.is_money:
        return [Cell(str(v)) for v in row.values]
    return [Cell("——" if v is None else fmt_hundredths(v)) for v in row.values]


def basic_table(spec: ReportSpec) -> Table:
    rows = [[Cell("项目", header=True), *(Cell(name, header=True) for name in spec.basic_columns)]]
    rows += [[Cell(row.label), *_basic_cells(row)] for row in spec.basic_rows]
    return Table(rows, BASIC_WIDTHS)


def spec_to_document(spec: ReportSpec) -> Document:
    """Project: the table alone.  Department: 自评报告, then 附件1 基础数据表, 附件2 自评表."""
    grade_line = Paragraph(f"自评等级：{spec.grade}")
    if spec.kind == "project":
        section = Section(
            "项目支出绩效自评表",
            [Paragraph("项目支出绩效自评表", heading=True, centered=True),
             Paragraph(f"（{spec.fiscal_year}年度）", centered=True),
             scored_table(spec), grade_line],
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
        [Paragraph("附件2"), Paragraph(spec.table_title, heading=True, centered=True), scored_table(spec),
         grade_line],
    )  # fmt: skip
    return Document(spec.title, [report, basic, scored])
