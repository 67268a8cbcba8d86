"""The template families beyond the Ministry's project table and the department report.

Why: real portals publish central and provincial transfers on their own form (the
转移支付区域（项目）绩效目标自评表: 中央主管部门 / 地方主管部门 / 资金使用单位, a money block over
年度资金总额 / 其中：中央补助 / 地方资金 / 其他资金 with 全年预算数（A）and 全年执行数（B）only,
indicators with 指标值 and 全年实际完成值 and no 分值/得分) and as narratives in the national
transfer outline (一、绩效目标分解下达情况 … 二、绩效目标完成情况分析, amounts in sentences with
their verbs, indicators in class lines).  Each is a ``ReportSpec`` like the others, so every
renderer, the truth (record.py) and the round trips take them as they take the standard ones.

The truth follows shared/contracts/labelling.md as the labels of the real transfer reports read
it: 全年预算数（A）and 下达 / 到位 → adjusted_budget, 全年执行数（B）and 实际拨付 / 支出 / 使用 →
executed, 安排 → initial_budget, 中央补助 / 中央资金 → fiscal_funds, 地方资金 → no line (no fact),
资金使用单位 → unit_name, 地方主管部门 → department_name, the transfer's name → project_name, and
no score or grade where the form prints none.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from dataclasses import dataclass

from extractors.samples import catalog
from extractors.samples.catalog import Department, Region
from extractors.samples.spec import (
    FAMILIES,
    FAMILY_KIND,
    FISCAL_YEARS,
    BudgetRow,
    Indicator,
    ReportSpec,
    Sentence,
    StatedFact,
    _executed,
    _indicators,
    _Performance,
    _pick_performance,
    _split_weight,
    fmt_hundredths,
    random_report_spec,
)

TRANSFER_STAGES = ("adjusted_budget", "executed")


@dataclass(frozen=True)
class TransferForm:
    """How one transfer table is printed; none of it changes what the report states.

    * ``money_caption``: 项目资金 (2019–2021 form), 资金情况 (抗疫/直达 forms), 资金投入情况 (2024).
    * ``rate_header``: the third money column (预算执行率（B/A）, 执行率（B/A）, 预算执行率（B/A×100%）).
    * ``goal_style``: "completion" (总体目标完成情况 | 总体目标 | 全年实际完成情况) or "year"
      (年度总体目标 | 年初设定目标 | 全年实际完成情况).
    * ``target_header`` / ``actual_header``: 指标值 or 年度指标值; 全年实际完成值 or 全年完成值.
    * ``management_block``: the 2024 form's 资金管理情况 rows (remarks, never indicators).
    * ``name_key``: 转移支付（项目）名称, with full- or half-width brackets; some counties print
      转移（项目）名称, which the extractor does not read yet (tests/reports xfail it).
    """

    money_caption: str = "项目资金"
    rate_header: str = "预算执行率（B/A）"
    goal_style: str = "completion"
    target_header: str = "指标值"
    actual_header: str = "全年实际完成值"
    management_block: bool = False
    name_key: str = "转移支付（项目）名称"
    management: tuple[tuple[str, str], ...] = ()


NARRATIVE_TITLES = ("year_fund", "fund_in_brackets")


@dataclass(frozen=True)
class NarrativeForm:
    """How one transfer narrative is worded; the facts it states are in the spec's sentences.

    * ``outline``: "transfer" (二、绩效目标完成情况分析) or "fund" (the 衔接/专项 outline with
      二、绩效自评工作开展情况 and 三、绩效目标自评完成情况分析).
    * ``signed``: the unit and a date close the report.
    * ``title_style``: "year_fund" ({unit}{year}年度{fund}绩效自评报告) or "fund_in_brackets"
      ({unit}中央转移支付{year}年度绩效自评报告（{fund}）).
    * ``worded_results``: effects reported in words only ("公共服务水平有所提高").
    """

    outline: str = "transfer"
    signed: bool = True
    title_style: str = "year_fund"
    worded_results: bool = True


def random_narrative_form(rng: random.Random) -> NarrativeForm:
    return NarrativeForm(
        outline=rng.choice(("transfer", "fund")),
        signed=rng.random() < 0.6,
        title_style=rng.choice(NARRATIVE_TITLES),
        worded_results=rng.random() < 0.7,
    )


def _transfer_budget(rng: random.Random, performance: _Performance) -> list[BudgetRow]:
    """年度资金总额 over 中央补助 / 地方资金 / 其他资金, budget and execution only.

    Central money is the whole or most of it; 地方资金 is the local share (no contract line) and
    其他资金 occasionally the unit's own; a share not given is printed blank (no fact)."""
    total = rng.randint(1_000, 600_000)
    local = rng.randint(total // 20, total // 2) if rng.random() < 0.5 else 0
    other = rng.randint(total // 100, total // 15) if rng.random() < 0.2 else 0
    central = total - local - other
    central_label = rng.choice(("其中：中央补助", "其中：中央财政资金"))
    local_label = rng.choice(("地方资金", "地方财政资金"))
    rows = []
    for label, line, adjusted in (
        (central_label, "fiscal_funds", central),
        (local_label, None, local),
        ("其他资金", "other_funds", other),
    ):
        executed = _executed(rng, adjusted, performance) if adjusted else 0
        rows.append(BudgetRow(label, line, (adjusted, executed)))
    sums = tuple(sum(row.amounts[i] for row in rows) for i in range(2))
    return [BudgetRow("年度资金总额：", "total", sums), *rows]


def _unscored(indicators: list[Indicator]) -> list[Indicator]:
    """The form has no 分值/得分: weights and scores are not stated (kept 0 in the spec)."""
    return [dataclasses.replace(ind, weight=0, score=0) for ind in indicators]


def random_transfer_form(rng: random.Random) -> TransferForm:
    management = rng.random() < 0.3
    return TransferForm(
        money_caption="资金投入情况" if management else rng.choice(("项目资金", "资金情况")),
        rate_header="预算执行率（B/A×100%）"
        if management
        else rng.choice(("预算执行率（B/A）", "执行率（B/A）")),
        goal_style=rng.choice(("completion", "year")),
        target_header=rng.choice(("指标值", "年度指标值")),
        actual_header=rng.choice(("全年实际完成值", "全年完成值")),
        management_block=management,
        name_key=rng.choice(("转移支付（项目）名称", "转移支付(项目)名称")),
        management=tuple((aspect, rng.choice(remarks)) for aspect, remarks in catalog.FUND_MANAGEMENT)
        if management
        else (),
    )


def _who(rng: random.Random) -> tuple[Region, Department, str, str]:
    region = rng.choice(catalog.COUNTIES)
    if rng.random() < 0.2:
        region = Region(region.province, region.city, None)
    department = rng.choice(catalog.DEPARTMENTS)
    department_name = region.prefix + department.name
    unit_name = department_name if rng.random() < 0.6 else region.prefix + rng.choice(department.subunits)
    return region, department, department_name, unit_name


def random_transfer_table_spec(rng: random.Random, form: TransferForm | None = None) -> ReportSpec:
    """A 转移支付区域（项目）绩效目标自评表 of one transfer, drawn from ``rng``; ``form`` fixes how
    it is printed (else drawn too)."""
    region, department, department_name, unit_name = _who(rng)
    fiscal_year = rng.choice(FISCAL_YEARS)
    published_at = dt.date(fiscal_year + 1, rng.randint(3, 11), rng.randint(1, 28))
    performance = _pick_performance(rng)
    fund = rng.choice(department.transfer_funds)
    budget = _transfer_budget(rng, performance)
    adjusted, executed = budget[0].amounts
    goal_expected, goal_actual = rng.choice(catalog.GOALS)
    indicators = _unscored(
        _indicators(rng, department, performance, cost=(adjusted, executed) if rng.random() < 0.4 else None)
    )
    drawn_form = random_transfer_form(rng)
    form = form or drawn_form
    title_style = rng.randrange(3)
    if title_style == 0:
        title = f"{fund}绩效目标自评表"
    elif title_style == 1:
        title = f"{unit_name}{fund}转移支付区域（项目）绩效目标自评表"
    else:
        title = f"中央对地方转移支付{fund}绩效自评表"
    return ReportSpec(
        "project", fiscal_year, region, unit_name, department_name, fund, published_at, budget,
        indicators, goal_expected, goal_actual, blank_zero_rows=True, family="transfer_region_table",
        budget_stages=TRANSFER_STAGES, budget_columns=("全年预算数（A）", "全年执行数（B）"),
        central_department=department.ministry, form=form, printed_title=title, printed_table_title=title,
    )  # fmt: skip


# --- narratives in the transfer outline ---------------------------------------------------------


def _amount(value: int) -> str:
    return f"{fmt_hundredths(value)}万元"


# The units the labelled real narratives state their counts and rates in (tests/corpus/real).
PROSE_UNITS = frozenset({"%", "个", "人", "人次", "户", "座", "公里", "次", "天", "平方米", "亩"})


def _result_only(ind: Indicator) -> Indicator:
    """The result without its target; a bare figure takes the unit of the target it was set against."""
    return dataclasses.replace(
        ind, target_text=None, target_op=None, target_value=None, target_unit=None,
        actual_unit=ind.actual_unit or (ind.target_unit if ind.actual_value is not None else None),
    )  # fmt: skip


def _prose_indicators(rng: random.Random, indicators: list[Indicator], worded: bool) -> list[Indicator]:
    """What the narrative states of each indicator: a quantity or rate with its year-start target
    (``年初指标值为≥…，全年实际完成值…``) or its result alone; qualitative effects as results in
    words ("…明显提升").  The truth is what is printed: no target where none is stated."""
    out = []
    for ind in indicators:
        if ind.target_op == "qualitative":
            if worded and ind.actual_text.endswith(("提升", "提高", "改善")):
                # 已建立 / 执行良好 / 基本达到 are left out: no indicator wording a reader can take.
                out.append(_result_only(ind))
            continue
        if ind.level2 == "成本指标":
            continue  # 项目成本控制: a cost against the budget, stated with the money, not as a result
        if ind.target_value is None:
            continue
        if ind.target_unit not in PROSE_UNITS:
            continue  # 场 / 条 / 处 / 册 …: counts no labelled narrative states in a sentence
        if ind.target_op in ("=", None):
            # "=100%" is a table cell's way; a sentence prints the bare figure (no operator).
            ind = dataclasses.replace(ind, target_op=None, target_text=_target_words(ind))
        ind = dataclasses.replace(ind, actual_unit=ind.actual_unit or ind.target_unit)
        out.append(_result_only(ind) if rng.random() < 0.4 else ind)
    return out


def _target_words(ind: Indicator) -> str:
    """The target as a narrative prints it: the operator before the figure (≥95%, ≤15天)."""
    value = f"{ind.target_value:g}" if ind.target_value is not None else ""
    symbol = {">=": "≥", "<=": "≤", "=": ""}.get(ind.target_op or "", "")
    return f"{symbol}{value}{ind.target_unit or ''}"


def _actual_words(ind: Indicator) -> str:
    if ind.actual_value is None:
        return ind.actual_text
    return f"{ind.actual_value:g}{ind.actual_unit or ''}"


def _statement(ind: Indicator) -> str:
    if ind.target_op == "qualitative" or (ind.target_text is None and ind.actual_value is None):
        return f"{ind.name}{ind.actual_text}"
    if ind.target_text is None:
        return f"{ind.name}{_actual_words(ind)}"
    return f"{ind.name}年初指标值为{_target_words(ind)}，全年实际完成值{_actual_words(ind)}"


def _indicator_sentences(indicators: list[Indicator], separator: str = "、") -> list[Sentence]:
    """(三)绩效指标完成情况分析: one heading per 一级指标, one class line per 二级指标."""
    sentences = [Sentence("（三）绩效指标完成情况分析", heading=True)]
    level1s = list(dict.fromkeys(ind.level1 for ind in indicators))
    for number, level1 in enumerate(level1s, start=1):
        sentences.append(Sentence(f"{number}.{level1}完成情况分析", heading=True))
        group = [ind for ind in indicators if ind.level1 == level1]
        for level2 in dict.fromkeys(ind.level2 for ind in group):
            statements = [_statement(ind) for ind in group if ind.level2 == level2]
            # Joined with 、 as the labelled class lines are ("…3个、…1个、…15人"); a PDF line wrapped
            # after a ； would start a new paragraph in the extractor (reported; tests/reports xfail).
            sentences.append(Sentence(f"{level2}：{separator.join(statements)}。"))
    return sentences


def _narrative_sentences(
    rng: random.Random, spec: ReportSpec, fund: str, department: Department, initial: int | None
) -> list[Sentence]:
    year = spec.fiscal_year
    total = spec.total_row
    adjusted, executed = total.amounts
    central = next(row for row in spec.budget_rows if row.line == "fiscal_funds").amounts[0]
    local = adjusted - central
    body = rng.choice(catalog.ALLOCATING_BODIES)
    form = spec.form
    assert isinstance(form, NarrativeForm)
    sentences = [
        Sentence("一、绩效目标分解下达情况", heading=True),
        Sentence("（一）下达预算和绩效目标情况", heading=True),
    ]
    facts = [StatedFact("total", "adjusted_budget", adjusted)]
    allocation = f"{year}年，{body}下达{spec.unit_name}{fund}{_amount(adjusted)}"
    if central != adjusted:
        allocation += f"，其中：中央资金{_amount(central)}，地方资金{_amount(local)}"
        facts.append(StatedFact("fiscal_funds", "adjusted_budget", central))
    sentences.append(Sentence(allocation + "，主要用于保障年度重点工作任务。", tuple(facts)))
    if initial is not None:
        sentences.insert(
            2,
            Sentence(
                f"{year}年初，本单位{fund}安排预算资金{_amount(initial)}。",
                (StatedFact("total", "initial_budget", initial),),
            ),
        )
    sentences += [
        Sentence("（二）绩效目标设定情况", heading=True),
        Sentence(f"年度绩效目标为：{spec.goal_expected}。"),
    ]
    if form.outline == "fund":
        sentences += [
            Sentence("二、绩效自评工作开展情况", heading=True),
            Sentence("根据资金使用的绩效目标要求，本单位组织对资金使用情况和绩效目标完成情况进行了自评。"),
            Sentence("三、绩效目标自评完成情况分析", heading=True),
        ]
    else:
        sentences.append(Sentence("二、绩效目标完成情况分析", heading=True))
    spent_verb = rng.choice(("实际拨付", "已支出", "资金已使用"))
    sentences += [
        Sentence("（一）资金投入情况分析", heading=True),
        Sentence("1.项目资金到位情况分析", heading=True),
        Sentence(
            f"{fund}{_amount(adjusted)}已全部到位，资金到位率100%。",
            (StatedFact("total", "adjusted_budget", adjusted),),
            indicators=(_ARRIVAL_RATE,),
        ),
        Sentence("2.项目资金执行情况分析", heading=True),
        Sentence(
            f"截至{year}年12月31日，{spent_verb}{_amount(executed)}，预算执行率{fmt_hundredths(spec.execution_rate)}%。",
            (StatedFact("total", "executed", executed),),
        ),
        Sentence("3.项目资金管理情况分析", heading=True),
        Sentence(rng.choice(catalog.FUND_MANAGEMENT_PROSE)),
        Sentence("（二）总体绩效目标完成情况分析", heading=True),
        Sentence(f"{spec.goal_actual}。"),
        *_indicator_sentences(spec.indicators),
    ]
    last = "四" if form.outline == "fund" else "三"
    sentences += [
        Sentence(f"{last}、偏离绩效目标的原因和下一步改进措施", heading=True),
        Sentence("个别指标未达预期的，将加强项目调度，加快实施进度。"),
    ]
    if form.signed:
        signed_at = spec.published_at
        sentences += [
            Sentence(spec.unit_name),
            Sentence(f"{signed_at.year}年{signed_at.month}月{signed_at.day}日"),
        ]
    return sentences


# "资金到位率100%" after the money that arrived: a named rate, an indicator (labelling.md, as the
# real transfer narratives are labelled); the 预算执行率 after an amount spent is none.
_ARRIVAL_RATE = Indicator(
    None, None, "资金到位率", None, None, None, None, "100%", 100.0, "%", 0, 0, None
)  # fmt: skip


def random_transfer_narrative_spec(
    rng: random.Random, form: NarrativeForm | None = None, fund: str | None = None
) -> ReportSpec:
    """A transfer (or fund) self-evaluation narrative in the national outline, drawn from ``rng``;
    ``form`` fixes how it is worded and ``fund`` which transfer it reports (else both drawn)."""
    region, department, _, unit_name = _who(rng)
    fiscal_year = rng.choice(FISCAL_YEARS)
    published_at = dt.date(fiscal_year + 1, rng.randint(3, 11), rng.randint(1, 28))
    performance = _pick_performance(rng)
    drawn_fund = rng.choice(department.transfer_funds)
    fund = fund or drawn_fund
    budget = _transfer_budget(rng, performance)
    adjusted, _ = budget[0].amounts
    initial = None
    if rng.random() < 0.3:
        initial = adjusted if rng.random() < 0.5 else int(adjusted * rng.uniform(0.7, 0.95))
    goal_expected, goal_actual = rng.choice(catalog.GOALS)
    drawn_form = random_narrative_form(rng)
    form = form or drawn_form
    indicators = _unscored(_indicators(rng, department, performance, cost=None))
    indicators = _prose_indicators(rng, indicators, form.worded_results)
    if form.title_style == "year_fund":
        title = f"{unit_name}{fiscal_year}年度{fund}绩效自评报告"
    else:
        title = f"{unit_name}中央转移支付{fiscal_year}年度绩效自评报告（{fund}）"
    spec = ReportSpec(
        "project", fiscal_year, region, unit_name, None, fund, published_at, budget, indicators,
        goal_expected, goal_actual, family="transfer_narrative", budget_stages=TRANSFER_STAGES,
        budget_columns=("全年预算数", "全年执行数"), form=form, printed_title=title,
    )  # fmt: skip
    spec.narrative = _narrative_sentences(rng, spec, fund, department, initial)
    return spec


# --- the older project scorecard ------------------------------------------------------------------


@dataclass(frozen=True)
class ScorecardForm:
    """How an older 财政支出项目绩效评价 scorecard is printed.

    * ``level_points``: the 一级 cells carry their points ("项目决策（20分）"), dropped in the truth.
    * ``weight_header`` / ``score_header``: 分值 or 指标分值; 得分 or 自评得分.
    """

    level_points: bool = False
    weight_header: str = "分值"
    score_header: str = "得分"


def random_scorecard_form(rng: random.Random) -> ScorecardForm:
    return ScorecardForm(
        level_points=rng.random() < 0.5,
        weight_header=rng.choice(("分值", "指标分值")),
        score_header=rng.choice(("得分", "自评得分")),
    )


def _scorecard_indicators(rng: random.Random, performance: _Performance) -> list[Indicator]:
    """Every scored criterion: whole points summing to the group's, a deduction where it fell short."""
    out = []
    for level1, points, groups in catalog.SCORECARD:
        leaves = [(level2, name) for level2, names in groups for name in names]
        for (level2, name), weight in zip(leaves, _split_weight(rng, points * 100, len(leaves)), strict=True):
            deduction = 0
            if rng.random() < performance.shortfall_probability:
                deduction = min(weight - 100, rng.choice((50, 100, 150, 200)))
            score = weight - deduction
            out.append(
                Indicator(level1, level2, name, None, None, None, None, None, None, None, weight, score, None)
            )
    return out


def random_scorecard_spec(rng: random.Random, form: ScorecardForm | None = None) -> ReportSpec:
    """An older 财政支出项目绩效评价自评报告's project scorecard, drawn from ``rng``."""
    region, department, department_name, unit_name = _who(rng)
    fiscal_year = rng.choice(FISCAL_YEARS)
    published_at = dt.date(fiscal_year + 1, rng.randint(3, 11), rng.randint(1, 28))
    performance = _pick_performance(rng)
    project_name = rng.choice(department.projects)
    indicators = _scorecard_indicators(rng, performance)
    goal_expected, goal_actual = rng.choice(catalog.GOALS)
    drawn_form = random_scorecard_form(rng)
    form = form or drawn_form
    return ReportSpec(
        "project", fiscal_year, region, unit_name, department_name, project_name, published_at, [],
        indicators, goal_expected, goal_actual, family="scorecard", form=form,
        printed_title=f"{unit_name}{fiscal_year}年度财政支出项目绩效评价自评报告（{project_name}）",
        printed_table_title="财政支出项目绩效评价指标评分表",
    )  # fmt: skip


_DRAWS = {
    "transfer_region_table": random_transfer_table_spec,
    "transfer_narrative": random_transfer_narrative_spec,
    "scorecard": random_scorecard_spec,
}


def random_family_spec(rng: random.Random, family: str | None = None) -> ReportSpec:
    """A report of ``family`` (any family when None) drawn from ``rng``; the two standard families
    draw exactly as ``random_report_spec`` does."""
    if family is None:
        family = rng.choice(FAMILIES)
    if family not in FAMILIES:
        raise ValueError(f"unknown family {family!r}; expected one of {FAMILIES}")
    if family in _DRAWS:
        return _DRAWS[family](rng)
    return random_report_spec(rng, FAMILY_KIND[family])
