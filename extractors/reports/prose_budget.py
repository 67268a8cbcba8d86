"""Budget facts stated in running text: every amount read with the words around it.

Why clause by clause, with a lexicon: narratives state the year's money in many
phrasings ("中央下达我省…共计6800万元", "105万元已全部到位", "已完成拨付8010万元",
"2023年预算安排2,753.66万元，财政下达预算指标2,597.66万元") and split it into parts
("其中石家庄市780万元、承德市690万元…").  Each amount takes

- its **stage** from the cue nearest before it in its clause (lexicon.yaml: 下达 and 到位
  mean the granted budget, 安排 and 年初 the planned one, 支出 / 拨付 / 执行 the spent money),
  else a cue right after it ("…万元已全部到位"), else the stage of the amount before it in
  the same sentence; a weak cue (资金, 预算) only says "a budget figure" and takes the stage
  of the same figure stated precisely elsewhere;
- its **line** from a line phrase (基本支出, 公用经费 …), from a named part in an enumeration
  (a project, recipient or item → ``project_item``), or else the whole (``total``);

and is left out when the clause says it is a change, a balance, a level-of-government
share, a price, an outcome or anything else that is not the year's budget (lexicon.yaml).
What the sentence does not say is never guessed beyond it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from itertools import pairwise
from typing import Any

from extractors import contract
from extractors.documents.paragraphs import HEADING
from extractors.normalize.numbers import NUMBER_PATTERN, parse_number_token, to_wan_yuan
from extractors.normalize.text import compact, fold_width
from extractors.reports.lexicon import Lexicon, lexicon

# An amount starts at no digit, point or digit-and-comma: a number misread in the middle
# ("7.290,235.03元" for 7,290,235.03) gives no fragment of itself as an amount.
_AMOUNT = re.compile(
    rf"(?<![\d.])(?<!\d,)(?P<num>{NUMBER_PATTERN})\s*(?P<unit>亿元|万元|元|万(?=[、，,。；;：:）)\s]|$))"
    r"(?!以上|以下|以内|左右|/|每)"
)
_SENTENCE_END = re.compile(r"[。！？!?]")
_CLAUSE_BREAK = "，,；;：:、"
_OPEN, _CLOSE = "（(【[《", "）)】]》"
_HEADING_MAX = 40
_AMOUNT_TOL = 0.0051
_APPROXIMATE_BEFORE = re.compile(r"(?:约|近|超过|逾|不足)$")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年(?!\s*\d{1,2}\s*月)")
# A clause anchored in the evaluated period ("2023年度…", "当年…") states a figure of that period.
_PERIOD = re.compile(r"(?:19|20)\d{2}\s*年|^当年|^本年|^全年")
_INLINE_HEADING = re.compile(
    r"^\s*(?:\d+\s*[、.．]|[（(]\s*[一二三四五六七八九十\d]+\s*[）)])[^。：:，,]{2,20}?(?:情况|分析)[。：:]"
)
_HEADING_NUMBER = re.compile(
    r"^\s*(?:\d+\s*[、.．]|[（(]\s*[\d一二三四五六七八九十]+\s*[）)]|[一二三四五六七八九十]+\s*[、.．])"
)
# A stage verb left inside a part's name means the text is a clause, not a name.
_STAGE_WORD = re.compile(r"下达|收到|拨付|到位|支付")
_BOOK_TITLE = re.compile(r"《[^《》]*》")
# Words that make an amount in a list the whole again, not one more part ("…，全年实际下达71万元").
_WHOLE_AGAIN = re.compile(r"全年|实际|共计|合计|总计|累计|小计|总额")
_LEVEL_WORD = re.compile(r"^(?:其中)?[:：]?(中央|地方|省|自治区|市|州|县|区|乡|镇|乡镇|街道|市县|县区)")
_SUBJECT_LEVEL = re.compile(r"(中央|省级?|自治区|市县|市级|县级|区级|州级)(?:财政)?(?:共|已|再)?$")
# The adjusted budget named as such outranks money merely received ("实际到位资金…") when they differ.
_STATED_BUDGET = re.compile(r"调整|全年预算")
_SUBTOTAL = re.compile(r"总计|合计|小计|共计|累计")
_LEADING_FILLER = re.compile(
    r"^(?:[:：、，,；;]|其中|具体包括|具体为|包括|分别为|分别是|分别|主要用于|及|和|以及|另)+"
)
_TRAILING_FILLER = re.compile(r"(?:共计|合计|总计|为|达|约|金额|资金|的)+$")
# "1.养老机构运营补贴项目：" / "（2）社会工作服务站项目：" opens the paragraph of one named part.
_ITEM_LEAD = re.compile(
    r"^\s*(?:\d+\s*[.、．]|[（(]\s*\d+\s*[）)]|[①②③④⑤⑥⑦⑧⑨⑩])\s*"
    r"(?P<name>[^，,。；;：:]{2,40}?(?:项目|工程|资金|经费|补助|补贴|专项|活动|建设))\s*[：:]"
)
_INLINE_MARKER = re.compile(r"(?:(?<=[。；;：:])|^)\s*(?=(?:[（(]\s*\d+\s*[）)]|[①②③④⑤⑥⑦⑧⑨⑩]))")
# A department report names its whole budget with these; a part (one project or fund) is no total.
_WHOLE_BUDGET = re.compile(
    r"预算安排|下达预算指标|决算支出|支出总计|支出合计|预算收入|调整后预算数?|预算执行数|资金总额|预算总额|"
    r"调整预算收入|部门预算|年初预算数|全年预算数|全年执行数|决算数|^(?:本年|全年|年度)?支出(?:合计|总计|总额)?$"
)
_PART_OF_BUDGET = re.compile(r"项目|专项|资金(?!总额)|经费")
_DEPARTMENT_SUB_LINES = frozenset(contract.DEPARTMENT_DETAIL_LINES)


@dataclass
class Mention:
    """One amount in running text and what its words say about it."""

    amount: float
    printed: str
    line: str | None
    item: str | None
    stage: str | None
    strength: int  # 2: a strong cue named the stage, 1: a weak budget cue, 0: weak money cue only
    evidence: str
    page: int | None
    sentence: int
    excluded: str | None = None  # why it is no budget fact
    subtotal: bool = False
    list_member: bool = False
    order: int = 0  # position among all mentions of the document
    level: str | None = None  # 中央 / 地方 / 省 …: a level-of-government share
    head: int | None = None  # order of the amount a list member is a part of
    cue: str = ""  # the stage word that named the stage
    subject_level: str | None = None  # "中央下达…", "省级下达…": who gave the money


@dataclass
class _Sentence:
    """What one sentence has said so far, for the amounts that follow in it."""

    index: int
    last_strong: str | None = None
    last_strong_near: str | None = None
    list_active: bool = False
    list_stage: str | None = None
    list_head: int | None = None
    list_of_projects: bool = False
    rest_text: str = ""  # the sentence after the amount being read
    members: list[Mention] = field(default_factory=list)
    previous: Mention | None = None


def prose_budget_facts(
    texts: list[tuple[str, int | None]], fiscal_year: int | None, report_kind: str
) -> list[dict[str, Any]]:
    """Budget facts of the running text ``texts`` ((paragraph, page) in reading order)."""
    lex = lexicon()
    mentions: list[Mention] = []
    section_hint: str | None = None
    section = ""
    sentence_index = 0
    carried_stage: str | None = None
    for raw, page in _joined_at_colons(texts):
        text = fold_width(compact(raw)).replace(" ", "")
        if not text:
            continue
        if len(text) <= _HEADING_MAX and HEADING.match(text) and not _AMOUNT.search(text):
            section = text
            section_hint = _section_hint(text, lex) or (section_hint if _is_sub_heading(text) else None)
            continue
        inline = _INLINE_HEADING.match(text)
        if inline:
            # "1、项目资金到位情况分析。乡村振兴衔接资金2179万元…": a heading run into its paragraph.
            section_hint = _section_hint(inline.group(0), lex)
        listed = _listed_project_spending(text, section)
        if listed is not None:
            mentions.append(replace(listed, page=page, sentence=sentence_index))
            sentence_index += 1
            continue
        for segment in _segments(text):
            lead = _ITEM_LEAD.match(segment)
            context_item = _clean_item(lead.group("name"), lex) if lead else None
            for sentence in _sentences(segment):
                found, carried_stage = _read_sentence(
                    sentence,
                    page,
                    sentence_index,
                    fiscal_year,
                    report_kind,
                    context_item,
                    section_hint,
                    carried_stage,
                    lex,
                )
                mentions += found
                sentence_index += 1
    return _settle(mentions, report_kind)


def _joined_at_colons(texts: list[tuple[str, int | None]]) -> list[tuple[str, int | None]]:
    """A paragraph ending in a colon ("…具体包括：") continues into the next one (a list a PDF put on
    its own lines), unless that one is a heading."""
    out: list[tuple[str, int | None]] = []
    for text, page in texts:
        stripped = text.strip()
        if out and out[-1][0].rstrip().endswith(("：", ":")) and not HEADING.match(stripped):
            out[-1] = (out[-1][0].rstrip() + stripped, out[-1][1])
        else:
            out.append((text, page))
    return out


def _is_sub_heading(text: str) -> bool:
    return bool(re.match(r"^\s*(?:\d+\s*[.、．]|[（(]\s*\d+\s*[）)])", text))


def _section_hint(heading: str, lex: Lexicon) -> str | None:
    for pattern, stage in lex.section_stage_hints:
        if pattern.search(heading):
            return stage
    return None


def _segments(text: str) -> list[str]:
    """A paragraph split before inline numbered parts ("…；(2)…项目…") so each keeps its own item."""
    parts = [p for p in _INLINE_MARKER.split(text) if p]
    return parts or [text]


def _sentences(text: str) -> list[str]:
    out, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        out.append(text[start : match.end()])
        start = match.end()
    if start < len(text):
        out.append(text[start:])
    return out


def _breaks(span: str) -> list[int]:
    """Positions of the clause breaks in ``span``: separators outside brackets, and a bracket left
    open ("…资金（其中：") – so "东环大道南延伸段绿化工程(续建)" stays one clause."""
    out: list[int] = []
    opened: list[int] = []
    for i, ch in enumerate(span):
        if ch in _OPEN:
            opened.append(i)
        elif ch in _CLOSE:
            if opened:
                opened.pop()
        elif ch in _CLAUSE_BREAK and not opened:
            out.append(i)
    return sorted(out + opened)


def _pieces(span: str) -> list[str]:
    cuts = [-1, *_breaks(span), len(span)]
    return [span[a + 1 : b] for a, b in pairwise(cuts)]


def _clause(span: str) -> tuple[str, str]:
    """(the clause right before an amount, the separator that opened it)."""
    cuts = _breaks(span)
    if not cuts:
        return span, ""
    return span[cuts[-1] + 1 :], span[cuts[-1]]


def _nearest_cue(clause: str, lex: Lexicon) -> tuple[str | None, int, int]:
    """(stage, strength, end position) of the cue nearest the end of ``clause``; strong beats weak."""
    stage, strength, end, _ = _nearest_cue_match(clause, lex)
    return stage, strength, end


def _nearest_cue_match(clause: str, lex: Lexicon) -> tuple[str | None, int, int, str]:
    """As _nearest_cue, plus the text of the strong cue ("" when none)."""
    best_strong: tuple[int, str, str] | None = None
    best_weak: tuple[int, int] | None = None
    for cue in lex.stage_cues:
        for match in cue.pattern.finditer(clause):
            if cue.strong:
                if best_strong is None or match.end() > best_strong[0]:
                    best_strong = (match.end(), cue.stage or "", match.group(0))
            else:
                strength = 1 if re.search(r"预算|总额", match.group(0)) else 0
                if best_weak is None or (match.end(), strength) > best_weak:
                    best_weak = (match.end(), strength)
    if best_strong is not None:
        return best_strong[1], 2, best_strong[0], best_strong[2]
    if best_weak is not None:
        return None, best_weak[1], best_weak[0], ""
    return None, -1, 0, ""


def _cue_after(rest: str, lex: Lexicon) -> str | None:
    for pattern, stage in lex.stage_cues_after:
        if pattern.search(rest):
            return stage
    return None


# "项目支出" is the project-expenditure line only where it starts a label ("其中：项目支出", "2023年度
# 项目支出"); after another word it is a named project's spending ("…墙裙改造项目支出29.99万元").
_LINE_PREFIX = re.compile(
    r"(?:^|[^\u4e00-\u9fff]|其中|年度?|部门|单位|本级|全年|当年|本年|我局|我单位|的|为|及|和|中|、)$"
)


def _line_of(clause: str, lex: Lexicon) -> tuple[str | None, bool]:
    """(contract line, named): named also for expenditure classes that have no contract line."""
    for pattern, line in lex.prose_lines:
        for match in pattern.finditer(clause):
            if line != "project_expenditure" or _LINE_PREFIX.search(clause[: match.start()]):
                return line, True
    return None, False


def _without_line_phrase(clause: str, lex: Lexicon) -> str:
    for pattern, line in lex.prose_lines:
        for match in pattern.finditer(clause):
            if line != "project_expenditure" or _LINE_PREFIX.search(clause[: match.start()]):
                return clause[: match.start()] + clause[match.end() :]
    return clause


def _member_name(span: str, clause: str, lex: Lexicon) -> str:
    """The printed name of an enumerated part: the text since the previous amount or the list
    opener, which may itself hold a 、 or ， ("低保、特困和临时救助资金", "村民组长,党小组长基本报酬");
    only the clause when that text reads as a sentence."""
    openers = list(lex.list_openers.finditer(span))
    text = span[openers[-1].end() :] if openers else span
    text = text.lstrip("，,、：:；;。")
    if len(text) <= 30 and len(re.findall(r"[，,、]", text)) <= 1 and not re.search(r"[；;。]", text):
        return text
    return clause


def _clean_item(name: str, lex: Lexicon) -> str | None:
    """An enumerated part's name as printed, without list words, stage verbs and trailing fillers."""
    name = re.sub(r"^.*?(?:情况|如下)(?=\d+[.、])", "", name)
    name = _HEADING_NUMBER.sub("", _LEADING_FILLER.sub("", name))
    if re.search(r"[《〔]|号[)）]", name):
        return None
    for _ in range(2):
        name = re.sub(
            r"^(?:(?:19|20)\d{2}年(?:度)?)?(?:已|共|累计)?(?:下达|拨付|支付|支出|安排|到位)", "", name
        )
        name = _TRAILING_FILLER.sub("", name)
        name = re.sub(r"(?<=[\u4e00-\u9fff）)])(?:支出|使用|拨付)$", "", name)
    name = name.strip("，,、：:；;（(")
    if _STAGE_WORD.search(name):
        return None
    if (
        len(name) < 2
        or len(name) > 60
        or lex.item_not_a_name.match(name)
        or not re.search(r"[\u4e00-\u9fff]", name)
    ):
        return None
    return name


def _read_sentence(
    sentence: str,
    page: int | None,
    index: int,
    fiscal_year: int | None,
    report_kind: str,
    context_item: str | None,
    section_hint: str | None,
    carried_stage: str | None,
    lex: Lexicon,
) -> tuple[list[Mention], str | None]:
    state = _Sentence(index=index)
    out: list[Mention] = []
    cursor = 0
    starts_with_breakdown = sentence.startswith("其中")
    # Cited documents' titles ("《关于下达2024年…资金的通知》") say nothing about this report's amounts.
    sentence = _BOOK_TITLE.sub(lambda m: "《" + "○" * (len(m.group(0)) - 2) + "》", sentence)
    for match in _AMOUNT.finditer(sentence):
        span = sentence[cursor : match.start()]
        rest = sentence[match.end() :]
        state.rest_text = rest
        rest_pieces = _pieces(rest)
        rest_clause = rest_pieces[0]
        if not rest_clause and len(rest_pieces) > 1 and not _AMOUNT.search(rest_pieces[1]):
            # "…56万元,全部用于…": a comment on the amount in the clause after it.
            rest_clause = rest_pieces[1]
        cursor = match.end()
        amount = to_wan_yuan(parse_number_token(match.group("num")), _unit(match.group("unit")))
        if amount is None:
            continue
        clause, separator = _clause(span)
        if not clause.strip() and separator in "：:":
            # "2、支出:799.12万元": the label before the colon is what the amount is.
            before = _pieces(span)
            clause = _HEADING_NUMBER.sub("", before[-2]) if len(before) >= 2 else clause
        # Strong cues in clauses without an amount still set the sentence's stage ("已全部分解到位,其中…").
        pieces = _pieces(span)
        state.last_strong_near = None
        for position, piece in enumerate(pieces[:-1]):
            stage_in_piece, strength_in_piece, _ = _nearest_cue(piece, lex)
            if strength_in_piece == 2 and not lex.not_a_budget_fact.search(piece):
                state.last_strong = stage_in_piece
                # Only the clause right before the amount's own says what the amount is.
                state.last_strong_near = stage_in_piece if position == len(pieces) - 2 else None
        if lex.list_openers.search(span):
            state.list_active = True
            state.list_stage = state.last_strong or (state.previous.stage if state.previous else None)
            state.list_head = state.previous.order if state.previous is not None else None
            opener = list(lex.list_openers.finditer(span))[-1]
            state.list_of_projects = bool(
                re.search(r"(?:项目支出|项目|专项)(?:资金|经费)?$", span[: opener.start()])
            )
        evidence = (clause + match.group(0)).strip("，,、：:（(")
        mention = Mention(
            amount=amount,
            printed=match.group(0),
            line=None,
            item=None,
            stage=None,
            strength=-1,
            evidence=evidence,
            page=page,
            sentence=index,
            order=index * 1000 + len(out),
        )
        _judge(
            mention, clause, separator, span, rest_clause, state, fiscal_year, report_kind, context_item, lex
        )
        if mention.stage is None and starts_with_breakdown and state.previous is None and carried_stage:
            mention.stage, mention.strength = carried_stage, 2
        unreached = mention.stage is None and mention.strength < 1 and not mention.excluded
        if unreached and section_hint and (not state.previous or state.previous.excluded):
            mention.stage, mention.strength = section_hint, 2
        _prior_year(mention, clause, fiscal_year)
        out.append(mention)
        after_stage = _cue_after(rest_clause, lex)
        if (
            after_stage
            and mention.stage
            and after_stage != mention.stage
            and not mention.excluded
            and mention.line
        ):
            out.append(
                replace(
                    mention,
                    stage=after_stage,
                    order=mention.order + 1,
                    evidence=mention.evidence + rest_clause,
                )
            )
        if mention.stage and not mention.excluded and mention.strength == 2:
            state.last_strong = mention.stage
        state.previous = mention
    last = next((m.stage for m in reversed(out) if m.stage and not m.excluded), None)
    return out, last if last else (carried_stage if starts_with_breakdown else None)


def _unit(unit: str) -> str:
    return "万元" if unit == "万" else unit


def _judge(
    mention: Mention,
    clause: str,
    separator: str,
    span: str,
    rest_clause: str,
    state: _Sentence,
    fiscal_year: int | None,
    report_kind: str,
    context_item: str | None,
    lex: Lexicon,
) -> None:
    """Fill the mention's stage, line and item from its clause and the sentence so far."""
    budget_revenue = bool(lex.budget_revenue.search(span))
    if (lex.not_a_budget_fact.search(clause) and not (budget_revenue and "收入" in clause)) or (
        _APPROXIMATE_BEFORE.search(clause)
    ):
        mention.excluded = "not a budget figure"
        return
    opener = list(lex.list_openers.finditer(clause))
    naming = clause[opener[-1].end() :] if opener else clause
    line, named = _line_of(naming, lex)
    if named and line is None:
        mention.excluded = "an expenditure class with no contract line"
        return
    cue_text = lex.cue_blind.sub("", _without_line_phrase(clause, lex) if named else clause)
    stage, strength, cue_end, cue_word = _nearest_cue_match(cue_text, lex)
    mention.cue = cue_word
    if strength == 2:
        subject = _SUBJECT_LEVEL.search(cue_text[: cue_end - len(cue_word)])
        mention.subject_level = subject.group(1) if subject else None
    # money received is revenue, not a budget stage; "…税收入补助…资金" names a fund paid from a tax
    if re.search(r"收入(?!补助)", cue_text) and not budget_revenue and stage == "adjusted_budget":
        stage, strength = None, -1
    after = _cue_after(rest_clause, lex)
    head = cue_text[cue_end:] if strength == 2 else clause
    bare_head = _LEADING_FILLER.sub("", _TRAILING_FILLER.sub("", head))
    if lex.level_share.search(bare_head) or re.search("本级", span):
        mention.excluded = "a level-of-government share"
        level = _LEVEL_WORD.match(bare_head)
        mention.level = level.group(1) if level and "本级" not in span else None
        mention.stage = stage if strength == 2 else (after or state.list_stage)
        if state.list_active:
            mention.head = state.list_head
        return
    previous = state.previous
    if named:
        mention.line = line
    if strength == 2:
        mention.stage, mention.strength = stage, 2
    elif after is not None:
        mention.stage, mention.strength = after, 2
    # An enumerated part: a name before the amount, in a list opened earlier in the sentence.
    in_list = state.list_active and (separator in "、，,；;：:" or lex.list_openers.search(clause))
    if in_list and _WHOLE_AGAIN.search(clause) and not lex.list_openers.search(clause):
        in_list = False
    if not named and in_list:
        item = _clean_item(_member_name(span, head if strength == 2 else clause, lex), lex)
        used_for = re.match(r"^(?:全部|主要)?用于(?P<name>[^，,；;。]{2,40})", state.rest_text)
        if item is None and used_for:
            item = _clean_item(used_for.group("name"), lex)
        if item is not None:
            source_line = next((ln for pattern, ln in lex.fund_sources if pattern.search(item)), None)
            if source_line is not None:
                mention.line = source_line
            elif report_kind == "project" or state.list_stage is not None or state.list_of_projects:
                mention.line, mention.item = "project_item", item
            mention.list_member = True
            mention.head = state.list_head
            if mention.stage is None:
                mention.stage = state.list_stage or (previous.stage if previous else None)
                mention.strength = 2 if mention.stage else -1
            state.members.append(mention)
            return
    if state.list_active and not named and not _SUBTOTAL.search(clause):
        state.list_active = False
    if mention.stage is None:
        # "…预算240.63万元，实际支出210,18万元": what the clause does not say comes from the amount before.
        previous_stated = previous is not None and not previous.excluded and previous.strength == 2
        if (
            previous_stated
            and previous.stage
            and (strength < 1 or previous.line not in (None, "total", "project_item"))
        ):
            mention.stage, mention.strength = previous.stage, 2
        if mention.stage is None and state.last_strong_near and (strength < 2):
            mention.stage, mention.strength = state.last_strong_near, 2
        if mention.stage is None and "其中" in span and state.last_strong and strength < 2:
            # "…支出12.5万元，较上年减少2万元，其中：公务接待费3万元": the parts of the figure kept.
            mention.stage, mention.strength = state.last_strong, 2
        if mention.stage is None and strength < 0 and previous is not None and previous.strength == 1:
            # "部门预算总金额803.74万元，其中基本支出757.49万元": the parts share the whole's stage.
            strength = 1
        if mention.stage is None and strength < 0 and named and "支出" in clause and _PERIOD.search(clause):
            # "2023年度基本支出为899.13万元": an expenditure line stated with no other word is spent money.
            mention.stage, mention.strength = "executed", 2
        if mention.stage is None:
            mention.strength = strength
    if not named:
        if (
            previous is not None
            and previous.line not in (None, "project_item", "total")
            and not state.members
        ):
            mention.line = previous.line
        elif (
            report_kind != "project"
            and previous is not None
            and not previous.excluded
            and not state.members
            and previous.line is None
        ):
            # A department report's follow-up figure is about what the figure before it was about
            # ("该项目全年预算数50万元，全年执行数45万元": the project's, not the unit's).
            return
        if mention.line is None:
            if context_item is not None:
                mention.line, mention.item = "project_item", context_item
            elif report_kind == "project" or (
                _WHOLE_BUDGET.search(clause) and not _PART_OF_BUDGET.search(clause)
            ):
                mention.line = "total"
    if _SUBTOTAL.search(clause) and len(state.members) >= 2:
        total = sum(m.amount for m in state.members)
        if abs(total - mention.amount) <= _AMOUNT_TOL * len(state.members):
            mention.subtotal = True


def _prior_year(mention: Mention, clause: str, fiscal_year: int | None) -> None:
    """A figure spent in an earlier year is that year's final account, never this year's."""
    year = _YEAR.search(clause)
    if not year or fiscal_year is None or int(year.group(1)) >= fiscal_year:
        return
    if mention.stage == "executed":
        mention.stage = "prior_year_final"
    elif mention.stage == "initial_budget":
        # An earlier year's budget as planned ("而2017年度预算安排的…32万元") is no figure of this year.
        mention.excluded = "an earlier year's budget"


# "1.协管员经费专项965.12万元。" listed under a "（二）项目支出情况" heading: one project's spending.
_LISTED_PROJECT = re.compile(
    rf"^\d+\s*[.、．]\s*(?P<name>[\u4e00-\u9fff（）()]{{2,30}}?(?:经费|费用|费|资金|项目))(?:专项)?(?:资金)?"
    rf"(?:支出|为)?(?P<amount>{NUMBER_PATTERN})\s*(?P<unit>万元|元)"
)


def _listed_project_spending(text: str, section: str) -> Mention | None:
    if "项目支出" not in section or "情况" not in section:
        return None
    match = _LISTED_PROJECT.match(text)
    if not match or lexicon().not_a_budget_fact.search(match.group("name")):
        return None
    amount = to_wan_yuan(parse_number_token(match.group("amount")), match.group("unit"))
    if amount is None:
        return None
    return Mention(
        amount=amount,
        printed=match.group(0),
        line="project_item",
        item=match.group("name"),
        stage="executed",
        strength=2,
        evidence=match.group(0),
        page=None,
        sentence=0,
    )


# ---------------------------------------------------------------- settling the mentions


def _settle(mentions: list[Mention], report_kind: str) -> list[dict[str, Any]]:
    """Mentions → facts: weak mentions resolved, subtotals and repeats dropped, names unified."""
    kept = [m for m in mentions if not m.excluded and m.line is not None] + _central_shares(mentions)
    strong = [m for m in kept if m.stage and m.strength == 2]
    resolved: list[Mention] = []
    for mention in kept:
        if mention.strength == 2 and mention.stage:
            resolved.append(mention)
        elif mention.strength == 1 and not any(_same_figure(mention, s) for s in strong):
            stage = "initial_budget" if mention.line in _DEPARTMENT_SUB_LINES else "adjusted_budget"
            resolved.append(replace(mention, stage=stage, strength=2))
    resolved = _recalled_allocation(resolved, mentions)
    resolved = _level_statements(resolved)
    resolved = _prefer_stated_budget(resolved)
    resolved = _drop_shares_restated_as_totals(resolved)
    resolved = _drop_subtotals(resolved)
    _unify_item_names(resolved)
    facts: list[dict[str, Any]] = []
    for mention in resolved:
        if any(
            f["line"] == mention.line
            and f["stage"] == mention.stage
            and (f["item"] or "") == (mention.item or "")
            and abs(f["amount_wan_yuan"] - mention.amount) <= _AMOUNT_TOL
            for f in facts
        ):
            continue
        facts.append(
            {
                "line": mention.line,
                "stage": mention.stage,
                "item": mention.item,
                "amount_wan_yuan": mention.amount,
                "evidence": mention.evidence,
                "origin": "prose",
                "page": mention.page,
            }
        )
    return facts


def _same_figure(a: Mention, b: Mention) -> bool:
    return a.line == b.line and (a.item or "") == (b.item or "") and abs(a.amount - b.amount) <= _AMOUNT_TOL


def _recalled_allocation(resolved: list[Mention], mentions: list[Mention]) -> list[Mention]:
    """ "下达 A … 收回 X … 剩余 B": the first allocation was the plan (initial), B the year's budget,
    and the parts listed under A were planned parts.

    labelling.md, cases decided: only when the printed figures add up (A - X = B).
    """
    recalled = [m for m in mentions if m.excluded and re.search(r"收回|调减", m.evidence)]
    if not recalled:
        return resolved
    totals = [m for m in resolved if m.line == "total" and m.stage == "adjusted_budget"]
    for first in totals:
        for later in totals:
            if later.order <= first.order:
                continue
            if any(abs(first.amount - x.amount - later.amount) <= _AMOUNT_TOL for x in recalled):
                first.stage = "initial_budget"
                for member in resolved:
                    if member.head == first.order and member.stage == "adjusted_budget":
                        member.stage = "initial_budget"
    return resolved


def _level_statements(resolved: list[Mention]) -> list[Mention]:
    """The year's money stated level by level ("中央下达…9056万元", "省级下达资金804万元", "市县下达
    资金2040.56万元") with no whole: shares by level of government, no line of their own; a central
    and a local statement only make the central one the fiscal share."""
    out = []
    for mention in resolved:
        if mention.line != "total" or mention.subject_level is None:
            out.append(mention)
            continue
        levels = {
            m.subject_level
            for m in resolved
            if m.line == "total" and m.stage == mention.stage and m.subject_level
        }
        if len(levels) < 2:
            out.append(mention)
        elif levels == {"中央", "地方"} and mention.subject_level == "中央":
            out.append(replace(mention, line="fiscal_funds"))
    return out


def _prefer_stated_budget(resolved: list[Mention]) -> list[Mention]:
    """Two different totals for the adjusted budget: the one printed as 调整后 / 全年预算 stands;
    money stated only as received (到位, 收到) is not the budget then."""
    stated = [
        m
        for m in resolved
        if m.line == "total" and m.stage == "adjusted_budget" and _STATED_BUDGET.search(m.cue)
    ]
    if not stated:
        return resolved
    return [
        m
        for m in resolved
        if not (
            m.line == "total"
            and m.stage == "adjusted_budget"
            and not _STATED_BUDGET.search(m.cue)
            and all(abs(m.amount - s.amount) > _AMOUNT_TOL for s in stated)
            and re.search(r"到位|收到|拨入", m.cue)
        )
    ]


def _drop_shares_restated_as_totals(resolved: list[Mention]) -> list[Mention]:
    """ "纳入评价的资金共43485.32万元，其中：中央资金10401.21万元…" and later "车购税补助资金10401.21万元
    分两批下达": the central share named again by its fund is that share, not a second total."""
    shares = [m for m in resolved if m.line == "fiscal_funds"]
    totals = [m for m in resolved if m.line == "total"]
    out = []
    for mention in resolved:
        restated = mention.line == "total" and any(
            s.stage == mention.stage and abs(s.amount - mention.amount) <= _AMOUNT_TOL for s in shares
        )
        larger = any(t.stage == mention.stage and t.amount > mention.amount + _AMOUNT_TOL for t in totals)
        if not (restated and larger):
            out.append(mention)
    return out


def _central_shares(mentions: list[Mention]) -> list[Mention]:
    """A whole split into its central and local parts ("其中：中央资金10401.21万元，地方资金33084.11万元"):
    the central part is the fiscal share (fiscal_funds).  A split over more levels (中央/省/市/县)
    has no line of its own (labelling.md) and stays out."""
    out = []
    by_head: dict[tuple[int, int | None], list[Mention]] = {}
    for mention in mentions:
        if mention.level is not None:
            by_head.setdefault((mention.sentence, mention.head), []).append(mention)
    for group in by_head.values():
        if {m.level for m in group} == {"中央", "地方"}:
            for mention in group:
                if mention.level == "中央" and mention.stage:
                    out.append(replace(mention, line="fiscal_funds", excluded=None, strength=2))
    return out


def _drop_subtotals(resolved: list[Mention]) -> list[Mention]:
    """A "总计" that adds up the parts listed before it is their subtotal, not the whole, when the
    whole is stated elsewhere for the same stage."""
    out = []
    for mention in resolved:
        if mention.subtotal and mention.line == "total":
            others = [
                m
                for m in resolved
                if m is not mention and m.line == "total" and m.stage == mention.stage and not m.subtotal
            ]
            if others:
                continue
        out.append(mention)
    return out


_GENERIC_TAIL = re.compile(r"(?:项目|建设|资金|经费|专项|工程)+$")


def _core(name: str) -> str:
    return _GENERIC_TAIL.sub("", name) or name


def _unify_item_names(resolved: list[Mention]) -> None:
    """The same part named differently at another stage ("社会工作服务站建设" / "…项目") takes the
    name it was first given, so its stages meet on one row."""
    first_names: list[tuple[str, str]] = []  # (core, name) in order of appearance
    for mention in resolved:
        if mention.line != "project_item" or not mention.item:
            continue
        core = _core(mention.item)
        for known_core, known_name in first_names:
            if known_name == mention.item:
                break
            if len(core) >= 4 and len(known_core) >= 4 and (core in known_core or known_core in core):
                same_stage = any(
                    m.item == known_name
                    and m.stage == mention.stage
                    and abs(m.amount - mention.amount) > _AMOUNT_TOL
                    for m in resolved
                    if m is not mention
                )
                if not same_stage:
                    mention.item = known_name
                break
        else:
            first_names.append((core, mention.item))
