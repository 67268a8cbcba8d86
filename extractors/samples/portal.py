"""The bundled sample portal: a static TRS-style column of reports, with its ground truth.

Why a generated portal: the nightly run needs a source that exercises the
crawler the way real gov.cn columns do (paginated listings with a
``createPageHTML`` script, ``./YYYYMM/tYYYYMMDD_N.html`` details, attachments
behind an opaque ``downfile.jsp`` endpoint that names the file only in
Content-Disposition, a report published inline, a notice and a news item that
must not be taken for reports) while every published number is known.

Layout of ``out_dir`` (served by ``extractors.samples.server``):
* ``site/`` — the files, mirroring URL paths (downloads under ``site/files/<id>``);
* ``site.json`` — request target → file, content type, Last-Modified, Content-Disposition;
* ``ground_truth.jsonl`` — one line per report (see ``build_sample_portal``): a bundle file
  gives a line per report it holds, each with its ``report_index``.

Beside the generated reports the portal publishes a bundle (two project tables in one PDF) and a
handful of real published reports (``real_reports/``: public pages rebuilt, with their hand
labels), so that a fresh clone's ``make run`` lands real-world reports in the warehouse too.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import format_datetime
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import yaml

from extractors.samples.html_page import COLUMN_NAME, COLUMN_PATH, SITE_NAME, article, page
from extractors.samples.record import record_for_document
from extractors.samples.render import file_name_for, render_bundle, render_report

# Serving is re-exported here so callers have one import point for the whole portal.
from extractors.samples.server import SamplePortal, running_sample_portal, serve_sample_portal
from extractors.samples.site_format import GROUND_TRUTH_NAME, MANIFEST_NAME, SITE_FOLDER, canonical_target
from extractors.samples.spec import ReportSpec, random_report_spec

__all__ = [
    "GROUND_TRUTH_NAME",
    "MANIFEST_NAME",
    "PortalSettings",
    "SamplePortal",
    "build_sample_portal",
    "load_ground_truth",
    "running_sample_portal",
    "serve_sample_portal",
    "write_registry",
]

REGISTRY_PATH = Path(__file__).with_name("sources.yaml")

# (format, kind) in publication order; cycled when n_reports exceeds it.  With 7 or more reports
# every format carries both kinds except the single inline HTML report.
PUBLICATION_PLAN: tuple[tuple[str, str], ...] = (
    ("pdf", "project"),
    ("docx", "department_overall"),
    ("xlsx", "project"),
    ("pdf", "department_overall"),
    ("docx", "project"),
    ("xlsx", "department_overall"),
    ("html", "project"),
)

CONTENT_TYPES = {"html": "text/html; charset=utf-8", "txt": "text/plain; charset=utf-8"}
REAL_REPORTS_DIR = Path(__file__).with_name("real_reports")
# Real published reports served beside the generated ones: (label name, format served), each
# extracted by the project exactly as its hand label reads it (tests/e2e checks the warehouse).
REAL_REPORTS: tuple[tuple[str, str], ...] = (("r75", "pdf"), ("r35", "docx"), ("r78", "pdf"), ("r46", "html"))
DOWNLOAD_CONTENT_TYPE = "application/octet-stream"


@dataclass(frozen=True)
class PortalSettings:
    """Tunables of the generated site's shape."""

    column_path: str = COLUMN_PATH
    download_path: str = "/module/download/downfile.jsp"
    download_classid: str = "0"
    items_per_page: int = 4
    publish_hour_utc: int = 1  # 09:xx Beijing time
    notice_fiscal_year: int = 2023  # the trap notice: 关于开展2023年度项目支出绩效自评工作的通知
    # The demo's extras beside the generated reports: a two-project PDF bundle and the vendored
    # real reports.  Benchmarks turn them off so a portal of n reports serves exactly n documents.
    demo_extras: bool = True


@dataclass
class _Resource:
    target: str  # request target: path, plus the canonical query for downloads
    file: str  # relative to site/
    content_type: str
    modified: dt.date
    disposition: str | None = None


@dataclass
class _Item:
    """One entry of the column listing: a report, or a trap page."""

    title: str
    published_at: dt.date
    detail_path: str


def content_disposition(file_name: str) -> str:
    """RFC 5987/6266 form: the UTF-8 name only in ``filename*`` (as many gov.cn endpoints send it)."""
    return f"attachment; filename*=UTF-8''{quote(file_name, safe='')}"


def http_date(day: dt.date, hour: int) -> str:
    return format_datetime(dt.datetime(day.year, day.month, day.day, hour, 30, tzinfo=dt.UTC), usegmt=True)


class _SiteWriter:
    """Collects files and their manifest entries under ``out_dir``."""

    def __init__(self, out_dir: Path, settings: PortalSettings) -> None:
        self.out_dir = out_dir
        self.settings = settings
        self.resources: list[_Resource] = []

    def add(self, target: str, file: str, data: bytes, content_type: str, modified: dt.date,
            disposition: str | None = None) -> None:  # fmt: skip
        path = self.out_dir / SITE_FOLDER / file
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.resources.append(_Resource(canonical_target(target), file, content_type, modified, disposition))

    def add_page(self, target: str, html_text: str, modified: dt.date) -> None:
        self.add(target, target.lstrip("/"), html_text.encode("utf-8"), CONTENT_TYPES["html"], modified)

    def write_manifest(self) -> None:
        manifest = {
            r.target: {
                "file": r.file,
                "content_type": r.content_type,
                "last_modified": http_date(r.modified, self.settings.publish_hour_utc),
                "content_disposition": r.disposition,
            }
            for r in sorted(self.resources, key=lambda r: r.target)
        }
        text = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True)
        (self.out_dir / MANIFEST_NAME).write_text(text + "\n", encoding="utf-8")


def _detail_path(settings: PortalSettings, day: dt.date, number: int) -> str:
    return f"{settings.column_path}{day:%Y%m}/t{day:%Y%m%d}_{number}.html"


def _pdf_page_count(data: bytes) -> int:
    import pypdfium2

    document = pypdfium2.PdfDocument(io.BytesIO(data))
    try:
        return len(document)
    finally:
        document.close()


def _attachment_body(spec: ReportSpec, download_target: str, file_name: str) -> str:
    href = escape(download_target)
    return (
        f"<p>根据预算绩效管理有关规定，现将{escape(spec.unit_name)}{spec.fiscal_year}年度绩效自评结果予以公开。</p>\n"
        f'<p>附件：<a href="{href}" title="{escape(file_name)}">{escape(file_name)}</a></p>'
    )


def _trap_items(
    rng: random.Random, settings: PortalSettings, year: int, unique_number: Callable[[], int]
) -> list[tuple[_Item, str]]:
    """A notice about the self-evaluation work (matches include words, must be excluded) and a news item."""
    notice_day = dt.date(year + 1, 2, rng.randint(1, 28))
    notice_title = f"关于开展{year}年度项目支出绩效自评工作的通知"
    notice_body = (
        f"<p>各预算单位：</p><p>为加强预算绩效管理，现就开展{year}年度项目支出绩效自评工作通知如下：请各单位按照"
        "《项目支出绩效评价管理办法》要求，如实填报项目支出绩效自评表，形成自评报告，"
        f"并于{year + 1}年4月30日前报送。</p><p>{SITE_NAME}</p>"
    )
    news_day = dt.date(year + 1, 1, rng.randint(5, 28))
    news_title = f"示例市召开{year + 1}年全市财政工作会议"
    news_body = (
        "<p>会议总结了过去一年的财政工作，部署了今年的重点任务，"
        "要求进一步严格预算管理、提高资金使用效益。</p>"
    )
    items = []
    for title, day, body in ((notice_title, notice_day, notice_body), (news_title, news_day, news_body)):
        path = _detail_path(settings, day, unique_number())
        items.append((_Item(title, day, path), article(title, day, body)))
    return items


def _listing_html(settings: PortalSettings, items: list[_Item], page_index: int, total_pages: int) -> str:
    def page_name(index: int) -> str:
        return "index.html" if index == 0 else f"index_{index}.html"

    entries = "\n".join(
        f'<li><a href=".{escape(item.detail_path.removeprefix(settings.column_path.rstrip("/")))}" '
        f'title="{escape(item.title)}" target="_blank">{escape(item.title)}</a>'
        f"<span>{item.published_at.isoformat()}</span></li>"
        for item in items
    )
    links = ['<a href="index.html">首页</a>']
    if page_index > 0:
        links.append(f'<a href="{page_name(page_index - 1)}">上一页</a>')
    if page_index + 1 < total_pages:
        links.append(f'<a href="{page_name(page_index + 1)}">下一页</a>')
    links.append(f'<a href="{page_name(total_pages - 1)}">尾页</a>')
    main = (
        f'<div class="column"><h2>{COLUMN_NAME}</h2>\n<ul class="list">\n{entries}\n</ul>\n'
        f'<div class="page"><script type="text/javascript">'
        f'createPageHTML({total_pages}, {page_index}, "index", "html");</script>\n'
        f"<noscript>{' '.join(links)}</noscript>\n<span>{' '.join(links)}</span></div></div>"
    )
    return page(COLUMN_NAME, main)


def build_sample_portal(
    out_dir: Path, *, seed: int = 2023, n_reports: int = 8, settings: PortalSettings | None = None
) -> Path:
    """Write the site, its manifest and ``ground_truth.jsonl`` to ``out_dir``; returns ``out_dir``.

    Same seed → same bytes.  ``ground_truth.jsonl`` rows: path (request target the document is
    fetched from: download URL or the inline detail page), file_name, format, sha256, title,
    published_at, record (contract-v1 ground truth; ``document.source_url`` null because the
    base URL is only known when served).
    """
    if n_reports < 1:
        raise ValueError(f"n_reports must be at least 1, got {n_reports}")
    settings = settings or PortalSettings()
    out_dir = Path(out_dir)
    if (out_dir / MANIFEST_NAME).exists() or (out_dir / SITE_FOLDER).exists():
        raise FileExistsError(f"{out_dir} already holds a sample portal; build into an empty directory")
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    writer = _SiteWriter(out_dir, settings)
    items: list[_Item] = []
    truth: list[dict[str, Any]] = []
    used_numbers: set[int] = set()

    def unique_number() -> int:
        while (number := rng.randint(100000, 999999)) in used_numbers:
            pass
        used_numbers.add(number)
        return number

    def publish_attachment(title: str, day: dt.date, data: bytes, file_name: str, source: str | None) -> str:
        """A detail page linking one file behind the opaque download endpoint; returns its target."""
        detail = _detail_path(settings, day, unique_number())
        items.append(_Item(title, day, detail))
        opaque = f"{rng.getrandbits(64):016x}"
        target = f"{settings.download_path}?classid={settings.download_classid}&filename={opaque}"
        writer.add(
            target, f"files/{opaque}", data, DOWNLOAD_CONTENT_TYPE, day, content_disposition(file_name)
        )
        link = f'<p>附件：<a href="{escape(target)}" title="{escape(file_name)}">{escape(file_name)}</a></p>'
        writer.add_page(detail, article(title, day, link, source=source), day)
        return target

    for index in range(n_reports):
        fmt, kind = PUBLICATION_PLAN[index % len(PUBLICATION_PLAN)]
        spec = random_report_spec(rng, kind)
        detail = _detail_path(settings, spec.published_at, unique_number())
        items.append(_Item(spec.title, spec.published_at, detail))
        if fmt == "html":
            data = render_report(spec, "html")
            writer.add(detail, detail.lstrip("/"), data, CONTENT_TYPES["html"], spec.published_at)
            target, file_name = detail, detail.rsplit("/", 1)[1]
        else:
            data = render_report(spec, fmt)
            file_name = file_name_for(spec, fmt)
            opaque = f"{rng.getrandbits(64):016x}"
            target = f"{settings.download_path}?classid={settings.download_classid}&filename={opaque}"
            disposition = content_disposition(file_name)
            writer.add(target, f"files/{opaque}", data, DOWNLOAD_CONTENT_TYPE, spec.published_at, disposition)
            body = _attachment_body(spec, target, file_name)
            writer.add_page(detail, article(spec.title, spec.published_at, body), spec.published_at)
        record = record_for_document(
            spec,
            data,
            fmt=fmt,
            file_name=file_name,
            page_count=_pdf_page_count(data) if fmt == "pdf" else None,
        )
        truth.append({
            "path": target, "file_name": file_name, "format": fmt, "sha256": record["document"]["sha256"],
            "title": spec.title, "published_at": spec.published_at.isoformat(), "record": record,
            "report_index": 0,
        })  # fmt: skip

    if settings.demo_extras:
        truth += _publish_bundle(rng, publish_attachment)
        truth += _publish_real_reports(rng, writer, settings, items, unique_number, publish_attachment)

    for item, html_text in _trap_items(rng, settings, settings.notice_fiscal_year, unique_number):
        items.append(item)
        writer.add_page(item.detail_path, html_text, item.published_at)

    items.sort(key=lambda item: (item.published_at, item.detail_path), reverse=True)
    total_pages = math.ceil(len(items) / settings.items_per_page)
    for page_index in range(total_pages):
        start = page_index * settings.items_per_page
        chunk = items[start : start + settings.items_per_page]
        name = "index.html" if page_index == 0 else f"index_{page_index}.html"
        listing = _listing_html(settings, chunk, page_index, total_pages)
        writer.add_page(f"{settings.column_path}{name}", listing, chunk[0].published_at)
    home = page(SITE_NAME, f'<ul><li><a href="{settings.column_path}index.html">{COLUMN_NAME}</a></li></ul>')
    writer.add_page("/index.html", home, items[0].published_at)
    writer.add("/", "index.html", home.encode("utf-8"), CONTENT_TYPES["html"], items[0].published_at)
    writer.add(
        "/robots.txt", "robots.txt", b"User-agent: *\nAllow: /\n", CONTENT_TYPES["txt"], items[0].published_at
    )
    writer.write_manifest()
    lines = [json.dumps(row, ensure_ascii=False, sort_keys=True) for row in truth]
    (out_dir / GROUND_TRUTH_NAME).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out_dir


def _publish_bundle(rng: random.Random, publish_attachment: Callable[..., str]) -> list[dict[str, Any]]:
    """One unit's two project tables in one PDF: a line of truth per report, in file order."""
    first = random_report_spec(rng, "project")
    second = random_report_spec(rng, "project")
    while second.project_name == first.project_name:
        second = random_report_spec(rng, "project")
    specs = [first, second]
    data = render_bundle(specs, "pdf")
    title = f"{first.unit_name}{first.fiscal_year}年度项目支出绩效自评表（{len(specs)}个项目）"
    file_name = f"{first.fiscal_year}年度项目支出绩效自评表.pdf"
    target = publish_attachment(title, first.published_at, data, file_name, SITE_NAME)
    rows = []
    for index, spec in enumerate(specs):
        record = record_for_document(
            spec, data, fmt="pdf", file_name=file_name, page_count=_pdf_page_count(data)
        )
        rows.append({
            "path": target, "file_name": file_name, "format": "pdf", "sha256": record["document"]["sha256"],
            "title": title, "published_at": first.published_at.isoformat(), "record": record,
            "report_index": index,
        })  # fmt: skip
    return rows


def _publish_real_reports(
    rng: random.Random,
    writer: _SiteWriter,
    settings: PortalSettings,
    items: list[_Item],
    unique_number: Callable[[], int],
    publish_attachment: Callable[..., str],
) -> list[dict[str, Any]]:
    """The vendored real reports: attachments behind detail pages that say no more than their own
    title (no 来源: the label reads only what the document prints), and a real article page."""
    import hashlib

    rows = []
    for name, fmt in REAL_REPORTS:
        label = json.loads((REAL_REPORTS_DIR / f"{name}.label.json").read_text(encoding="utf-8"))
        data = (REAL_REPORTS_DIR / f"{name}.{fmt}").read_bytes()
        title = _real_title(REAL_REPORTS_DIR / f"{name}.txt")
        day = dt.date(2024, rng.randint(3, 6), rng.randint(1, 28))
        if fmt == "html":
            target = _detail_path(settings, day, unique_number())
            items.append(_Item(title, day, target))
            writer.add(target, target.lstrip("/"), data, CONTENT_TYPES["html"], day)
            file_name = target.rsplit("/", 1)[1]
        else:
            file_name = f"{title}.{fmt}"
            target = publish_attachment(title, day, data, file_name, None)
        record = {key: label[key] for key in ("schema_version", "report", "budget_facts", "indicators")}
        record["document"] = {
            "sha256": hashlib.sha256(data).hexdigest(),
            "file_name": file_name,
            "format": fmt,
            "page_count": _pdf_page_count(data) if fmt == "pdf" else None,
            "source_url": None,
        }
        record["error"] = None
        rows.append({
            "path": target, "file_name": file_name, "format": fmt, "sha256": record["document"]["sha256"],
            "title": title, "published_at": day.isoformat(), "record": record, "report_index": 0,
            "real_report": name,
        })  # fmt: skip
    return rows


def _real_title(text_file: Path) -> str:
    """The title a real report's page printed (the TITLE line of its text, without notes in brackets)."""
    for line in text_file.read_text(encoding="utf-8").splitlines():
        if line.startswith("TITLE:"):
            return re.sub(r"^\(.*?\)\s*", "", line.removeprefix("TITLE:").strip())
    return text_file.stem


def load_ground_truth(site_dir: Path) -> list[dict[str, Any]]:
    """The rows ``build_sample_portal`` wrote, in publication order."""
    text = (Path(site_dir) / GROUND_TRUTH_NAME).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def write_registry(path: Path, base_url: str) -> Path:
    """A copy of the bundled registry whose start URLs and hosts point at ``base_url`` (e.g. a test port)."""
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"base_url must be an absolute http(s) URL, got {base_url!r}")
    registry = yaml.safe_load(REGISTRY_PATH.read_text(encoding="utf-8"))
    base = f"{parts.scheme}://{parts.netloc}"
    for source in registry["sources"]:
        source["start_urls"] = [base + urlsplit(url).path for url in source["start_urls"]]
        source["allowed_hosts"] = [parts.hostname]
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(registry, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path
