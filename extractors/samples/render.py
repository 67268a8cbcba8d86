"""One entry point for rendering a spec in any supported format.

Why a dispatcher: the portal builder and the tests pick formats by name; the
format modules stay independent of each other and of the spec.
"""

from __future__ import annotations

from collections.abc import Callable

from extractors.samples.html_page import article, document_html
from extractors.samples.layout import Document, Section, spec_to_document
from extractors.samples.render_docx import render_docx
from extractors.samples.render_pdf import render_pdf
from extractors.samples.render_xlsx import render_xlsx
from extractors.samples.spec import FAMILIES, ReportSpec

FORMATS = ("pdf", "docx", "xlsx", "html")
EXTENSIONS = {"pdf": ".pdf", "docx": ".docx", "xlsx": ".xlsx", "html": ".html"}
# The formats each family is published in on real portals: narratives are articles, Word files
# and their PDFs, never workbooks; the forms come in every format.
FAMILY_FORMATS = {family: FORMATS for family in FAMILIES} | {"transfer_narrative": ("pdf", "docx", "html")}


def _render_html(spec: ReportSpec, document: Document) -> bytes:
    return article(spec.title, spec.published_at, document_html(document)).encode("utf-8")


_FILE_RENDERERS: dict[str, Callable[[Document], bytes]] = {
    "pdf": render_pdf,
    "docx": render_docx,
    "xlsx": render_xlsx,
}


def render_report(spec: ReportSpec, fmt: str) -> bytes:
    """The report as file bytes; "html" is a whole portal article page with the report inline."""
    if fmt not in FORMATS:
        raise ValueError(f"unsupported sample format {fmt!r}; expected one of {FORMATS}")
    document = spec_to_document(spec)
    if fmt == "html":
        return _render_html(spec, document)
    return _FILE_RENDERERS[fmt](document)


def render_bundle(specs: list[ReportSpec], fmt: str) -> bytes:
    """Several reports published as one file, in order: a PDF or DOCX with one form after another, a
    workbook with each report's sheets, an HTML page with every report inline.

    Why: units publish all their project tables in one file, or a 部门整体 report followed by its
    project tables; the extractor must give one record per report, each with its own facts.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unsupported sample format {fmt!r}; expected one of {FORMATS}")
    if not specs:
        raise ValueError("a bundle holds at least one report")
    sections: list[Section] = []
    for number, spec in enumerate(specs, start=1):
        for section in spec_to_document(spec).sections:
            sections.append(Section(f"{number}-{section.sheet_name}"[:31], section.blocks))
    document = Document(specs[0].title, sections)
    if fmt == "html":
        return _render_html(specs[0], document)
    return _FILE_RENDERERS[fmt](document)


def file_name_for(spec: ReportSpec, fmt: str) -> str:
    """The attachment name a portal would show: the report title plus the format's extension."""
    return spec.title + EXTENSIONS[fmt]
