"""The printed form of the families in families.py: the transfer table and the transfer narrative.

Why apart from layout.py: these forms share only cells and paragraphs with the Ministry's
templates; their blocks (中央主管部门 row, a money block with no 年初 column, 指标值 against
全年实际完成值 with no 分值/得分) are laid out here once for every renderer.
"""

from __future__ import annotations

from extractors.samples.families import NarrativeForm, ScorecardForm, TransferForm
from extractors.samples.layout import Cell, Document, Paragraph, Section, Table, _run
from extractors.samples.spec import BudgetRow, ReportSpec, fmt_hundredths

TRANSFER_WIDTHS = (1.0, 1.1, 1.6, 1.2, 1.2, 0.9, 0.9, 1.1)


def _money_cells(spec: ReportSpec, row: BudgetRow) -> list[Cell]:
    if row.is_template_zero:
        return [Cell("", colspan=2), Cell("", colspan=2), Cell("")]
    adjusted, executed = row.amounts
    rate = (executed * 10000 * 2 + adjusted) // (2 * adjusted) if adjusted else 0
    return [
        Cell(fmt_hundredths(adjusted), colspan=2),
        Cell(fmt_hundredths(executed), colspan=2),
        Cell(f"{fmt_hundredths(rate)}%"),
    ]


def _transfer_rows(spec: ReportSpec, form: TransferForm) -> list[list[Cell]]:
    rows: list[list[Cell]] = [
        [Cell(form.name_key, header=True), Cell(spec.project_name or "", colspan=7)],
        [Cell("中央主管部门", header=True), Cell(spec.central_department or "", colspan=7)],
        [Cell("地方主管部门", header=True), Cell(spec.department_name or "", colspan=3),
         Cell("资金使用单位", header=True), Cell(spec.unit_name, colspan=3)],
        [Cell(f"{form.money_caption}（万元）", rowspan=len(spec.budget_rows) + 1, header=True),
         Cell("", colspan=2, header=True),
         *(Cell(name, colspan=2, header=True) for name in spec.budget_columns),
         Cell(form.rate_header, header=True)],
    ]  # fmt: skip
    rows += [[Cell(row.label, colspan=2), *_money_cells(spec, row)] for row in spec.budget_rows]
    if form.management_block:
        rows.append(
            [Cell("资金管理情况", rowspan=len(form.management) + 1, header=True),
             Cell("", colspan=2, header=True), Cell("情况说明", colspan=3, header=True),
             Cell("存在问题和改进措施", colspan=2, header=True)]
        )  # fmt: skip
        rows += [
            [Cell(aspect, colspan=2), Cell(remark, colspan=3), Cell("", colspan=2)]
            for aspect, remark in form.management
        ]
    if form.goal_style == "year":
        goal_head = ("年度总体目标", "年初设定目标", "全年实际完成情况")
    else:
        goal_head = ("总体目标完成情况", "总体目标", "全年实际完成情况")
    rows += [
        [Cell(goal_head[0], rowspan=2, header=True), Cell(goal_head[1], colspan=3, header=True),
         Cell(goal_head[2], colspan=4, header=True)],
        [Cell(spec.goal_expected, colspan=3), Cell(spec.goal_actual, colspan=4)],
    ]  # fmt: skip
    inds = spec.indicators
    rows.append(
        [Cell("绩效指标", rowspan=len(inds) + 1, header=True), Cell("一级指标", header=True),
         Cell("二级指标", header=True), Cell("三级指标", header=True), Cell(form.target_header, header=True),
         Cell(form.actual_header, header=True), Cell("未完成原因和改进措施", colspan=2, header=True)]
    )  # fmt: skip
    for i, ind in enumerate(inds):
        row: list[Cell] = []
        if i == 0 or inds[i - 1].level1 != ind.level1:
            row.append(Cell(ind.level1 or "", rowspan=sum(1 for _ in _run(inds, i, lambda x: x.level1))))
        if i == 0 or (inds[i - 1].level1, inds[i - 1].level2) != (ind.level1, ind.level2):
            span = sum(1 for _ in _run(inds, i, lambda x: (x.level1, x.level2)))
            row.append(Cell(ind.level2 or "", rowspan=span))
        row += [
            Cell(ind.name),
            Cell(ind.target_text or ""),
            Cell(ind.actual_text),
            Cell(ind.deviation_reason or "", colspan=2),
        ]
        rows.append(row)
    return rows


def transfer_table_document(spec: ReportSpec) -> Document:
    """The form: its title, the year line (the only place the form prints its year), the one table."""
    form = spec.form
    assert isinstance(form, TransferForm)
    blocks: list[Paragraph | Table] = [
        Paragraph(spec.table_title, heading=True, centered=True),
        Paragraph(f"（{spec.fiscal_year}年度）", centered=True),
        Table(_transfer_rows(spec, form), TRANSFER_WIDTHS),
    ]
    return Document(spec.title, [Section("绩效目标自评表", blocks)])


def narrative_document(spec: ReportSpec) -> Document:
    """The report's title, then its outline, one paragraph per sentence or heading."""
    assert isinstance(spec.form, NarrativeForm)
    blocks: list[Paragraph | Table] = [Paragraph(spec.title, heading=True, centered=True)]
    blocks += [Paragraph(s.text, heading=s.heading) for s in spec.narrative]
    return Document(spec.title, [Section("自评报告", blocks)])


SCORECARD_WIDTHS = (1.4, 1.4, 2.2, 0.8, 0.8)


def _scorecard_rows(spec: ReportSpec, form: ScorecardForm) -> list[list[Cell]]:
    inds = spec.indicators
    rows: list[list[Cell]] = [
        [Cell("一级指标", header=True), Cell("二级指标", header=True), Cell("三级指标", header=True),
         Cell(form.weight_header, header=True), Cell(form.score_header, header=True)],
    ]  # fmt: skip
    for i, ind in enumerate(inds):
        row: list[Cell] = []
        if i == 0 or inds[i - 1].level1 != ind.level1:
            group = [x for x in _run(inds, i, lambda x: x.level1)]
            text = ind.level1 or ""
            if form.level_points:
                text += f"（{fmt_hundredths(sum(x.weight for x in group), trim=True)}分）"
            row.append(Cell(text, rowspan=len(group)))
        if i == 0 or (inds[i - 1].level1, inds[i - 1].level2) != (ind.level1, ind.level2):
            span = sum(1 for _ in _run(inds, i, lambda x: (x.level1, x.level2)))
            row.append(Cell(ind.level2 or "", rowspan=span))
        row += [
            Cell(ind.name),
            Cell(fmt_hundredths(ind.weight, trim=True)),
            Cell(fmt_hundredths(ind.score, trim=True)),
        ]
        rows.append(row)
    rows.append(
        [Cell("总分", colspan=3, header=True), Cell("100"), Cell(fmt_hundredths(spec.total_score, trim=True))]
    )
    return rows


def scorecard_document(spec: ReportSpec) -> Document:
    """The older report's cover lines, its 基本概况 keys, then the scorecard and the grade."""
    form = spec.form
    assert isinstance(form, ScorecardForm)
    keys = Table(
        [
            [Cell("项目名称", header=True), Cell(spec.project_name or "", colspan=3)],
            [
                Cell("主管部门", header=True),
                Cell(spec.department_name or ""),
                Cell("实施单位", header=True),
                Cell(spec.unit_name),
            ],
        ],
        (1.2, 2.4, 1.2, 2.4),
    )
    blocks: list[Paragraph | Table] = [
        Paragraph("财政支出项目绩效评价自评报告", heading=True, centered=True),
        Paragraph(f"（{spec.fiscal_year}年度）", centered=True),
        Paragraph("一、项目基本概况", heading=True),
        keys,
        Paragraph("二、绩效评价指标评分情况", heading=True),
        Paragraph(spec.table_title, centered=True),
        Table(_scorecard_rows(spec, form), SCORECARD_WIDTHS),
        Paragraph(f"自评等级：{spec.grade}"),
    ]
    return Document(spec.title, [Section("自评报告", blocks)])


def family_document(spec: ReportSpec) -> Document:
    if spec.family == "transfer_region_table":
        return transfer_table_document(spec)
    if spec.family == "transfer_narrative":
        return narrative_document(spec)
    if spec.family == "scorecard":
        return scorecard_document(spec)
    raise ValueError(f"no layout for family {spec.family!r}")
