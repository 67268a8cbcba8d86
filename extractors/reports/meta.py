"""Report-level fields: title, kind, fiscal year, unit, project, region, score and grade.

Why in this order of places: a careful reader (labelling.md) takes the unit from the form's
own fields first (实施单位, 项目单位, 单位名称 …), then from the title ("XX局2023年度…自评报告"),
the signature, and only then from the page around the report (来源 / 发布机构 / the site's
name); the year from the title, else the period the report covers, else the year its figures
are stated for.  The body mentions publication years, other units and other places, so it
is read last and only for what the earlier places leave open.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from extractors.documents.model import Document, Paragraph, Table
from extractors.normalize.names import clean_unit_name
from extractors.normalize.regions import Region, expand_short_names, merge_regions, resolve_region
from extractors.normalize.text import cell_text, compact, fold_width
from extractors.reports.context import PageContext, usable_site_name

_TITLE_MAX_CHARS = 90
_TITLE_SCAN_PARAGRAPHS = 60
_REPORT_PHRASE = re.compile(
    r"(?:部门|单位)?(?:（单位）|\(单位\))?(?:整体支出|整体|项目支出|项目)?(?:绩效)(?:自评|自我评价|评价|目标自评)"
)
# What a title says the document is: a self-evaluation report or table, or a report on the use of a fund.
_TITLE_MARK = re.compile(
    r"绩效自评|自评报告|自评表|绩效评价|绩效报告|绩效目标自评|使用情况(?:的)?报告|使用情况$"
)
_SEGMENT_BREAK = re.compile(
    r"(?:19|20)\d{2}\s*年度?|\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?|附件\s*\d*|[:：。|，,、]|报告|结果|表|单位[:：]"
)
_GENERIC_UNITS = re.compile(
    r"^(?:本?部门|本?单位|预算|预算单位|部门（单位）|单位名称|名称|度|年度|（盖章）|盖章)?$"
)
_NAME_FIELD = re.compile(
    r"(?:(?:部门(?:（单位）|\(单位\))?|单位|预算单位)名称|填报单位|编制单位|报送单位|评价单位)[:：]\s*"
    r"([^|]{3,60}?)\s*(?:（盖章）|\(盖章\)|\||年\s*月|$)"
)
# Key fields printed as "项目单位 南湖新区民政局" / "实施单位：XX" lines (covers, older forms).
_KEY_LINE = re.compile(
    r"^(?P<key>项目名称|转移支付(?:（项目）|\(项目\))?名称|专项名称|资金名称|项目单位|项目实施单位|实施单位|资金使用单位|"
    r"主管部门|地方主管部门|单位名称|部门(?:（单位）|\(单位\))?名称|预算单位(?:名称)?|填报单位|评价单位)"
    r"(?:（盖章）|\(盖章\))?\s*[:：]?\s*(?P<value>\S.{0,60})$"
)
_KEY_NAMES = {
    "项目名称": "project_name",
    "专项名称": "project_name",
    "资金名称": "project_name",
    "项目单位": "implementing_unit",
    "项目实施单位": "implementing_unit",
    "实施单位": "implementing_unit",
    "资金使用单位": "implementing_unit",
    "主管部门": "department_name",
    "地方主管部门": "department_name",
    "单位名称": "unit_name",
    "预算单位": "unit_name",
    "预算单位名称": "unit_name",
    "填报单位": "unit_name",
    "评价单位": "unit_name",
}
# Who the report is by, stated in a sentence: "项目业主为XX", "预算单位XX的…项目".
_PROSE_UNIT = re.compile(
    r"(?:项目业主|项目单位|实施单位|项目实施单位|资金使用单位)(?:为|是|[:：])(?P<value>[\u4e00-\u9fff（）()]{3,40}?)"
    r"(?=[（(，,。；;]|$)"
)
_PREAMBLE_UNIT = re.compile(
    r"现将(?:(?:19|20)\d{2}年度?)?(?P<value>[\u4e00-\u9fff（）()]{3,30}?)(?:(?:19|20)\d{2}年度?)?[\u4e00-\u9fff]{0,30}?"
    r"(?:自评|绩效|评价)[\u4e00-\u9fff]{0,12}?(?:报告|情况)如下"
)
_PROSE_DEPARTMENT = re.compile(r"主管部门(?:为|是|[:：])(?P<value>[\u4e00-\u9fff]{3,40}?)(?=[（(，,。；;]|$)")
_YEAR_TITLE = re.compile(r"((?:19|20)\d{2})\s*年度")
_YEAR_PLAIN = re.compile(r"((?:19|20)\d{2})\s*年(?!\s*\d{1,2}\s*月)")
_YEAR_ANY = re.compile(r"((?:19|20)\d{2})\s*(?:年|-度)")
_YEAR_SPAN = re.compile(r"((?:19|20)\d{2})\s*年?\s*[-—至~到]\s*((?:19|20)\d{2})\s*年")
_PERIOD_KEY = re.compile(
    r"(?:项目起止时间|起止时间|实施期限|项目实施期|评价年度|评价期间|项目期限)\s*[:：]?\s*(?P<text>.{4,60})"
)
_CITED_TITLE = re.compile(
    r"《[^《》]{0,80}》|〔\s*\d{4}\s*〕|\[\s*\d{4}\s*\]|【\s*\d{4}\s*】|（\s*\d{4}\s*）号"
)
_GRADE = re.compile(
    r"(?:评价等级|自评等级|绩效等级|等级|等次|评价结果|评定|自评结果)\s*(?:均)?(?:为|是|：|:)?\s*[“\"「『]?\s*"
    r"(优秀|优|良好|良|中等|中|合格|不合格|差)"
    r"(?![\u4e00-\u9fff])"
)
_GRADE_NORMAL = {"优秀": "优", "良好": "良", "中等": "中", "合格": "中", "不合格": "差"}
_PROSE_SCORE = re.compile(
    r"(?<!指标)(?:自评得分|自评总分|综合得分|总得分|评价得分|自评分)\s*(?:为|是|：|:)?\s*(\d{1,3}(?:\.\d+)?)\s*分"
)
# How names of public bodies end (局, 委员会, 中心, 大队 …): a line that does not is not a unit.
_ORGANISATION_END = re.compile(
    r"(?:局|委|办|院|所|站|中心|队|会|室|处|厅|部|馆|校|学|园|社|团|司|组|府|街道|镇|乡|科|股|台|场|署|庭|联|"
    r"段|厂|营|宫|网|报|办事处|管理处|服务部|单位|公司|委员会|管委会|医院|学校|小学|中学|幼儿园)$"
)
_DEV_ZONE = re.compile(r"开发区|高新区|新区管委会|园区|保税区|试验区|示范区")
_CODE_PREFIX = re.compile(r"^\s*\[?(?:\d{2,}|[0-9A-Z]{12,})\]?\s*[-－—_:：]\s*")
_PROJECT_WORDS = re.compile(r"项目|专项|资金|转移支付|经费|公益金|工程|补助|补贴|债券|国债")
_DEPARTMENT_WORDS = re.compile(r"整体支出|部门整体|单位整体|整体绩效|部门（单位）整体|部门\(单位\)整体")


@dataclass(frozen=True)
class Sourced:
    """A report field's value and where it was read: the report itself, or the page around it."""

    value: str | None
    origin: str | None = None  # "document" or "page"
    evidence: str | None = None


_NOTHING = Sourced(None)


def title_lines(document: Document) -> list[str]:
    """Short paragraphs near the top, where covers and titles live (joined later to undo line wraps)."""
    lines = []
    for block in document.blocks[:_TITLE_SCAN_PARAGRAPHS]:
        if isinstance(block, Paragraph):
            text = _fix_split_year(compact(block.text).replace(" ", ""))
            if len(text) <= _TITLE_MAX_CHARS:
                lines.append(text)
    if document.title:
        # A web page's <title> ("XX局2023年度…自评报告_XX区人民政府") comes last: a fallback only.
        lines.append(re.split(r"[_|—–-]{1,2}", compact(document.title).replace(" ", ""))[0])
    return lines


def _fix_split_year(text: str) -> str:
    """ "20 16 年度" or "2016 -度" as some PDFs and conversions print them → "2016年度"."""
    text = re.sub(r"((?:19|20))\s+(\d{2})(?=\s*(?:年|-度))", r"\1\2", text)
    return re.sub(r"((?:19|20)\d{2})\s*-\s*度", r"\1年度", text)


def _title_runs(lines: list[str]) -> list[str]:
    """Consecutive short lines joined: a title wrapped over 2–3 lines becomes one string."""
    return ["".join(lines[i : i + 3]) for i in range(len(lines))]


def find_title(document: Document, context: PageContext) -> str | None:
    """The report's title: the first short line (wraps joined) that says it is a self-evaluation,
    else the page's title."""
    lines = title_lines(document)[:-1] if document.title else title_lines(document)
    lines = [_before_furniture(line) for line in lines]
    for i, line in enumerate(lines[:25]):
        mark = _TITLE_MARK.search(line)
        if not mark or _FURNITURE_LINE.search(line) or re.search(r"[，,；;]|如下|。.", line):
            # A line with a sentence's punctuation is running text, not a title.
            continue
        if _OUTLINE_HEADING.match(line):
            # "二、项目绩效自评工作开展情况": a section of the report, not its title.
            continue
        run = line
        # A title wrapped over lines: "2023年度部门（单位）整体支出" + "绩效自评报告".
        if (mark.start() <= 4 or _REPORT_PHRASE.match(line)) and i > 0 and _title_part(lines[i - 1]):
            run = lines[i - 1] + run
            if i > 1 and len(lines[i - 1]) <= 20 and _title_part(lines[i - 2]) and not _YEAR_ANY.search(run):
                run = lines[i - 2] + run
        elif (
            i + 1 < len(lines) and len(lines[i + 1]) <= 12 and not re.search(r"(?:报告|表|情况)[）)]?$", run)
        ):
            if _title_part(lines[i + 1]):
                run += lines[i + 1]
        if len(run) < 6:
            continue
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        # The year or the project printed under the title: "（2020年度）", "（教育专项工作经费）".
        if re.fullmatch(r"[（(][^（）()]{2,40}[）)]", nxt) and not re.search(r"[（(][^（）()]*[）)]$", run):
            run += nxt
        return run
    for i, line in enumerate(lines[:25]):
        if _REPORT_PHRASE.search(line) and i + 1 < len(lines) and not _OUTLINE_HEADING.match(line):
            joined = line + lines[i + 1]
            if _TITLE_MARK.search(joined) and not re.search(r"[，,；;。]", joined):
                return joined
    title = context.title or _line_before_info(lines)
    return _fix_split_year(title) if title else None


def _line_before_info(lines: list[str]) -> str | None:
    """A printed article page's title: the line right above its 发布时间 / 来源 info line."""
    for i, line in enumerate(lines[:25]):
        if i and re.match(r"^(?:发布时间|发布日期|信息来源|来源|时间)\s*[:：]", line):
            above = lines[i - 1]
            if (
                4 <= len(above) <= 60
                and not re.search(r"[，,。；;]", above)
                and not _FURNITURE_LINE.search(above)
            ):
                return above
    return None


_OUTLINE_HEADING = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]|[（(]\s*[一二三四五六七八九十\d]+\s*[）)]|\d+\s*[、.．](?!\d))"
)
# Lines of page furniture that may carry report words ("您当前的位置：首页 > … > 绩效自评").
_FURNITURE_LINE = re.compile(
    r"位置[:：]|首页\s*[>»›]|>>|索引号|发布机构|公开目录|发布日期|生成日期|浏览量|浏览次数"
)
# Where a printed page runs the article's info line on after its title ("…自评报告来源:XX局时间:…").
_INFO_START = re.compile(
    r"(?:信息来源|文章来源|来源|发布时间|发布日期|作者|时间|浏览次数|点击数|字号)\s*[:：]"
)


def _before_furniture(line: str) -> str:
    """A line without the metadata label before it ("名称:") and the info line run on after it."""
    line = re.sub(r"^(?:名\s*称|标\s*题|文章标题)\s*[:：]", "", line)
    match = _INFO_START.search(line)
    return line[: match.start()] if match and match.start() >= 6 else line


def _title_part(line: str) -> bool:
    """A short line that can be part of a wrapped title (not a heading, 附件 note or sentence)."""
    return (
        0 < len(line) <= 40
        and not re.match(r"^(?:附件|附表)\s*\d*$", line)
        and not re.search(r"[。；;：:]$", line)
        and not re.match(
            r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]|[（(]\s*[一二三四五六七八九十\d]+\s*[）)])", line
        )
    )


def find_report_kind(
    title: str | None,
    document: Document,
    has_project_table: bool,
    has_department_table: bool,
    keys: dict[str, str],
    fallback_title: str | None = None,
) -> str:
    """department_overall for 部门(单位)整体 reports, project for project, fund and transfer reports.

    The title the report prints comes first, then its forms, then the page's title (``fallback_title``):
    a page titled after a 部门整体 report may carry that unit's project tables below it.
    """
    head = title or ""
    if _DEPARTMENT_WORDS.search(head):
        return "department_overall"
    if has_department_table and not has_project_table:
        return "department_overall"
    if _PROJECT_WORDS.search(head) or has_project_table or "project_name" in keys:
        return "project"
    if fallback_title and _DEPARTMENT_WORDS.search(fallback_title):
        return "department_overall"
    if fallback_title and _PROJECT_WORDS.search(fallback_title):
        return "project"
    top = "".join(title_lines(document)[:12])
    if _DEPARTMENT_WORDS.search(top):
        return "department_overall"
    if re.search(r"项目支出绩效自评|项目绩效自评|转移支付|公益金|衔接资金|专项资金|项目资金|补助资金", top):
        return "project"
    # The national outline of a transfer or fund self-evaluation.
    if re.search(r"绩效目标分解下达情况|分解下达(?:预算)?和绩效目标", top):
        return "project"
    return "department_overall"


def find_fiscal_year(
    document: Document, title: str | None, table_years: list[int], keys: dict[str, str], context: PageContext
) -> Sourced:
    """The evaluated year: the title's, else the period the report covers, else its figures' year."""
    if title:
        year = _title_year(title)
        if year is not None:
            return Sourced(str(year), "document", title)
    runs = [
        run for run in _title_runs(title_lines(document)) if _REPORT_PHRASE.search(run) or "自评表" in run
    ]
    for pattern in (_YEAR_TITLE, _YEAR_PLAIN):
        for run in runs[:6]:
            match = pattern.search(run)
            if match:
                return Sourced(match.group(1), "document", run)
    for line in title_lines(document)[:12]:
        # A form's year printed on its own line under the title: "（2024年度）".
        alone = re.fullmatch(r"[（(]?((?:19|20)\d{2})年度?[）)]?", line)
        if alone:
            return Sourced(alone.group(1), "document", line)
    project = keys.get("project_name") or ""
    span = _YEAR_SPAN.search(project.replace(" ", ""))
    if span:
        return Sourced(str(max(int(span.group(1)), int(span.group(2)))), "document", project)
    period = keys.get("period") or _period_text(document)
    if period:
        years = [int(y) for y in re.findall(r"(?:19|20)\d{2}", period)]
        if years:
            return Sourced(str(max(years)), "document", period)
    if table_years:
        year = Counter(table_years).most_common(1)[0][0]
        return Sourced(str(year), "document", f"（{year}年度）")
    counts: Counter[int] = Counter()
    for block in document.paragraphs:
        text = _CITED_TITLE.sub("", fold_width(compact(block.text)))
        for sentence in re.split(r"[。；;]", text):
            # "The year of the figures" (labelling.md): a year the report states money for.
            if re.search(r"\d\s*(?:万元|元)", sentence):
                counts.update(int(y) for y in _YEAR_PLAIN.findall(sentence))
    if counts:
        year, _ = counts.most_common(1)[0]
        return Sourced(str(year), "document", f"{year}年 ×{counts[year]}")
    if context.title:
        year = _title_year(context.title)
        if year is not None:
            return Sourced(str(year), "page", context.title)
    return _NOTHING


def _title_year(title: str) -> int | None:
    text = _fix_split_year(title.replace(" ", ""))
    span = _YEAR_SPAN.search(text)
    if span:
        return max(int(span.group(1)), int(span.group(2)))
    for pattern in (_YEAR_TITLE, _YEAR_PLAIN):
        match = pattern.search(text)
        if match:
            return int(match.group(1))
    return None


def _period_text(document: Document) -> str | None:
    """The 项目起止时间 / 评价年度 a form prints, in a line or a table row."""
    for block in document.blocks[:80]:
        texts = (
            [block.text]
            if isinstance(block, Paragraph)
            else [" ".join(cell_text(c) for c in r if c) for r in block.rows]
        )
        for text in texts:
            match = _PERIOD_KEY.search(compact(text).replace(" ", ""))
            if match:
                return match.group("text")
    return None


def key_lines(document: Document) -> dict[str, str]:
    """Key fields printed as lines ("项目单位 南湖新区民政局") or stated in sentences ("项目业主为XX")."""
    keys: dict[str, str] = {}
    for block in document.blocks[:_TITLE_SCAN_PARAGRAPHS]:
        if not isinstance(block, Paragraph):
            continue
        text = compact(block.text)
        match = _KEY_LINE.match(text)
        if match:
            key = match.group("key")
            name = _KEY_NAMES.get(key) or ("unit_name" if key.startswith("部门") else "project_name")
            value = match.group("value").strip(" :：")
            if name and value and name not in keys:
                keys[name] = value
            continue
        flat = text.replace(" ", "")
        match = _PROSE_UNIT.search(flat)
        if match and "implementing_unit" not in keys:
            keys["implementing_unit"] = match.group("value")
        match = _PROSE_DEPARTMENT.search(flat)
        if match and "department_name" not in keys:
            keys["department_name"] = match.group("value")
        match = _PREAMBLE_UNIT.search(flat)
        if match and "implementing_unit" not in keys:
            unit = _organisation_prefix(match.group("value"))
            if unit:
                keys["implementing_unit"] = unit
    # A name field wrapped over two cover lines ("…名称：株洲市芦淞区城市管理" + "综合…大队（盖章）").
    joined = "".join(title_lines(document)[:20])
    for match in _NAME_FIELD.finditer(joined):
        value = match.group(1)
        if valid_unit(clean_unit_name(value)) and not valid_unit(clean_unit_name(keys.get("unit_name"))):
            keys["unit_name"] = value
            break
    return keys


def _organisation_prefix(text: str) -> str | None:
    """The longest leading part of ``text`` that is a body's name ("西平县交通运输局财政衔接…" → the 局)."""
    for end in range(len(text), 2, -1):
        if valid_unit(text[:end]):
            return text[:end]
    return None


def merge_keys(lines: dict[str, str], table: dict[str, str]) -> dict[str, str]:
    """Key fields from the form's table over those from lines, except where the table's value is a
    fragment of the line's (a name split over a page break or a cell wrap)."""
    merged = dict(lines)
    for key, value in table.items():
        if not value:
            continue
        known = merged.get(key)
        if known and compact(value).replace(" ", "") in compact(known).replace(" ", ""):
            continue
        merged[key] = value
    return merged


_FUND_KIND_AFTER_UNIT = re.compile(r"(?:中央|省级|省|市级|县级)?(?:财政)?转移支付(?:资金)?$")


def find_unit_in_title(title: str | None) -> str | None:
    """ "XX局2023年度…绩效自评报告" or "部门（单位）名称：XX（盖章）" → XX."""
    if not title:
        return None
    candidates: list[str] = [m.group(1) for m in _NAME_FIELD.finditer(title)]
    leading = re.match(
        r"^(?:附件\d*[:：]?)?(?P<unit>[\u4e00-\u9fff（）()]{3,40}?)\s*(?:19|20)\d{2}\s*年", title
    )
    if leading:
        candidates.append(leading.group("unit"))
    about = re.match(r"^(?P<unit>[\u4e00-\u9fff（）()]{3,40}?)关于", title)
    if about:
        candidates.append(about.group("unit"))
    for match in _REPORT_PHRASE.finditer(title):
        segments = [s for s in _SEGMENT_BREAK.split(title[: match.start()]) if s]
        candidates.extend(reversed(segments[-2:]))
    for candidate in candidates:
        # "XX残联中央转移支付2023年度…": the fund's kind follows the unit that reports on it
        candidate = _FUND_KIND_AFTER_UNIT.sub("", candidate) or candidate
        cleaned = clean_unit_name(re.sub(r"(?:部门|单位)?(?:（单位）)?$", "", candidate))
        if cleaned and valid_unit(cleaned):
            return cleaned
    return None


def valid_unit(name: str | None) -> bool:
    """Whether a name can be a reporting unit: a body's name, not a place, a phrase or a form label."""
    if not name:
        return False
    bare = re.sub(r"[（(][^（）()]*[）)]$", "", name)
    if not bare.endswith("单位"):
        name = re.sub(r"(?:部门|单位)?(?:（单位）)?$", "", name) or name
        bare = re.sub(r"[（(][^（）()]*[）)]$", "", name)
    return (
        len(name) >= 2
        and not _GENERIC_UNITS.match(name)
        and not re.search(r"\d|绩效|自评|报告|万元|年度|日期|电话|填表|负责人|平台|[、，,；;。：:|·]", name)
        and bool(_ORGANISATION_END.search(bare) or bare.endswith("单位"))
        and not _is_place_only(bare)
    )


def _is_place_only(name: str) -> bool:
    """ "绥芬河市", "金凤区": a division's name alone is where a unit is, not who it is."""
    region = resolve_region(name)
    rest = expand_short_names(name)
    for part in (region.province, region.city, region.county):
        if part:
            rest = rest.replace(part, "")
    return not rest or rest in ("人民", "本级")


def _clean_key_unit(value: str | None) -> str | None:
    """A unit printed in a form field, without its budget code ("219001-XX镇人民政府") and seal note."""
    if not value:
        return None
    value = _CODE_PREFIX.sub("", value)
    value = re.sub(r"[（(](?:行政)?主管部门[）)]$", "", value)
    return clean_unit_name(value)


def find_unit(
    title: str | None,
    keys: dict[str, str],
    kind: str,
    document: Document,
    context: PageContext,
) -> tuple[Sourced, str | None]:
    """(unit, department) as labelling.md ranks the places that print them."""
    department = _clean_key_unit(keys.get("department_name"))
    if department and not valid_unit(department):
        department = None
    order = ("implementing_unit", "unit_name") if kind == "project" else ("unit_name", "implementing_unit")
    for key in order:
        value = _clean_key_unit(keys.get(key))
        if value and valid_unit(value):
            title_unit = find_unit_in_title(title)
            if title_unit and value in title_unit and resolve_region(value).province is None:
                return Sourced(title_unit, "document", title), department
            return Sourced(value, "document", f"{key}: {keys.get(key)}"), department
    title_unit = find_unit_in_title(title)
    if title_unit:
        return Sourced(title_unit, "document", title), department
    signed = _signature(document)
    if signed:
        return Sourced(signed, "document", signed), department
    for value, label in (
        (context.publisher, "来源/发布机构"),
        (usable_site_name(context), "site"),
        (context.host, "主办单位"),
    ):
        cleaned = clean_unit_name(value) if value else None
        # A government portal's own office publishes every unit's report: it is no reporting unit.
        portal_office = bool(re.search(r"人民政府(?:办公室)?$|政府办(?:公室)?$", cleaned or ""))
        if cleaned and valid_unit(cleaned) and not portal_office:
            return Sourced(cleaned, "page", f"{label}: {value}"), department
    return _NOTHING, department


def _signature(document: Document) -> str | None:
    """The unit signing at the end: a line holding only a body's name, before a date line or last."""
    paragraphs = document.paragraphs[-6:]
    for i, block in enumerate(paragraphs):
        text = compact(block.text).replace(" ", "")
        nxt = compact(paragraphs[i + 1].text).replace(" ", "") if i + 1 < len(paragraphs) else ""
        dated = bool(re.fullmatch(r"(?:19|20)\d{2}年\d{1,2}月\d{1,2}日", nxt))
        if (dated or i == len(paragraphs) - 1) and 4 <= len(text) <= 30:
            name = clean_unit_name(text)
            if name and valid_unit(name) and not name.endswith("人民政府"):
                return name
    return None


_TITLE_TAIL = re.compile(
    r"(?:的)?(?:(?:部门|单位)?(?:项目支出|支出|财政支出)?(?:转移支付)?(?:区域)?(?:绩效目标|绩效)?"
    r"(?:自评|评价)(?:工作)?(?:自评)?(?:总结)?(?:报告|指标表|表)?|使用情况(?:的?报告)?|绩效执行结果)$"
)


def _trailing_bracket(text: str) -> tuple[int, str] | None:
    """(start, inner text) of the bracketed group that ends ``text``, brackets nested inside it
    kept ("…(2022年公共图书馆文化馆(站)免费开放市级补助经费)" → the fund's whole name)."""
    if not text or text[-1] not in "）)":
        return None
    depth = 0
    for index in range(len(text) - 1, -1, -1):
        if text[index] in "）)":
            depth += 1
        elif text[index] in "（(":
            depth -= 1
            if depth == 0:
                inner = text[index + 1 : -1]
                return (index, inner) if 4 <= len(inner) <= 60 else None
    return None


def _names_a_fund(name: str) -> bool:
    """A bracket that names the project or fund, not a year ("（2023年度）") or a scope."""
    without_year = re.sub(r"(?:19|20)\d{2}\s*年度?", "", name)
    if re.search(r"\d{4}", without_year) or len(without_year) < 4:
        return False
    return without_year == name or bool(_PROJECT_WORDS.search(without_year))


def find_project_name(title: str | None, keys: dict[str, str], unit: str | None, kind: str) -> str | None:
    """The project or fund: its form field, else the title's name between unit/year and the report words."""
    if kind != "project":
        return None
    value = keys.get("project_name")
    if value:
        return _CODE_PREFIX.sub("", re.sub(r"^\d{10,}[-－—]", "", value)).strip() or None
    if not title:
        return None
    quoted = re.search(r"[“\"「](?P<name>[^”\"」]{4,40})[”\"」]", title)
    if quoted and (_PROJECT_WORDS.search(quoted.group("name")) or "经费" in quoted.group("name")):
        return quoted.group("name")
    text = re.sub(r"^附件\s*\d*\s*[:：]?", "", title.replace(" ", ""))
    text = re.sub(r"\.(?:docx?|xlsx?|pdf|wps|et)$", "", text, flags=re.IGNORECASE)
    text = re.sub(r"^关于", "", text)
    sub = _trailing_bracket(text)
    text = re.sub(r"[（(][^（）()]*\d{4}年度?[^（）()]*[）)]$", "", text)
    if sub and _names_a_fund(sub[1]):
        main = re.sub(r"(?:19|20)\d{2}\s*年度?", "", text[: sub[0]])
        if unit:
            main = main.replace(unit, "")
        generic = re.sub(
            r"^[\u4e00-\u9fff]{0,12}?(?:省|市|县|区|州)?(?=财政支出|项目支出|项目|(?:中央|省级|省)?转移支付)",
            "",
            main,
        )
        if _TITLE_TAIL.fullmatch(generic) or re.fullmatch(
            r"(?:财政支出|项目支出|(?:中央|省级|省)?转移支付)?项目?" + _TITLE_TAIL.pattern, generic
        ):
            return sub[1]

    stripped = False
    if unit and text.startswith(unit):
        text = re.sub(r"^关于", "", text[len(unit) :])
        stripped = True
    year = re.search(r"(?:19|20)\d{2}\s*年度?", text)
    if (
        year
        and (year.start() > 0 or stripped)
        and year.start() <= 12
        and not re.search(r"项目$", text[: year.start()])
    ):
        head = text[: year.start()]
        text = text[year.end() :] if _is_place_only(head) or not head else text
    elif year and year.start() == 0:
        # "2019年度宁晋县高中助学金项目…": the year, then the place the project is in, then its name.
        rest = text[year.end() :]
        place = re.match(r"^[\u4e00-\u9fff]{1,6}?(?:省|市|县|区|州|旗)", rest)
        if place and _is_place_only(place.group(0)) and _PROJECT_WORDS.search(rest[place.end() :]):
            text = rest[place.end() :]
        elif not place:
            text = rest
    tail = _TITLE_TAIL.search(text)
    if tail:
        text = text[: tail.start()]
    text = re.sub(r"(?:转移支付)?区域[（(]项目[）)]$", "", text)  # 区域绩效目标自评表's "转移支付区域(项目)"
    text = re.sub(r"转移支付(?:(?:19|20)\d{2}年度?)?$", "", text)
    text = re.sub(r"(?:(?:19|20)\d{2}年度?)$", "", text)
    region = resolve_region(text)
    for part in (region.province, region.city, region.county):
        if (
            part
            and text.startswith(part)
            and re.match(r"(?:中央|省级|省|市级|县级|区级|本级)", text[len(part) :])
        ):
            text = text[len(part) :]
    if (
        len(text) < 3
        or not (_PROJECT_WORDS.search(text) or "经费" in text)
        or text.startswith(("项目支出", "财政支出"))
    ):
        return None
    if re.fullmatch(r"(?:项目|专项|资金|经费|项目资金|专项资金|财政资金|部门|单位|支出)+", text):
        return None
    return text


def find_grade(texts: list[str]) -> str | None:
    for text in texts:
        match = _GRADE.search(compact(text).replace(" ", ""))
        if match:
            grade = match.group(1)
            return _GRADE_NORMAL.get(grade, grade)
    return None


# "（一）自评得分" as a heading, the score alone in the paragraph below ("100分。").
_SCORE_HEADING = re.compile(
    r"^(?:[（(]?[一二三四五六七八九十\d]+[）)、.．]?)?(?:自评得分|自评总分|综合得分)(?:情况)?[:：]?$"
)
_SCORE_ALONE = re.compile(r"^(?:得分|总分)?(?:为)?(\d{1,3}(?:\.\d+)?)分")


def find_prose_score(document: Document) -> float | None:
    texts = [fold_width(compact(block.text)).replace(" ", "") for block in document.paragraphs]
    for index, text in enumerate(texts):
        match = _PROSE_SCORE.search(text)
        if match is None and _SCORE_HEADING.match(text) and index + 1 < len(texts):
            match = _SCORE_ALONE.match(texts[index + 1])
        if match:
            value = float(match.group(1))
            if 0 < value <= 100:
                return value
    return None


def find_region(
    unit_name: str | None,
    department_name: str | None,
    title: str | None,
    document: Document,
    context: PageContext | None = None,
) -> Region:
    """Divisions from the unit name, filled from the department and the title where consistent;
    from the body's own place names only when neither names a place."""
    region = resolve_region(unit_name)
    if department_name:
        region = merge_regions(region, resolve_region(department_name))
    if title and region.county is None:
        region = merge_regions(region, resolve_region(_leading_place(title)))
    if region.province is None:
        for line in title_lines(document)[:12]:
            if _REPORT_PHRASE.search(line) or (unit_name and unit_name in line):
                region = merge_regions(region, resolve_region(line))
    if region.county is None and unit_name is None:
        region = merge_regions(region, _body_region(document))
    if region.province is None and context is not None:
        # The portal's own name ("寿县人民政府") is where the page is published: the unit's place when
        # nothing the report prints names one.
        for name in (context.site_name, context.host):
            if name and region.province is None:
                region = resolve_region(name)
    elif region.county is None and context is not None:
        # A county portal publishing a report the body places only in its city: the county too.
        for name in (context.site_name, context.host):
            site = resolve_region(name) if name else None
            if site and site.county and site.province == region.province and site.city == region.city:
                region = site
                break
    if unit_name and _DEV_ZONE.search(unit_name) and region.county is not None:
        zone = _DEV_ZONE.search(unit_name)
        prefix = unit_name[: zone.start()] if zone else unit_name
        if region.county not in prefix:
            region = Region(region.province, region.city, None)
    return region


def _leading_place(title: str) -> str:
    """The place a title starts with ("秀屿区2024年度…" → "秀屿区…"); cut before a cited document."""
    return re.split(r"《|关于", title.replace(" ", ""))[0][:40]


def _body_region(document: Document) -> Region:
    """The county-level place the body names most, when it names it with its city ("漳州市长泰区")."""
    counts: Counter[Region] = Counter()
    for block in document.paragraphs[:40]:
        text = compact(block.text).replace(" ", "")
        for match in re.finditer(
            r"[\u4e00-\u9fff]{2,8}?(?:市|州|盟)[\u4e00-\u9fff]{1,6}?(?:区|县|市|旗)", text
        ):
            region = resolve_region(match.group(0))
            if region.county:
                counts[region] += 1
    if not counts:
        return Region(None, None, None)
    return counts.most_common(1)[0][0]


def table_texts(document: Document) -> list[str]:
    return [cell_text(c) for t in document.blocks if isinstance(t, Table) for r in t.rows for c in r if c]
