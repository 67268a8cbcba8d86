"""Report-level fields: kind, fiscal year, unit, region, score and grade.

Why from the title block first: the cover and title state the unit and the
evaluated year in a fixed phrasing ("2023年度XX单位整体支出绩效自评报告"),
while the body mentions publication years, other units and other places.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from extractors.documents.model import Document, Paragraph
from extractors.normalize.names import clean_unit_name
from extractors.normalize.regions import Region, merge_regions, resolve_region
from extractors.normalize.text import compact, fold_width

_TITLE_MAX_CHARS = 90
_TITLE_SCAN_PARAGRAPHS = 60
_REPORT_PHRASE = re.compile(
    r"(?:部门|单位)?(?:（单位）|\(单位\))?(?:整体支出|整体|项目支出|项目)?(?:绩效)(?:自评|自我评价|评价)"
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
_YEAR_TITLE = re.compile(r"((?:19|20)\d{2})\s*年度")
_YEAR_PLAIN = re.compile(r"((?:19|20)\d{2})\s*年(?!\s*\d{1,2}\s*月)")
_GRADE = re.compile(
    r"(?:评价等级|自评等级|绩效等级|等级|评价结果|评定)\s*(?:为|是|：|:)?\s*[“\"「『]?\s*(优秀|优|良好|良|中等|中|差)"
    r"(?![\u4e00-\u9fff])"
)
_GRADE_NORMAL = {"优秀": "优", "良好": "良", "中等": "中"}
_PROSE_SCORE = re.compile(
    r"(?:自评得分|自评总分|综合得分|总得分|评价得分|得分|自评分)\s*(?:为|是|：|:)?\s*(\d{1,3}(?:\.\d+)?)\s*分"
)
# How names of public bodies end (局, 委员会, 中心, 大队 …): a cover line that does not is not a unit.
_ORGANISATION_END = re.compile(
    r"(?:局|委|办|院|所|站|中心|队|会|室|处|厅|部|馆|校|学|园|社|团|司|组|府|街道|镇|乡|科|股|台|场|署|庭|库|"
    r"区|县|市|省|段|厂|队|营|库|宫|网|报|办事处|管理处|服务部)$"
)
_DEV_ZONE = re.compile(r"开发区|高新区|新区管委会|园区|保税区|试验区|示范区")


@dataclass
class ReportMeta:
    report_kind: str
    fiscal_year: int | None
    unit_name: str | None
    department_name: str | None
    project_name: str | None
    region: Region
    self_score: float | None
    grade: str | None


def title_lines(document: Document) -> list[str]:
    """Short paragraphs near the top, where covers and titles live (joined later to undo line wraps)."""
    lines = []
    for block in document.blocks[:_TITLE_SCAN_PARAGRAPHS]:
        if isinstance(block, Paragraph):
            text = compact(block.text).replace(" ", "")
            if len(text) <= _TITLE_MAX_CHARS:
                lines.append(text)
    if document.title:
        # A web page's <title> ("XX局2023年度…自评报告_XX区人民政府") comes last: a fallback only.
        lines.append(re.split(r"[_|—–-]{1,2}", compact(document.title).replace(" ", ""))[0])
    return lines


def _title_runs(lines: list[str]) -> list[str]:
    """Consecutive short lines joined: a title wrapped over 2–3 lines becomes one string."""
    runs = []
    for i in range(len(lines)):
        runs.append("".join(lines[i : i + 3]))
    return runs


def find_fiscal_year(document: Document, table_years: list[int]) -> int | None:
    """The evaluated year: from the title block, else the most frequent "YYYY年度" in the text."""
    runs = [
        run for run in _title_runs(title_lines(document)) if _REPORT_PHRASE.search(run) or "自评表" in run
    ]
    for pattern in (_YEAR_TITLE, _YEAR_PLAIN):
        for run in runs:
            match = pattern.search(run)
            if match:
                return int(match.group(1))
    counts: Counter[int] = Counter()
    for block in document.paragraphs:
        counts.update(int(y) for y in _YEAR_TITLE.findall(fold_width(block.text)))
    counts.update(table_years)
    return counts.most_common(1)[0][0] if counts else None


def find_unit_in_title(document: Document) -> str | None:
    """ "2023年度XX整体支出绩效自评报告" or "部门（单位）名称：XX（盖章）" → XX."""
    lines = title_lines(document)
    joined = "|".join(lines)
    candidates: list[str] = []
    for match in _NAME_FIELD.finditer(joined.replace("|", "")):
        candidates.append(match.group(1))
    for i in range(len(lines)):
        run = "".join(lines[i : i + 3])
        for match in _REPORT_PHRASE.finditer(run):
            segments = [s for s in _SEGMENT_BREAK.split(run[: match.start()]) if s]
            # The unit is the last segment before the report phrase, or the one before the year
            # ("XX局2023年度部门整体支出绩效自评报告").
            candidates.extend(reversed(segments[-2:]))
        if candidates and any(_valid_unit(c) for c in candidates):
            break
    for candidate in candidates:
        cleaned = clean_unit_name(re.sub(r"(?:部门|单位)?(?:（单位）)?$", "", candidate))
        if cleaned and _valid_unit(cleaned):
            return cleaned
    return None


def _valid_unit(name: str | None) -> bool:
    if not name:
        return False
    name = re.sub(r"(?:部门|单位)?(?:（单位）)?$", "", name)
    return (
        len(name) >= 4
        and not _GENERIC_UNITS.match(name)
        and not re.search(r"\d|绩效|自评|报告|万元|年度|日期|电话|填表|负责人|[、，,；;。]", name)
        and bool(_ORGANISATION_END.search(re.sub(r"[（(][^（）()]*[）)]$", "", name)))
    )


def choose_unit_name(title_unit: str | None, table_unit: str | None) -> str | None:
    """The table's key field wins when it is whole; a fragment (split over a page) loses to the title."""
    table_unit = clean_unit_name(table_unit)
    if table_unit and not _valid_unit(table_unit):
        table_unit = None
    if title_unit and table_unit:
        if table_unit in title_unit and resolve_region(table_unit).province is None:
            return title_unit
        return table_unit if (table_unit in title_unit or title_unit in table_unit) else title_unit
    return title_unit or table_unit


def find_grade(document: Document, table_texts: list[str]) -> str | None:
    for text in [*(p.text for p in document.paragraphs), *table_texts]:
        match = _GRADE.search(compact(text).replace(" ", ""))
        if match:
            grade = match.group(1)
            return _GRADE_NORMAL.get(grade, grade)
    return None


def find_prose_score(document: Document) -> float | None:
    for block in document.paragraphs:
        match = _PROSE_SCORE.search(fold_width(compact(block.text)).replace(" ", ""))
        if match:
            value = float(match.group(1))
            if 0 < value <= 100:
                return value
    return None


def find_region(unit_name: str | None, department_name: str | None, document: Document) -> Region:
    """Divisions from the unit name, filled from the department and the title block where consistent."""
    region = resolve_region(unit_name)
    if department_name:
        region = merge_regions(region, resolve_region(department_name))
    for line in title_lines(document)[:12]:
        if region.county is not None:
            break
        if _REPORT_PHRASE.search(line) or (unit_name and unit_name in line):
            region = merge_regions(region, resolve_region(line))
    if unit_name and _DEV_ZONE.search(unit_name) and region.county is not None:
        prefix = unit_name[: _DEV_ZONE.search(unit_name).start()]
        if region.county not in prefix:
            region = Region(region.province, region.city, None)
    return region
