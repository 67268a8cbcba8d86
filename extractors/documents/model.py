"""The neutral document model every format reader produces.

Why one model: the interpreters (extractors.reports) read paragraphs and
tables in reading order and must not care whether they came from a PDF, a
Word file, a spreadsheet or a web page.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class DocumentError(Exception):
    """A file that cannot be read as a report; ``kind`` is the record's error.kind."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(f"{kind}: {message}")
        self.kind = kind
        self.message = message


@dataclass
class Paragraph:
    """One paragraph of running text (headings included), white space folded."""

    text: str
    page: int | None = None


@dataclass
class Table:
    """A table as a grid of cell texts; cells covered by a merge are None, empty cells "".

    ``pages`` lists every page the table spans once continuation parts are stitched.
    """

    rows: list[list[str | None]]
    page: int | None = None
    pages: list[int] = field(default_factory=list)
    title: str | None = None

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)


Block = Paragraph | Table


@dataclass
class Document:
    """Paragraphs and tables in reading order, plus what the reader noticed on the way."""

    format: str
    blocks: list[Block]
    page_count: int | None = None
    title: str | None = None
    warnings: list[dict[str, str]] = field(default_factory=list)
    # Pages whose text came from OCR (1-based): values read there are flagged in the record.
    ocr_pages: list[int] = field(default_factory=list)
    # A web page's furniture, kept aside from the article: the text around it (site header,
    # breadcrumb, 来源 / 发布时间 lines, footer) in page order, and its <meta name=… content=…>.
    # Readers of formats without furniture leave both empty; the report reader takes the unit,
    # year and title from here only when the report itself does not print them.
    furniture: list[str] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)

    @property
    def paragraphs(self) -> list[Paragraph]:
        return [b for b in self.blocks if isinstance(b, Paragraph)]

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]

    def warn(self, kind: str, message: str) -> None:
        self.warnings.append({"kind": kind, "message": message})
