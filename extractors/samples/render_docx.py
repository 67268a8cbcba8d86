"""DOCX rendering with python-docx: bordered Word tables with merged 一级/二级指标 cells.

Why real merges and borders: extractors read Word tables through the table
model (python-docx repeats a merged cell's object across its span), so the
samples must merge the way Word does, not fake it with blank cells.
"""

from __future__ import annotations

import io

from docx import Document as new_docx
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from extractors.samples.layout import Document, Paragraph, Table
from extractors.samples.reproducible import FIXED_TIMESTAMP, normalize_ooxml

FONT = "宋体"
PAGE_WIDTH_MM = 170  # A4 text width with 20 mm margins


def _table(docx_doc, block: Table) -> None:  # type: ignore[no-untyped-def]
    table = docx_doc.add_table(rows=len(block.rows), cols=block.n_cols)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    unit = PAGE_WIDTH_MM / sum(block.widths)
    for column, width in zip(table.columns, block.widths, strict=True):
        for cell in column.cells:
            cell.width = Mm(width * unit)
    for r, c, cell in block.placed():
        target = table.cell(r, c)
        if cell.rowspan > 1 or cell.colspan > 1:
            target = target.merge(table.cell(r + cell.rowspan - 1, c + cell.colspan - 1))
        target.text = cell.text
        for paragraph in target.paragraphs:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            for run in paragraph.runs:
                run.font.size = Pt(9)
                run.bold = cell.header


def _paragraph(docx_doc, block: Paragraph) -> None:  # type: ignore[no-untyped-def]
    paragraph = docx_doc.add_paragraph()
    run = paragraph.add_run(block.text)
    if block.heading:
        run.bold = True
        run.font.size = Pt(16 if block.centered else 12)
    if block.centered:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif len(block.text) > 20:
        paragraph.paragraph_format.first_line_indent = Pt(21)


def render_docx(document: Document) -> bytes:
    """The document as a .docx; sections after the first start on a new page."""
    docx_doc = new_docx()
    normal = docx_doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(10.5)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    page = docx_doc.sections[0]
    page.orientation = WD_ORIENT.PORTRAIT
    page.page_width, page.page_height = Mm(210), Mm(297)
    page.left_margin = page.right_margin = Mm(20)
    props = docx_doc.core_properties
    props.title = document.title
    props.author = props.last_modified_by = ""
    props.created = props.modified = FIXED_TIMESTAMP
    props.revision = 1
    for index, section in enumerate(document.sections):
        if index:
            docx_doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        for block in section.blocks:
            if isinstance(block, Table):
                _table(docx_doc, block)
            else:
                _paragraph(docx_doc, block)
    out = io.BytesIO()
    docx_doc.save(out)
    return normalize_ooxml(out.getvalue())
