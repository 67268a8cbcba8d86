"""One document, several reports: where a bundle's reports begin and end.

Why split before reading: units publish all their project tables in one file (a PDF or DOCX with
one 项目支出绩效自评表 per project, a workbook with one sheet per project, an HTML page with
several tables) or a 部门整体 report followed by its project tables.  Read as one report, the
first project's name and unit would carry every project's facts.

What starts a report here: a form row naming a project (项目名称 | X) whose project differs from
the one before, and - when what precedes the first such row is a department's own report - that
row too.  What does not: a table continued over pages (no new 项目名称), a project narrative
followed by its own table (same project), a title printed twice, a narrative quoting a project.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from extractors.documents.model import Block, Document, Paragraph, Table
from extractors.normalize.text import cell_text, compact
from extractors.reports.vocab import KEY_FIELDS

# The form keys that name a project (the table reader's own, from the lexicon).
_PROJECT_KEY = re.compile(
    "|".join(f"(?:{pattern})" for pattern, field in KEY_FIELDS if field == "project_name")
)
_AMOUNT = re.compile(r"\d\s*(?:万元|元)")
_DEPARTMENT_MARK = re.compile(r"整体支出|部门整体|单位整体|部门（单位）整体|部门\(单位\)整体")
# Short lines that head a form: its title, its year, its 附件 number, its unit line.
_FORM_HEAD = re.compile(
    r"自评表|自评报告|绩效目标表|评价表|^[（(]?\s*(?:19|20)\d{2}\s*年度?\s*[）)]?$|^附件\s*\d*[:：]?$|^(?:填报)?单位[:：（(]"
)


@dataclass
class ReportPart:
    """One report's share of a document: its blocks and where they lie."""

    document: Document
    index: int
    count: int
    pages: list[int] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Start:
    block: int
    row: int
    project: str
    unit: str  # the form's 主管部门 / 实施单位 value, "" when it prints none

    def begins_another_report_than(self, previous: _Start) -> bool:
        """Another project, or the same project name in another unit's form."""
        if self.project != previous.project:
            return True
        return bool(self.unit and previous.unit and self.unit != previous.unit)


def split_reports(document: Document) -> list[ReportPart]:
    """The document's reports in document order (one part for an ordinary document)."""
    starts = _project_starts(document.blocks)
    cuts: list[tuple[int, int]] = []
    previous: _Start | None = None
    for start in starts:
        if previous is not None and start.begins_another_report_than(previous):
            cuts.append((start.block, start.row))
        previous = start
    if starts and _department_report_before(document, starts[0]):
        cuts.insert(0, (starts[0].block, starts[0].row))
    if not cuts:
        return [_part(document, document.blocks, 0, 1)]
    pieces = _cut(document.blocks, cuts)
    return [_part(document, blocks, i, len(pieces)) for i, blocks in enumerate(pieces)]


def _project_starts(blocks: list[Block]) -> list[_Start]:
    """Every form row that names a project ("项目名称 | X"), with the project it names."""
    out = []
    for b, block in enumerate(blocks):
        if not isinstance(block, Table):
            continue
        for r, row in enumerate(block.rows):
            texts = [cell_text(c) for c in row]
            for i, text in enumerate(texts):
                if _PROJECT_KEY.match(text.replace(" ", "")):
                    value = next((t for t in texts[i + 1 :] if t), "")
                    if value and not _PROJECT_KEY.match(value.replace(" ", "")):
                        project = compact(value).replace(" ", "")
                        out.append(_Start(b, r, project, _form_unit(block.rows[r : r + _UNIT_ROWS])))
                    break
    return out


_UNIT_KEY = re.compile(r"^(?:(?:地方)?主管部门|(?:项目)?实施单位|项目单位|资金使用单位)(?:名称)?$")
_UNIT_ROWS = 4  # the unit rows follow the project row at the head of a form


def _form_unit(rows: list[list[str | None]]) -> str:
    """The unit a form names next to its project (主管部门 / 实施单位), folded; "" if none."""
    for row in rows:
        texts = [cell_text(c) for c in row]
        for i, text in enumerate(texts):
            if _UNIT_KEY.match(text.replace(" ", "")):
                value = next((t for t in texts[i + 1 :] if t), "")
                if value and not _UNIT_KEY.match(value.replace(" ", "")):
                    return compact(value).replace(" ", "")
    return ""


def _department_report_before(document: Document, first: _Start) -> bool:
    """Whether the blocks before the first project form are a department's own report (with figures)."""
    before = document.blocks[: first.block]
    if first.row:
        table = document.blocks[first.block]
        assert isinstance(table, Table)
        before = [*before, Table(rows=table.rows[: first.row])]
    texts = [b.text for b in before if isinstance(b, Paragraph)]
    cells = [cell_text(c) for b in before if isinstance(b, Table) for r in b.rows for c in r if c]
    joined = "".join(texts[:30] + cells[:60])
    if not _DEPARTMENT_MARK.search(joined):
        return False
    return any(_AMOUNT.search(t) for t in texts) or any(
        re.fullmatch(r"-?\d[\d,]*(?:\.\d+)?", c.replace(" ", "")) for c in cells
    )


def _cut(blocks: list[Block], cuts: list[tuple[int, int]]) -> list[list[Block]]:
    """Blocks split before each cut (a table split at its row); the short form-head lines just
    above a cut (the next form's title, its year) go with the form they head."""
    pieces: list[list[Block]] = [[]]
    cut_at = dict(cuts)
    for b, block in enumerate(blocks):
        if b in cut_at:
            row = cut_at[b]
            if row and isinstance(block, Table):
                pieces[-1].append(replace(block, rows=block.rows[:row], pages=list(block.pages)))
                block = replace(block, rows=block.rows[row:], pages=list(block.pages))
            head: list[Block] = []
            while pieces[-1] and _is_form_head(pieces[-1][-1]):
                head.insert(0, pieces[-1].pop())
            pieces.append(head)
        pieces[-1].append(block)
    return [piece for piece in pieces if piece]


def _is_form_head(block: Block) -> bool:
    if not isinstance(block, Paragraph):
        return False
    text = compact(block.text).replace(" ", "")
    return len(text) <= 40 and bool(_FORM_HEAD.search(text)) and not re.search(r"[，,。；;]", text)


def _part(document: Document, blocks: list[Block], index: int, count: int) -> ReportPart:
    pages: set[int] = set()
    sheets: list[str] = []
    for block in blocks:
        if isinstance(block, Table):
            pages.update(block.pages or ([block.page] if block.page else []))
            if document.format in ("xlsx", "xls") and block.title and block.title not in sheets:
                sheets.append(block.title)
        elif block.page:
            pages.add(block.page)
    sub = replace(document, blocks=list(blocks)) if count > 1 else document
    return ReportPart(sub, index, count, sorted(pages), sheets)
