"""The vocabulary of the templates: budget lines, stages, indicator columns, report kinds.

Why data, not code: the Ministry templates and their provincial variants name
the same thing many ways (全年执行数 / 预算执行数 / 实际支出); the interpreters
look words up here, and a new variant is one more entry.  Order matters:
more specific phrases come before phrases they contain.
"""

from __future__ import annotations

import functools
import re

from extractors import contract

# (pattern on a cleaned row label, contract line). First match wins.
LINE_PATTERNS: tuple[tuple[str, str], ...] = (
    (
        r"^(?:年度)?资金总额|^年度预算资金总额|^预算资金总额|^年度资金合计|^资金合计$|^合计$|^总计$|^总额$",
        "total",
    ),
    (r"公车购置|公务用车购置(?!和维护|及维护|和运行|及运行)", "vehicle_purchase"),
    (r"公车运行维护|公务用车运行维护", "vehicle_operation"),
    (r"公务用车购置(?:和|及)(?:运行)?维护|公务用车", "official_vehicles"),
    (r"因公出国|出国(?:\(境\)|（境）)?经费|出国", "overseas_travel"),
    (r"公务接待", "official_reception"),
    (r"三公经费", "three_public"),
    (r"办公经费", "office"),
    (r"水费.*电费.*差旅费|水电费?.*差旅", "utilities_travel"),
    (r"会议费.*培训费|会议.*培训", "meetings_training"),
    (r"政府采购", "government_procurement"),
    # A project's "本年一般公共预算拨款" row is its fiscal share, not the unit's revenue line.
    (r"^(?:当年|本年)一般公共预算(?:财政)?拨款(?:资金)?$", "fiscal_funds"),
    (r"一般公共预算", "general_public_budget"),
    (r"政府性基金", "government_fund"),
    (r"国有资本经营", "state_capital"),
    (r"纳入专户管理的非税收入|财政专户管理资金|财政专户", "special_account"),
    (
        r"^(?:当年|本年)?财政拨款(?:资金)?$|^财政资金$|^中央(?:财政)?(?:补助|资金|补助资金|财政资金)$|^中央财政$",
        "fiscal_funds",
    ),
    (r"^单位资金$|^单位自有资金$", "unit_funds"),
    (r"^其他资金$", "other_funds"),
    (r"^基本支出$", "basic_expenditure"),
    (r"^项目支出$", "project_expenditure"),
    (r"^人员经费$|^工资福利支出$", "personnel"),
    (r"^公用经费$|^商品和服务支出$", "public_operating"),
)
_LINE_REGEXES = tuple((re.compile(p), line) for p, line in LINE_PATTERNS)

# Lines whose all-zero row still states a real figure (a section total of the base-data table).
SECTION_TOTAL_LINES = frozenset({"three_public", "project_expenditure", "public_operating"})
REVENUE_LINES = frozenset(contract.REVENUE_LINES)
EXPENDITURE_LINES = frozenset(contract.EXPENDITURE_LINES)

PLACEHOLDER_LABEL = re.compile(
    r"^[…\.。·\s]+$|一个专项一行|一个项目一行|专项资金（一个|（可增行）|\(可增行\)"
)


def match_line(label: str) -> str | None:
    """The contract line a cleaned row label names, or None."""
    if not label or PLACEHOLDER_LABEL.search(label):
        return None
    for regex, line in _LINE_REGEXES:
        if regex.search(label):
            return line
    return None


@functools.lru_cache(maxsize=8192)
def header_role(text: str, fiscal_year: int | None) -> str | None:
    """Role of a money-block column header: a stage, or weight / rate / score.

    Cached: every cell of every row is asked for its role, and the same few headers and
    figures come back again and again."""
    t = re.sub(r"[（(][^（）()]*[）)]", "", text)  # "(万元)", "（A）", "(B/A)"
    t = re.sub(r"[\s（）()万元:：]", "", t)
    if not t or len(t) > 20:
        return None
    year_match = re.match(r"^(\d{4})年度?(预算数|决算数|预算|决算|执行数)$", t)
    if year_match:
        year, what = int(year_match.group(1)), year_match.group(2)
        if fiscal_year is not None and year < fiscal_year:
            return "prior_year_final" if "决算" in what or "执行" in what else None
        return "initial_budget" if "预算" in what else "executed"
    if re.search(r"上年决算|上年度决算|上年实际|上年执行", t):
        return "prior_year_final"
    if re.search(
        r"^年初预算|^本年预算数?$|^年初批复|^预算数$|^年初部门预算|^计划安排(?:资金)?|^预算安排(?:资金)?$", t
    ):
        return "initial_budget"
    # A bare 预算数 ("预算数(A)") is the year's budget as it stands (labelling.md: adjusted_budget).
    if re.search(
        r"全年预算|调整后预算|调整预算|全年批复预算|预算调整数|到位资金|资金到位数|实际到位|^预算数$", t
    ):
        return "adjusted_budget"
    if re.search(
        r"全年执行|预算执行数|^执行数$|实际支出|本年决算|^决算数$|实际执行数|全年实际支出|执行资金$", t
    ):
        return "executed"
    if re.fullmatch(r"分值|权重|权重分?|分值权重", t):
        return "weight"
    if re.fullmatch(r"(?:预算)?执行率", t):
        return "rate"
    if re.fullmatch(r"得分|自评得分|评分", t):
        return "score"
    return None


STAGES = ("prior_year_final", "initial_budget", "adjusted_budget", "executed")

# Indicator table columns (pattern on the compacted header text → field).
INDICATOR_COLUMNS: tuple[tuple[str, str], ...] = (
    (r"^一级指标|^评价指标$|^分解目标$", "level1"),
    (r"^二级指标|^评价内容$", "level2"),
    (r"^三级指标|^指标名称|^绩效指标名称|^具体指标", "name"),
    (r"^指标性质|^指标方向|^运算符号?", "op"),
    (
        r"^年度指标值|^年度目标值|^指标值|^目标值|^预期指标值|^年度绩效指标值|^全年指标值|^计划指标值|"
        r"^全年目标值|^预期值|^计划值|^预期目标值|^年初指标值|^年初目标值",
        "target",
    ),
    (r"^度量单位|^计量单位|^单位$", "unit"),
    (r"^(?:全年|年度)?实际完成|^全年实际值|^实际值|^完成值|^全年完成值|^实际达成值", "actual"),
    (r"^分值|^权重|^标准分|^满分|^指标分值|^指标权重", "weight"),
    # 得分系数 (%) is the share of the weight earned, not the score.
    (r"^得分(?!系数)|^自评得分|^评价得分|^评分$|^指标得分", "score"),
    (r"^偏差原因|^未完成原因|^原因分析|^偏差", "reason"),
)

KEY_FIELDS: tuple[tuple[str, str], ...] = (
    (
        r"^项目名称$|^转移支付(?:（项目）|\(项目\))?名称$|^专项名称$|^资金名称$|^专项(?:资金)?名称$",
        "project_name",
    ),
    (r"^主管部门$|^主管部门名称$|^地方主管部门$|^项目主管部门$", "department_name"),
    (
        r"^实施单位(?:（盖章）|\(盖章\))?$|^实施单位名称$|^项目实施单位$|^项目单位$|^资金使用单位$|^项目执行单位$",
        "implementing_unit",
    ),
    (
        r"^部门(?:（单位）|\(单位\))?名称$|^预算(?:部门)?(?:（单位）|\(单位\))?名称$|^单位名称$|^预算单位名称$|^预算单位$|"
        r"^评价部门(?:（单位）|\(单位\))?名称$|^被评价单位$",
        "unit_name",
    ),
    (r"^项目起止时间$|^起止时间$|^实施期限$|^项目实施期$|^评价年度$", "period"),
)
TOTAL_ROW = re.compile(r"^(?:总分|合计|总计|总得分|自评总分|综合得分)$")

# The standard framework's 二级 → 一级 指标 (财预〔2020〕10号): used only where a 一级 cell prints
# nothing but its points ("（50分）"), so the group name must come from its 二级指标.
LEVEL1_OF_LEVEL2: tuple[tuple[str, str], ...] = (
    (r"数量|质量|时效|成本", "产出指标"),
    (r"满意", "满意度指标"),
    (r"效益|影响", "效益指标"),
)


def level1_for(level2: str | None) -> str | None:
    """The 一级指标 a 二级指标 belongs to in the standard framework, or None when it is not one of them."""
    if not level2:
        return None
    for pattern, level1 in LEVEL1_OF_LEVEL2:
        if re.search(pattern, level2):
            return level1
    return None
