"""PDF reader: ruled tables, running text between them, page furniture dropped.

Pages are read through pdfium (``pdfium_layout``: characters, text runs and ruling
lines in C, tables by pdfplumber's own geometry), which is several times faster than
pdfplumber's pure-Python page parsing; pdfplumber opens the file first (its errors
name encrypted and damaged files precisely) and reads any page pdfium cannot load.
Tables continuing over a page break are stitched into one, and page numbers, running
headers and footers are removed so they cannot split a sentence or pose as a figure.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from pathlib import Path
from typing import Any

from extractors.documents.limits import DEFAULT_LIMITS, ReaderLimits
from extractors.documents.model import Block, Document, DocumentError, Paragraph, Table
from extractors.documents.paragraphs import starts_new_paragraph
from extractors.documents.pdfium_layout import PageLayout, read_page_layout

_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—–·\s]*\d{1,4}[-—–·\s]*|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+|"
    r"page\s*\d+(?:\s*of\s*\d+)?)\s*$",
    re.IGNORECASE,
)
_SENTENCE_END = ("。", "！", "？")
# A colon or semicolon ends a paragraph only on a short line ("一、绩效目标：" as a heading): a
# full-width line that happens to wrap right after one is the middle of a list.
_CLAUSE_END = ("：", ":", "；")


def read_pdf(path: Path, limits: ReaderLimits = DEFAULT_LIMITS) -> Document:
    """Read a PDF into paragraphs and tables in reading order."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        pdf = pdfplumber.open(path)
    except PDFPasswordIncorrect as exc:
        raise DocumentError("encrypted", "the PDF needs a password") from exc
    except PDFSyntaxError as exc:
        raise DocumentError("truncated", f"not a readable PDF: {exc}") from exc
    except Exception as exc:
        raise _classify_pdf_error(exc) from exc
    try:
        fast = _open_pdfium(path)
        try:
            page_count, plumber_pages = _page_count(pdf, fast, limits)
            page_items: list[list[tuple[float, Any]]] = []
            heights: list[float] = []
            widths: list[float] = []
            scanned_pages: list[int] = []
            unreadable: list[int] = []
            for number in range(1, page_count + 1):
                layout = _pdfium_layout(fast, number - 1)
                if layout is not None:
                    items, text_chars, image_share = layout.items, layout.text_chars, layout.image_share
                    heights.append(layout.height)
                    widths.append(layout.width)
                else:
                    if plumber_pages is None:
                        plumber_pages = _plumber_pages(pdf)
                    if number > len(plumber_pages):  # a page pdfium counts and neither can read
                        unreadable.append(number)
                        items, text_chars, image_share = [], 0, 0.0
                        heights.append(heights[-1] if heights else 842.0)
                        widths.append(widths[-1] if widths else 595.0)
                    else:
                        page = plumber_pages[number - 1]
                        items, text_chars = _read_page(page, number)
                        image_share = _image_share(page)
                        heights.append(float(page.height))
                        widths.append(float(page.width))
                if _is_scanned(text_chars, image_share, limits):
                    scanned_pages.append(number)
                page_items.append(items)
            document = Document(format="pdf", blocks=[], page_count=page_count)
            if unreadable:
                document.warn("unreadable_pages", f"pages {unreadable} could not be loaded")
            if scanned_pages:
                _ocr_scanned(fast, scanned_pages, page_items, page_count, document, limits)
        except DocumentError:
            raise
        except Exception as exc:
            raise _classify_pdf_error(exc) from exc
        finally:
            if fast is not None:
                fast.close()
        furniture = _running_furniture(page_items, heights, limits.header_footer_margin_pt)
        document.blocks = _assemble(page_items, widths, furniture, limits)
    finally:
        _close_plumber(pdf)
    if not document.blocks:
        if document.ocr_pages:
            raise DocumentError("ocr_no_text", f"OCR found no text on the scanned pages {document.ocr_pages}")
        raise DocumentError("empty", "the PDF has no text")
    return document


def _page_count(pdf: Any, fast: Any, limits: ReaderLimits) -> tuple[int, list[Any] | None]:
    """The page count (pdfium's when it opened the file) and pdfplumber's pages when they had to
    be listed for it; a document over the page limit is refused before anything is parsed.

    Why pdfium's count: listing pdfplumber's pages parses every page dictionary in Python (a
    tenth of a whole extraction), and pdfplumber reads a page only where pdfium cannot load it
    — then its pages are listed on that first need.
    """
    if fast is not None:
        count = len(fast)
        if count > limits.pdf_max_pages:
            # Before pdfplumber lists the pages: that alone takes seconds on thousands of them.
            raise DocumentError("too_large", f"{count} pages exceed the limit of {limits.pdf_max_pages}")
        if count:
            return count, None
    pages = _plumber_pages(pdf)
    if not pages:
        raise DocumentError("empty", "the PDF has no pages")
    if len(pages) > limits.pdf_max_pages:
        raise DocumentError("too_large", f"{len(pages)} pages exceed the limit of {limits.pdf_max_pages}")
    return len(pages), pages


def _close_plumber(pdf: Any) -> None:
    """Close pdfplumber's PDF without listing its pages: ``close()`` closes every page, and
    asking for them parses every page dictionary, the cost that reading through pdfium saves."""
    if not hasattr(pdf, "_pages"):
        pdf._pages = []
    pdf.close()


def _plumber_pages(pdf: Any) -> list[Any]:
    try:
        return list(pdf.pages)
    except Exception as exc:
        raise _classify_pdf_error(exc) from exc


def _ocr_scanned(
    fast: Any,
    scanned_pages: list[int],
    page_items: list[list[tuple[float, Any]]],
    page_count: int,
    document: Document,
    limits: ReaderLimits,
) -> None:
    """Replace the (empty) items of scanned pages with what OCR reads on them, within the page budget.

    Why not an error: a report with a stamped, scanned signature page still has its tables in
    the text layer; only when every page is scanned and OCR cannot run is the file unreadable.
    """
    from extractors.documents.ocr import check_ocr_available, ocr_pdf_page

    every_page = len(scanned_pages) == page_count
    try:
        if fast is None:
            raise DocumentError("ocr_unavailable", "pdfium cannot render this PDF's pages for OCR")
        check_ocr_available(limits)
    except DocumentError as exc:
        if every_page:
            message = f"no text layer on any of the {page_count} pages; {exc.message}"
            raise DocumentError(exc.kind, message) from exc
        document.warn(exc.kind, f"pages without a text layer left unread {scanned_pages}: {exc.message}")
        return
    to_read = scanned_pages[: limits.ocr_max_pages]
    confidences = []
    started = time.monotonic()
    for position, number in enumerate(to_read):
        if position and time.monotonic() - started > limits.ocr_budget_s:
            to_read = to_read[:position]
            break
        result = ocr_pdf_page(fast, number - 1, limits)
        page_items[number - 1] = result.items
        document.ocr_pages.append(number)
        if result.confidence is not None:
            confidences.append(result.confidence)
    mean = f"{sum(confidences) / len(confidences):.0f}" if confidences else "n/a"
    document.warn(
        "ocr",
        f"pages {to_read} have no text layer and were read by OCR ({limits.ocr_language}, mean word "
        f"confidence {mean}); values from them are marked ocr and may hold misread characters",
    )
    skipped = [n for n in scanned_pages if n not in to_read]
    if skipped:
        document.warn(
            "ocr_skipped",
            f"scanned pages beyond the OCR budget ({limits.ocr_max_pages} pages, "
            f"{limits.ocr_budget_s:g}s) left unread: {skipped}",
        )


def _is_scanned(text_chars: int, image_share: float, limits: ReaderLimits) -> bool:
    """A page is a scan when an image covers most of it and its text layer is (nearly) empty.

    Why "nearly": portals stamp page numbers or a watermark as text over scanned pages, so an
    empty text layer alone would miss them; a page of real text never has only a few characters
    on top of a page-sized image.
    """
    return image_share >= limits.ocr_min_image_share and text_chars < limits.ocr_max_overlay_chars


def _image_share(page: Any) -> float:
    """The share of the page the largest image covers (pdfplumber page)."""
    area = float(page.width * page.height) or 1.0
    return max(
        (
            (float(i["x1"]) - float(i["x0"])) * (float(i["bottom"]) - float(i["top"])) / area
            for i in page.images
        ),
        default=0.0,
    )


def _classify_pdf_error(exc: Exception) -> DocumentError:
    """pdfplumber wraps pdfminer's errors (PdfminerException(PDFPasswordIncorrect())): look inside."""
    inner = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc
    text = f"{type(inner).__name__}: {inner}"
    if "password" in text.lower() or "encrypt" in text.lower():
        return DocumentError("encrypted", text)
    return DocumentError("truncated", f"the PDF is damaged or incomplete ({text})")


def _pdfium_layout(fast: Any, index: int) -> PageLayout | None:
    """The page through pdfium, or None when pdfium cannot open the file or load this page."""
    if fast is None:
        return None
    try:
        return read_page_layout(fast, index)
    except Exception:
        return None


def _read_page(page: Any, number: int) -> tuple[list[tuple[float, Any]], int]:
    """(top, item) pairs through pdfplumber, for a page pdfium could not load.

    ("line", dict) for text lines outside tables, ("table", Table).
    """
    items: list[tuple[float, Any]] = []
    tables = page.find_tables()
    boxes = [t.bbox for t in tables]
    for found in tables:
        rows = [[cell for cell in row] for row in found.extract()]
        if rows:
            items.append((found.bbox[1], ("table", Table(rows=rows, page=number, pages=[number]))))

    def outside_tables(obj: dict[str, Any]) -> bool:
        if obj.get("object_type") != "char":
            return True
        cx = (obj["x0"] + obj["x1"]) / 2
        cy = (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)

    text_page = page.filter(outside_tables) if boxes else page
    lines = text_page.extract_text_lines(keep_blank_chars=False)
    for line in lines:
        text = line["text"].strip()
        if text:
            items.append((line["top"], ("line", {**line, "page_height": page.height})))
    items.sort(key=lambda pair: pair[0])
    return items, sum(1 for char in page.chars if char["text"].strip())


def _open_pdfium(path: Path) -> Any:
    """pypdfium2 handle for the fast path, or None when pdfium cannot open what pdfplumber did."""
    try:
        import pypdfium2

        return pypdfium2.PdfDocument(str(path))
    except Exception:
        return None


def _running_furniture(pages: list[list[tuple[float, Any]]], heights: list[float], margin: float) -> set[str]:
    """Texts printed in the top/bottom margin of at least half of the pages: running headers/footers."""
    if len(pages) < 3:
        return set()
    counts: Counter[str] = Counter()
    for items, height in zip(pages, heights, strict=True):
        seen = set()
        for top, (kind, payload) in items:
            if kind == "line" and (top < margin or top > height - margin):
                seen.add(_digits_folded(payload["text"]))
        counts.update(seen)
    return {text for text, n in counts.items() if n >= max(2, len(pages) // 2)}


def _digits_folded(text: str) -> str:
    return re.sub(r"\d+", "#", text.strip())


def _is_furniture(line: dict[str, Any], furniture: set[str], margin: float) -> bool:
    in_margin = line["top"] < margin or line["top"] > line["page_height"] - margin
    if _PAGE_NUMBER.match(line["text"]) and (in_margin or len(line["text"].strip()) <= 5):
        return True
    return in_margin and _digits_folded(line["text"]) in furniture


def _assemble(
    pages: list[list[tuple[float, Any]]], widths: list[float], furniture: set[str], limits: ReaderLimits
) -> list[Block]:
    """Join lines into paragraphs and stitch tables continuing across page breaks."""
    blocks: list[Block] = []
    current: list[dict[str, Any]] = []
    page_right = 0.0

    def flush() -> None:
        if current:
            text = "".join(_line_join(current))
            blocks.append(Paragraph(text=text, page=current[0]["page"]))
            current.clear()

    for number, (items, width) in enumerate(zip(pages, widths, strict=True), start=1):
        line_rights = [p["x1"] for _, (k, p) in items if k == "line"]
        page_right = max(line_rights) if line_rights else width
        first_on_page = True
        for _top, (kind, payload) in items:
            if kind == "line":
                if _is_furniture(payload, furniture, limits.header_footer_margin_pt):
                    continue
                line = {**payload, "page": number, "page_right": page_right}
                if current and _ends_paragraph(current[-1], line):
                    flush()
                current.append(line)
            else:
                flush()
                table: Table = payload
                previous = blocks[-1] if blocks else None
                if (
                    first_on_page
                    and isinstance(previous, Table)
                    and previous.width == table.width
                    and not _opens_a_form(table)
                ):
                    rows = table.rows
                    if rows and previous.rows and rows[0] == previous.rows[0]:
                        rows = rows[1:]
                    previous.rows.extend(rows)
                    previous.pages.append(number)
                else:
                    blocks.append(table)
            first_on_page = False
    flush()
    return blocks


_FORM_KEY = re.compile(
    r"^(?:项目名称|部门(?:（单位）|\(单位\))?名称|单位名称|转移支付(?:（项目）|\(项目\))?名称)$"
)


def _opens_a_form(table: Table) -> bool:
    """A table whose first row names a project or a unit starts a new form; a table continued
    from the page before never does (a bundle prints one form per page, each as wide as the last)."""
    first = table.rows[0] if table.rows else []
    return any(cell and _FORM_KEY.match(re.sub(r"\s", "", cell)) for cell in first)


def _ends_paragraph(previous: dict[str, Any], line: dict[str, Any]) -> bool:
    """A paragraph ends after a sentence end, before a heading, or after a visibly short line."""
    prev_text = previous["text"].rstrip()
    if starts_new_paragraph(line["text"]):
        return True
    if prev_text.endswith(_SENTENCE_END):
        return True
    char_width = max(6.0, (previous["x1"] - previous["x0"]) / max(1, len(prev_text)))
    if prev_text.endswith(_CLAUSE_END):
        return previous["x1"] < previous["page_right"] - 2.5 * char_width
    # Justified CJK lines wrap early when the next token is a long number ("1120.78万元"): allow for it.
    leading_token = re.match(r"[0-9A-Za-z.,%，．]*", line["text"].strip())
    token_width = (len(leading_token.group(0)) * 0.55 + 1) * char_width if leading_token else char_width
    return previous["x1"] < previous["page_right"] - max(2.5 * char_width, token_width + char_width)


def _line_join(lines: list[dict[str, Any]]) -> list[str]:
    out: list[str] = []
    for line in lines:
        text = line["text"].strip()
        if (
            out
            and out[-1][-1:].isascii()
            and out[-1][-1:].isalpha()
            and text[:1].isascii()
            and text[:1].isalpha()
        ):
            out.append(" ")
        out.append(text)
    return out
