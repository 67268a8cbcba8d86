"""What one sample report says, decided before it is rendered: the ground truth.

Why a spec first: every format (PDF, DOCX, XLSX, HTML) is drawn from the same
``ReportSpec``, and the extraction record the extractor must reproduce is
derived from it too (``record.spec_to_record``), so rendering can never drift
from the truth.  Money and scores are integers in hundredths (分: 0.01 万元,
0.01 point) so that totals add up exactly, as they do in a well-kept report.

Conventions (those of the seed labels, shared/corpus/seeds/README.md):
* A budget row whose printed amounts are all zero (or blank) is a template
  row: not a fact.  In a row that carries a non-zero amount, a printed 0 is a
  fact.
* 上年结转资金 has no contract line, so it is printed but never a fact.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import random
from dataclasses import dataclass, field

from extractors.samples import catalog
from extractors.samples.catalog import Department, Region

REPORT_KINDS = ("project", "department_overall")
# The template families a report is printed in (tests/corpus/real/INDEX.md names the real ones):
# the Ministry's project table, the department's report with its tables, the central transfer
# form (区域绩效目标自评表), the transfer outline narrative and the older project scorecard
# (财政支出项目绩效评价自评报告 with 分值 and 得分 only).
FAMILIES = (
    "mof_project_table",
    "department_overall_report",
    "transfer_region_table",
    "transfer_narrative",
    "scorecard",
)
FAMILY_KIND = {
    "mof_project_table": "project",
    "department_overall_report": "department_overall",
    "transfer_region_table": "project",
    "transfer_narrative": "project",
    "scorecard": "project",
}
DEFAULT_FAMILY = {"project": "mof_project_table", "department_overall": "department_overall_report"}
# Families whose forms print no 分值/得分, so no weights, scores, total or grade.
UNSCORED_FAMILIES = frozenset({"transfer_region_table", "transfer_narrative"})
FISCAL_YEARS = (2021, 2022, 2023, 2024)
STAGES = ("initial_budget", "adjusted_budget", "executed")
BUDGET_WEIGHT = 1000  # the 预算执行率 row's 分值 (10 points, in hundredths)
GROUP_WEIGHTS = (("产出指标", 5000), ("效益指标", 3000), ("满意度指标", 1000))


def fmt_hundredths(value: int, *, trim: bool = False) -> str:
    """12345 → "123.45"; with ``trim`` scores print as people write them (10, 9.5, 9.64)."""
    sign = "-" if value < 0 else ""
    whole, frac = divmod(abs(value), 100)
    text = f"{sign}{whole}.{frac:02d}"
    if trim:
        text = text.rstrip("0").rstrip(".")
    return text


def grade_for(total: int) -> str:
    """优 ≥ 90, 良 80–90, 中 60–80, 差 < 60 (total in hundredths)."""
    if total >= 9000:
        return "优"
    if total >= 8000:
        return "良"
    if total >= 6000:
        return "中"
    return "差"


@dataclass(frozen=True)
class BudgetRow:
    """One row of a money block: label as printed, contract line (None: never a fact), amounts by stage."""

    label: str
    line: str | None
    # By the spec's budget_stages: initial_budget, adjusted_budget, executed (hundredths of 万元),
    # or adjusted_budget, executed where the form prints no 年初 column.
    amounts: tuple[int, ...]

    @property
    def is_template_zero(self) -> bool:
        return not any(self.amounts)


@dataclass(frozen=True)
class BasicRow:
    """One row of the 基础数据表; ``None`` values print as ——; head counts are not money."""

    label: str
    line: str | None
    values: tuple[int | None, int | None, int | None]  # prior_year_final, initial_budget, executed
    is_money: bool = True

    @property
    def is_template_zero(self) -> bool:
        return not any(v for v in self.values if v is not None)


@dataclass(frozen=True)
class Indicator:
    """One 三级指标 row with its truth; numbers as they will be labelled."""

    level1: str | None
    level2: str | None
    name: str
    target_text: str | None  # None where a narrative states only the result
    target_op: str | None
    target_value: float | None
    target_unit: str | None
    actual_text: str
    actual_value: float | None
    actual_unit: str | None
    weight: int
    score: int
    deviation_reason: str | None
    # A row under the previous indicator sharing its 分值/得分 cells (merged): no weight or score of its own.
    sub_row: bool = False


@dataclass(frozen=True)
class StatedFact:
    """A budget amount a narrative sentence states: (line, stage, amount)."""

    line: str
    stage: str
    amount: int


@dataclass(frozen=True)
class Sentence:
    """A narrative paragraph and the budget facts it states (for the prose part of the truth)."""

    text: str
    facts: tuple[StatedFact, ...] = ()
    heading: bool = False
    # Indicators the sentence names in passing ("资金到位率100%"), beyond the spec's indicator list.
    indicators: tuple[Indicator, ...] = ()


INDICATOR_LAYOUTS = ("standard", "score_before_target", "no_weight", "headerless_score", "op_value_unit")


@dataclass(frozen=True)
class LayoutVariant:
    """How a portal's template departs from the Ministry standard, as seen on real portals.

    Why a separate, explicit value: the truth of a report (its ``ReportSpec``) must not
    depend on how it is printed, except where a variant removes or moves information —
    no 分值 column (weights unknown), amounts printed in 元 — and ``record.py`` states
    those few consequences in one place.  The default is the standard template.

    * ``indicator_layout``: "standard"; "score_before_target" (分值 before 年度指标值);
      "no_weight" (no 分值 column); "headerless_score" (the 得分 column has no header);
      "op_value_unit" (指标性质 | 指标值 | 度量单位 instead of 年度指标值, in its own table).
    * ``level_points``: 一级指标 cells carry their points ("产出指标（50分）").
    * ``level_points_only``: 一级指标 cells print nothing but the points ("（50分）").
    * ``operator_lookalikes``: ≧ ≦ ═ printed instead of ≥ ≤ =.
    * ``operator_in_name``: count targets printed in the name ("公猪舍（≥**平方米）"), the
      target cell holding the bare number.
    * ``core_markers``: ★ before the first indicator of each 二级指标.
    * ``numbered_names``: "指标1：" before each 三级指标.
    * ``placeholder_rows``: a "……" row left from the template before 总分.
    * ``amounts_in_yuan``: the money block printed in 元 under a (元) header.
    * ``bare_rate``: the 执行率 printed as a bare number (no %).
    * ``sichuan_funds``: project funds split 财政资金 / 财政专户管理资金 / 单位资金 / 其他资金.
    * ``weight_subrows``: a second 数量指标 row shares the first one's merged 分值 and 得分 cells.
    """

    indicator_layout: str = "standard"
    level_points: bool = False
    level_points_only: bool = False
    operator_lookalikes: bool = False
    operator_in_name: bool = False
    core_markers: bool = False
    numbered_names: bool = False
    placeholder_rows: bool = False
    amounts_in_yuan: bool = False
    bare_rate: bool = False
    sichuan_funds: bool = False
    weight_subrows: bool = False

    def __post_init__(self) -> None:
        if self.indicator_layout not in INDICATOR_LAYOUTS:
            raise ValueError(
                f"unknown indicator layout {self.indicator_layout!r}; expected {INDICATOR_LAYOUTS}"
            )


STANDARD_LAYOUT = LayoutVariant()
VARIANT_FLAGS = tuple(f for f in LayoutVariant.__dataclass_fields__ if f != "indicator_layout")


def random_layout_variant(rng: random.Random, probability: float = 0.35) -> LayoutVariant:
    """A mix of departures from the standard template, each present with ``probability``."""
    layout = rng.choice(INDICATOR_LAYOUTS)
    flags = {name: rng.random() < probability for name in VARIANT_FLAGS}
    return LayoutVariant(indicator_layout=layout, **flags)


@dataclass
class ReportSpec:
    """Everything one sample report states; see module docstring."""

    kind: str
    fiscal_year: int
    region: Region
    unit_name: str
    department_name: str | None
    project_name: str | None
    published_at: dt.date
    budget_rows: list[BudgetRow]
    indicators: list[Indicator]
    goal_expected: str
    goal_actual: str
    blank_zero_rows: bool = False
    basic_rows: list[BasicRow] = field(default_factory=list)
    basic_columns: tuple[str, str, str] = ("上年决算数", "本年预算数", "本年决算数")
    narrative: list[Sentence] = field(default_factory=list)
    variant: LayoutVariant = STANDARD_LAYOUT
    # The template family ("" → the kind's default); see FAMILIES.
    family: str = ""
    # The money block's stages and their printed column names, in order.
    budget_stages: tuple[str, ...] = STAGES
    budget_columns: tuple[str, ...] = ("年初预算数", "全年预算数", "全年执行数")
    # A transfer's issuing ministry (中央主管部门), printed but no field of the record.
    central_department: str | None = None
    # How a family other than the Ministry's prints itself (families.TransferForm, …); None: standard.
    form: object | None = None
    # Titles printed instead of the standard ones (the transfer and older forms name themselves).
    printed_title: str | None = None
    printed_table_title: str | None = None

    def __post_init__(self) -> None:
        if not self.family:
            self.family = DEFAULT_FAMILY[self.kind]
        if self.family not in FAMILIES:
            raise ValueError(f"unknown family {self.family!r}; expected one of {FAMILIES}")

    @property
    def scored(self) -> bool:
        """Whether the form prints 分值 and 得分 (and so a total score and grade)."""
        return self.family not in UNSCORED_FAMILIES

    @property
    def prints_money_table(self) -> bool:
        """Whether the budget rows are printed as a table (a narrative states its money in sentences)."""
        return self.family != "transfer_narrative"

    @property
    def total_row(self) -> BudgetRow:
        return self.budget_rows[0]

    def stage_amount(self, row: BudgetRow, stage: str) -> int:
        return row.amounts[self.budget_stages.index(stage)]

    @property
    def execution_rate(self) -> int:
        """全年执行数 / 全年预算数 in hundredths of a percent, rounded half up."""
        adjusted = self.stage_amount(self.total_row, "adjusted_budget")
        executed = self.stage_amount(self.total_row, "executed")
        return (executed * 10000 * 2 + adjusted) // (2 * adjusted)

    @property
    def budget_score(self) -> int:
        """The 预算执行率 row's 得分: rate × 分值, capped at 分值 (hundredths)."""
        return min(BUDGET_WEIGHT, (self.execution_rate + 5) // 10)

    @property
    def total_score(self) -> int:
        """The 预算执行率 row's points (where a money block is scored) and every indicator's."""
        budget = self.budget_score if self.budget_rows else 0
        return budget + sum(ind.score for ind in self.indicators)

    @property
    def grade(self) -> str:
        return grade_for(self.total_score)

    @property
    def title(self) -> str:
        """The title the portal publishes the report under."""
        if self.printed_title:
            return self.printed_title
        if self.kind == "project":
            return f"{self.unit_name}{self.fiscal_year}年度项目支出绩效自评表（{self.project_name}）"
        return f"{self.unit_name}{self.fiscal_year}年度部门整体支出绩效自评报告"

    @property
    def table_title(self) -> str:
        """The heading of the scored table."""
        if self.printed_table_title:
            return self.printed_table_title
        if self.kind == "project":
            return f"项目支出绩效自评表（{self.fiscal_year}年度）"
        return f"部门整体支出绩效自评表（{self.fiscal_year}年度）"


# --- random generation -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Performance:
    """How well the unit did: drives shortfalls, so grades other than 优 occur."""

    shortfall_probability: float
    shortfall_depth: tuple[float, float]
    execution_low: float
    execution_high: float


_PERFORMANCES = (
    (0.55, _Performance(0.10, (0.8, 0.97), 0.93, 1.0)),
    (0.30, _Performance(0.45, (0.7, 0.95), 0.85, 0.97)),
    (0.15, _Performance(0.90, (0.3, 0.8), 0.55, 0.85)),
)


def _pick_performance(rng: random.Random) -> _Performance:
    roll = rng.random()
    for probability, performance in _PERFORMANCES:
        if roll < probability:
            return performance
        roll -= probability
    return _PERFORMANCES[-1][1]


def _split_weight(rng: random.Random, total: int, parts: int) -> list[int]:
    """Whole-point weights (in hundredths) summing to ``total``, each at least 3 points."""
    points = total // 100
    weights = [points // parts] * parts
    for i in range(points - sum(weights)):
        weights[i % parts] += 1
    for _ in range(parts):
        i, j = rng.randrange(parts), rng.randrange(parts)
        delta = rng.randint(1, 3)
        if i != j and weights[i] - delta >= 3:
            weights[i] -= delta
            weights[j] += delta
    return [w * 100 for w in weights]


def _round_nice(value: int) -> int:
    """Targets are round numbers: 1234 → 1230, 87 → 87."""
    if value >= 1000:
        return value // 100 * 100
    if value >= 100:
        return value // 10 * 10
    return value


def _ratio_score(weight: int, numerator: float, denominator: float) -> int:
    """weight × ratio, floored to 0.1 point and capped at the weight (hundredths)."""
    raw = weight * numerator / denominator
    return min(weight, int(raw // 10) * 10)


def _fmt_number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _count_indicator(
    rng: random.Random,
    level1: str,
    level2: str,
    template: catalog.QuantityTemplate,
    weight: int,
    short: float | None,
) -> Indicator:
    target = _round_nice(rng.randint(template.low, template.high))
    wording = rng.choice(("≥{v}{u}", "{v}{u}以上", "不低于{v}{u}"))
    actual = int(target * short) if short is not None else target + rng.randint(0, max(1, target // 4))
    with_unit = rng.random() < 0.5
    score = _ratio_score(weight, actual, target) if short is not None else weight
    return Indicator(
        level1, level2, template.name,
        wording.format(v=target, u=template.unit), ">=", float(target), template.unit,
        f"{actual}{template.unit}" if with_unit else str(actual), float(actual),
        template.unit if with_unit else None,
        weight, score, rng.choice(catalog.DEVIATION_REASONS) if score < weight else None,
    )  # fmt: skip


def _rate_indicator(
    rng: random.Random, level1: str, level2: str, name: str, weight: int, short: float | None
) -> Indicator:
    style = rng.choice((">=", ">=", "=", "bare"))
    if style == ">=":
        target = rng.choice((85, 90, 95, 98))
        text = rng.choice(("≥{v}%", "{v}%以上", "不低于{v}%")).format(v=target)
        op: str | None = ">="
    else:
        target = 100
        text = "=100%" if style == "=" else "100%"
        op = "=" if style == "=" else None
    if short is not None:
        actual = round(target * short, 1)
    else:
        actual = 100.0 if target == 100 else round(rng.uniform(target, 100.0), 1)
    score = _ratio_score(weight, actual, target) if short is not None else weight
    return Indicator(
        level1, level2, name, text, op, float(target), "%", f"{_fmt_number(actual)}%", actual, "%",
        weight, score, rng.choice(catalog.DEVIATION_REASONS) if score < weight else None,
    )  # fmt: skip


def _deadline_indicator(
    rng: random.Random, level1: str, level2: str, name: str, weight: int, short: float | None
) -> Indicator:
    target = rng.choice((15, 20, 30, 60))
    text = rng.choice(("≤{v}天", "{v}天以内", "不超过{v}天")).format(v=target)
    actual = math.ceil(target / short) + 1 if short is not None else rng.randint(target // 2, target)
    score = _ratio_score(weight, target, actual) if short is not None else weight
    return Indicator(
        level1, level2, name, text, "<=", float(target), "天", f"{actual}天", float(actual), "天",
        weight, score, rng.choice(catalog.DEVIATION_REASONS) if score < weight else None,
    )  # fmt: skip


def _qualitative_indicator(
    rng: random.Random,
    level1: str,
    level2: str,
    choice: tuple[str, str, str],
    weight: int,
    short: float | None,
) -> Indicator:
    name, target_text, achieved_text = choice
    deduction = max(50, round(weight * (1 - short) / 50) * 50) if short is not None else 0
    return Indicator(
        level1, level2, name, target_text, "qualitative", None, None,
        rng.choice(catalog.PARTIAL_QUALITATIVE_ACTUALS) if short is not None else achieved_text, None, None,
        weight, weight - deduction, rng.choice(catalog.DEVIATION_REASONS) if deduction else None,
    )  # fmt: skip


def _cost_indicator(rng: random.Random, weight: int, adjusted: int, executed: int) -> Indicator:
    """成本指标 under 产出: spending against the year's budget (never exceeded in these samples)."""
    if rng.random() < 0.5:
        text, value, unit = "不超过预算金额", None, None
    else:
        text, value, unit = f"≤{fmt_hundredths(adjusted)}万元", adjusted / 100, "万元"
    return Indicator(
        "产出指标", "成本指标", "项目成本控制", text, "<=", value, unit,
        f"{fmt_hundredths(executed)}万元", executed / 100, "万元", weight, weight, None,
    )  # fmt: skip


def _indicators(
    rng: random.Random, department: Department, performance: _Performance, *, cost: tuple[int, int] | None
) -> list[Indicator]:
    """产出 50 / 效益 30 / 满意度 10 points (the 预算执行率 row carries the last 10)."""

    def short() -> float | None:
        """None when the target was met, else the share of it that was achieved."""
        if rng.random() < performance.shortfall_probability:
            return rng.uniform(*performance.shortfall_depth)
        return None

    output_kinds = ["count", "count", "quality", "timeliness"] + (["cost"] if cost else [])
    if not cost and rng.random() < 0.5:
        output_kinds.insert(2, "count")
    benefit_kinds = ["social"] * rng.randint(1, 2) + ["sustainable"]
    indicators: list[Indicator] = []
    quantities = rng.sample(department.quantities, k=output_kinds.count("count"))
    for kind, weight in zip(
        output_kinds, _split_weight(rng, GROUP_WEIGHTS[0][1], len(output_kinds)), strict=True
    ):
        if kind == "count":
            indicators.append(
                _count_indicator(rng, "产出指标", "数量指标", quantities.pop(), weight, short())
            )
        elif kind == "quality":
            name = rng.choice(catalog.QUALITY_RATES)
            indicators.append(_rate_indicator(rng, "产出指标", "质量指标", name, weight, short()))
        elif kind == "timeliness":
            if rng.random() < 0.5:
                name = rng.choice(catalog.TIMELINESS_RATES)
                indicators.append(_rate_indicator(rng, "产出指标", "时效指标", name, weight, short()))
            else:
                name = rng.choice(catalog.TIMELINESS_DEADLINES)
                indicators.append(_deadline_indicator(rng, "产出指标", "时效指标", name, weight, short()))
        else:
            assert cost is not None
            indicators.append(_cost_indicator(rng, weight, *cost))
    socials = rng.sample(catalog.SOCIAL_BENEFITS, k=benefit_kinds.count("social"))
    for kind, weight in zip(
        benefit_kinds, _split_weight(rng, GROUP_WEIGHTS[1][1], len(benefit_kinds)), strict=True
    ):
        if kind == "social":
            indicators.append(
                _qualitative_indicator(rng, "效益指标", "社会效益指标", socials.pop(), weight, short())
            )
        else:
            choice = rng.choice(catalog.SUSTAINABLE_IMPACTS)
            indicators.append(
                _qualitative_indicator(rng, "效益指标", "可持续影响指标", choice, weight, short())
            )
    satisfaction = rng.choice(catalog.SATISFACTIONS)
    indicators.append(
        _rate_indicator(rng, "满意度指标", "服务对象满意度指标", satisfaction, GROUP_WEIGHTS[2][1], short())
    )
    return indicators


def _with_sub_row(rng: random.Random, department: Department, indicators: list[Indicator]) -> list[Indicator]:
    """A further 数量指标 printed under the first one, without a 分值/得分 of its own."""
    used = {ind.name for ind in indicators}
    spare = [t for t in department.quantities if t.name not in used]
    first = next((i for i, ind in enumerate(indicators) if ind.level2 == "数量指标"), None)
    if not spare or first is None:
        return indicators
    parent = indicators[first]
    sub = _count_indicator(rng, parent.level1, parent.level2, rng.choice(spare), 0, None)
    sub = dataclasses.replace(sub, weight=0, score=0, deviation_reason=None, sub_row=True)
    return [*indicators[: first + 1], sub, *indicators[first + 1 :]]


def _scale(amount: int, factor: float) -> int:
    return max(0, round(amount * factor))


def _executed(rng: random.Random, amount: int, performance: _Performance) -> int:
    if rng.random() < 0.3 and performance.execution_low > 0.9:
        return amount
    return _scale(amount, rng.uniform(performance.execution_low, performance.execution_high))


def _project_budget(rng: random.Random, performance: _Performance) -> list[BudgetRow]:
    total = rng.randint(2_000, 300_000)
    carry = rng.randint(total * 2 // 100, total * 15 // 100) if rng.random() < 0.35 else 0
    other = rng.randint(total // 100, total // 10) if rng.random() < 0.3 else 0
    fiscal = total - carry - other
    fiscal_initial = fiscal if rng.random() < 0.4 else _scale(fiscal, rng.uniform(0.8, 1.05))
    other_initial = other if rng.random() < 0.7 else 0
    rows = [
        ("其中：当年财政拨款", "fiscal_funds", (fiscal_initial, fiscal, _executed(rng, fiscal, performance))),
        ("上年结转资金", None, (0, carry, _executed(rng, carry, performance))),
        ("其他资金", "other_funds", (other_initial, other, _executed(rng, other, performance))),
    ]
    sums = tuple(sum(amounts[i] for _, _, amounts in rows) for i in range(3))
    total_row = BudgetRow("年度资金总额", "total", (sums[0], sums[1], sums[2]))
    return [total_row, *(BudgetRow(label, line, amounts) for label, line, amounts in rows)]


def _sichuan_project_budget(rng: random.Random, performance: _Performance) -> list[BudgetRow]:
    """Sichuan's project funds: 财政资金 / 财政专户管理资金 / 单位资金 / 其他资金 under the total."""
    total = rng.randint(2_000, 300_000)
    special = rng.randint(total // 50, total // 8) if rng.random() < 0.5 else 0
    unit = rng.randint(total // 100, total // 10) if rng.random() < 0.5 else 0
    other = rng.randint(total // 100, total // 20) if rng.random() < 0.3 else 0
    fiscal = total - special - unit - other
    rows = []
    for label, line, adjusted in (
        ("其中：财政资金", "fiscal_funds", fiscal),
        ("财政专户管理资金", "special_account", special),
        ("单位资金", "unit_funds", unit),
        ("其他资金", "other_funds", other),
    ):
        initial = adjusted if rng.random() < 0.6 else _scale(adjusted, rng.uniform(0.8, 1.0))
        rows.append(BudgetRow(label, line, (initial, adjusted, _executed(rng, adjusted, performance))))
    sums = tuple(sum(row.amounts[i] for row in rows) for i in range(3))
    return [BudgetRow("年度资金总额", "total", (sums[0], sums[1], sums[2])), *rows]


def _split_amount(total: int, fractions: list[float]) -> list[int]:
    """Parts of ``total`` by fractions of it; the first part takes the rounding remainder."""
    rest = [round(total * f) for f in fractions]
    return [total - sum(rest), *rest]


def _department_budget(rng: random.Random, performance: _Performance) -> list[BudgetRow]:
    adjusted = rng.randint(30_000, 800_000)
    initial = adjusted if rng.random() < 0.3 else _scale(adjusted, rng.uniform(0.85, 1.02))
    executed = _executed(rng, adjusted, performance)
    fund_share = rng.uniform(0.02, 0.15) if rng.random() < 0.25 else 0.0
    other_share = rng.uniform(0.005, 0.05) if rng.random() < 0.4 else 0.0
    basic_share = rng.uniform(0.4, 0.75)
    income, expense = [], []
    for stage_total in (initial, adjusted, executed):
        income.append(_split_amount(stage_total, [fund_share, other_share]))
        basic = round(stage_total * (basic_share + rng.uniform(-0.02, 0.02)))
        expense.append([basic, stage_total - basic])

    def by_stage(parts: list[list[int]], index: int) -> tuple[int, int, int]:
        return (parts[0][index], parts[1][index], parts[2][index])

    return [
        BudgetRow("年度资金总额", "total", (initial, adjusted, executed)),
        BudgetRow("按收入性质分：一般公共预算", "general_public_budget", by_stage(income, 0)),
        BudgetRow("政府性基金", "government_fund", by_stage(income, 1)),
        BudgetRow("其他资金", "other_funds", by_stage(income, 2)),
        BudgetRow("按支出性质分：基本支出", "basic_expenditure", by_stage(expense, 0)),
        BudgetRow("项目支出", "project_expenditure", by_stage(expense, 1)),
    ]


def _three_values(rng: random.Random, low: int, high: int) -> tuple[int, int, int]:
    return (rng.randint(low, high), rng.randint(low, high), rng.randint(low, high))


def _add(*rows: tuple[int, int, int]) -> tuple[int, int, int]:
    return (sum(r[0] for r in rows), sum(r[1] for r in rows), sum(r[2] for r in rows))


def _basic_rows(rng: random.Random, budget: list[BudgetRow]) -> list[BasicRow]:
    """The 基础数据表; 项目支出 repeats the 自评表's 年初 and 执行 figures (equal repeats, one fact)."""
    staff = rng.randint(15, 120)
    staff_prior = staff + rng.randint(-3, 3)
    employed = staff - rng.randint(0, 5)
    employed_prior = employed + rng.randint(-3, 3)
    purchase = (0, rng.randint(1_000, 2_500), rng.randint(900, 2_500)) if rng.random() < 0.15 else (0, 0, 0)
    operation = _three_values(rng, 200, 3_000)
    overseas = (0, rng.randint(100, 500), 0) if rng.random() < 0.1 else (0, 0, 0)
    reception = _three_values(rng, 50, 800)
    vehicles = _add(purchase, operation)
    three_public = _add(vehicles, overseas, reception)
    project = next(row for row in budget if row.line == "project_expenditure").amounts
    basic = next(row for row in budget if row.line == "basic_expenditure").amounts
    project_prior = _scale(project[2], rng.uniform(0.8, 1.2))
    # 公用经费 is a part of 基本支出: prior year sized on this year's spending, then budget and actual.
    share = rng.uniform(0.08, 0.2)
    public = tuple(_scale(basic[i], share + rng.uniform(-0.01, 0.01)) for i in (2, 0, 2))
    office = tuple(_scale(v, rng.uniform(0.2, 0.4)) for v in public)
    utilities = tuple(_scale(v, rng.uniform(0.1, 0.25)) for v in public)
    meetings = tuple(0 if rng.random() < 0.2 else _scale(v, rng.uniform(0.02, 0.1)) for v in public)
    procurement = _three_values(rng, 1_000, 60_000)
    procurement_values: tuple[int | None, int | None, int | None] = (
        (None, procurement[1], procurement[2]) if rng.random() < 0.3 else procurement
    )
    money = [
        ("三公经费", "three_public", three_public),
        ("1、公务用车购置和维护经费", "official_vehicles", vehicles),
        ("其中：公车购置", "vehicle_purchase", purchase),
        ("公车运行维护", "vehicle_operation", operation),
        ("2、出国经费", "overseas_travel", overseas),
        ("3、公务接待", "official_reception", reception),
        ("项目支出", "project_expenditure", (project_prior, project[0], project[2])),
        ("公用经费", "public_operating", public),
        ("其中：办公经费", "office", office),
        ("水费、电费、差旅费", "utilities_travel", utilities),
        ("会议费、培训费", "meetings_training", meetings),
    ]
    rows = [
        BasicRow("编制数", None, (staff_prior, staff, staff), is_money=False),
        BasicRow("在职人数", None, (employed_prior, employed, employed), is_money=False),
    ]
    rows += [BasicRow(label, line, values) for label, line, values in money]
    rows.append(BasicRow("政府采购金额", "government_procurement", procurement_values))
    return rows


def _narrative(spec: ReportSpec, department: Department, rng: random.Random) -> list[Sentence]:
    staff = spec.basic_rows[0].values[2]
    employed = spec.basic_rows[1].values[2]
    _, adjusted, executed = spec.total_row.amounts
    basic = next(row for row in spec.budget_rows if row.line == "basic_expenditure").amounts[2]
    project = next(row for row in spec.budget_rows if row.line == "project_expenditure").amounts[2]
    year = spec.fiscal_year
    return [
        Sentence("一、部门基本情况", heading=True),
        Sentence(
            f"{spec.unit_name}主要职责是{department.mission}。{year}年末，本部门编制数{staff}人，"
            f"在职人数{employed}人，内设机构{rng.randint(3, 9)}个。"
        ),
        Sentence("二、部门整体支出情况", heading=True),
        Sentence(
            f"{year}年度，本部门全年预算数{fmt_hundredths(adjusted)}万元，全年执行数{fmt_hundredths(executed)}万元，"
            f"其中基本支出执行数{fmt_hundredths(basic)}万元，项目支出执行数{fmt_hundredths(project)}万元。",
            (
                StatedFact("total", "adjusted_budget", adjusted),
                StatedFact("total", "executed", executed),
                StatedFact("basic_expenditure", "executed", basic),
                StatedFact("project_expenditure", "executed", project),
            ),
        ),
        Sentence("三、绩效目标完成情况", heading=True),
        Sentence(f"{spec.goal_actual}。详见附件。"),
        Sentence("四、自评结论", heading=True),
        Sentence(
            f"经自评，{spec.unit_name}{year}年度部门整体支出绩效自评得分"
            f"{fmt_hundredths(spec.total_score)}分，评价等级为“{spec.grade}”。"
        ),
    ]


def random_report_spec(
    rng: random.Random, kind: str | None = None, variant: LayoutVariant = STANDARD_LAYOUT
) -> ReportSpec:
    """A plausible, internally consistent report drawn from ``rng`` (same state → same spec).

    ``variant`` changes only how it is printed, except ``sichuan_funds``, which draws the
    project's funds in Sichuan's rows; the standard layout draws exactly as before."""
    if kind is None:
        kind = rng.choice(REPORT_KINDS)
    if kind not in REPORT_KINDS:
        raise ValueError(f"unknown report kind {kind!r}; expected one of {REPORT_KINDS}")
    region = rng.choice(catalog.COUNTIES)
    if rng.random() < 0.2:
        region = Region(region.province, region.city, None)
    department = rng.choice(catalog.DEPARTMENTS)
    department_name = region.prefix + department.name
    fiscal_year = rng.choice(FISCAL_YEARS)
    published_at = dt.date(fiscal_year + 1, rng.randint(3, 11), rng.randint(1, 28))
    performance = _pick_performance(rng)
    goal_expected, goal_actual = rng.choice(catalog.GOALS)
    if kind == "project":
        budget = (_sichuan_project_budget if variant.sichuan_funds else _project_budget)(rng, performance)
        unit_name = department_name if rng.random() < 0.5 else region.prefix + rng.choice(department.subunits)
        _, adjusted, executed = budget[0].amounts
        with_cost = rng.random() < 0.6
        project_name = rng.choice(department.projects)  # drawn before the indicators, as always
        indicators = _indicators(
            rng, department, performance, cost=(adjusted, executed) if with_cost else None
        )
        if variant.weight_subrows:
            indicators = _with_sub_row(rng, department, indicators)
        spec = ReportSpec(
            kind, fiscal_year, region, unit_name, department_name, project_name, published_at, budget,
            indicators, goal_expected, goal_actual, blank_zero_rows=rng.random() < 0.5, variant=variant,
        )  # fmt: skip
        return spec
    budget = _department_budget(rng, performance)
    indicators = _indicators(rng, department, performance, cost=None)
    if variant.weight_subrows:
        indicators = _with_sub_row(rng, department, indicators)
    spec = ReportSpec(
        kind, fiscal_year, region, department_name, None, None, published_at, budget,
        indicators, goal_expected, goal_actual,
        blank_zero_rows=rng.random() < 0.5,
        basic_rows=_basic_rows(rng, budget), variant=variant,
        basic_columns=rng.choice((
            ("上年决算数", "本年预算数", "本年决算数"),
            (f"{fiscal_year - 1}年决算数", f"{fiscal_year}年预算数", f"{fiscal_year}年决算数"),
        )),
    )  # fmt: skip
    spec.narrative = _narrative(spec, department, rng)
    return spec
