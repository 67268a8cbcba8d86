"""Make GX Data Docs render with no internet: their CDN assets served from the docs folder.

Why: Great Expectations' Data Docs templates load Bootstrap, jQuery, Font Awesome, Vega and
friends from public CDNs (and GX's logo from its web-asset bucket).  On a government network
without internet the pages render as unstyled HTML with dead tables.  The assets are vendored
in ``expectations/data_docs_assets/`` (pinned versions, licences and tarball hashes in its
SOURCES.txt; ``scripts/vendor_data_docs_assets.sh`` refreshes them), copied to
``<docs>/static/vendor/`` and every page's CDN URL is rewritten to a relative path.

Importable without GX: it only copies files and rewrites text.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Mapping, Sequence
from html import escape
from pathlib import Path

ASSETS_DIR = Path(__file__).resolve().parent / "data_docs_assets"
VENDOR = Path("static") / "vendor"

_CDNJS = "https://cdnjs.cloudflare.com/ajax/libs/"
_JSDELIVR = "https://cdn.jsdelivr.net/npm/"
_BT = "bootstrap-table@1.19.1/dist/"
_FILTER = "extensions/filter-control/bootstrap-table-filter-control"
_DATEPICKER = "bootstrap-datepicker@1.9.0/dist/"
_DP = "bootstrap-datepicker"
_BOOTSTRAP = "bootstrap@4.3.1/dist/"
_BS_CDN = "bootstrap/4.3.1/"

#: CDN URL (as GX's templates write it) → file under data_docs_assets/.
CDN_ASSETS: dict[str, str] = {
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery@3.7.1/dist/jquery.min.js",
    f"{_CDNJS}popper.js/1.12.9/umd/popper.min.js": "popper.js@1.12.9/dist/umd/popper.min.js",
    f"https://maxcdn.bootstrapcdn.com/{_BS_CDN}css/bootstrap.min.css": f"{_BOOTSTRAP}css/bootstrap.min.css",
    f"https://stackpath.bootstrapcdn.com/{_BS_CDN}js/bootstrap.min.js": f"{_BOOTSTRAP}js/bootstrap.min.js",
    f"https://unpkg.com/{_BT}bootstrap-table.min.css": f"{_BT}bootstrap-table.min.css",
    f"https://unpkg.com/{_BT}bootstrap-table.min.js": f"{_BT}bootstrap-table.min.js",
    f"https://unpkg.com/{_BT}{_FILTER}.min.js": f"{_BT}{_FILTER}.min.js",
    f"https://unpkg.com/{_BT}{_FILTER}.min.css": f"{_BT}{_FILTER}.min.css",
    f"https://unpkg.com/bootstrap-table@1.19.0/dist/{_FILTER}.min.css": f"{_BT}{_FILTER}.min.css",
    f"https://unpkg.com/bootstrap-table@1.19.0/dist/{_FILTER}.css": f"{_BT}{_FILTER}.min.css",
    f"{_CDNJS}bootstrap-datepicker/1.9.0/css/bootstrap-datepicker.min.css": f"{_DATEPICKER}css/{_DP}.min.css",
    f"{_CDNJS}bootstrap-datepicker/1.9.0/js/bootstrap-datepicker.min.js": f"{_DATEPICKER}js/{_DP}.min.js",
    f"{_JSDELIVR}@forevolve/bootstrap-dark@1.1.0/dist/css/bootstrap-prefers-dark.css": (
        "@forevolve-bootstrap-dark@1.1.0/dist/css/bootstrap-prefers-dark.min.css"
    ),
    f"{_CDNJS}font-awesome/6.6.0/css/all.min.css": "@fortawesome-fontawesome-free@6.6.0/css/all.min.css",
    f"{_JSDELIVR}vega@5": "vega@5.33.1/build/vega.min.js",
    f"{_JSDELIVR}vega-lite@5": "vega-lite@5.23.0/build/vega-lite.min.js",
    f"{_JSDELIVR}vega-embed@6": "vega-embed@6.29.0/build/vega-embed.min.js",
}

#: GX's images (its logo) come from its web-asset bucket; GX copies the same files into the
#: site's static/images, except the dark logo, for which the plain one stands in.
_GX_IMAGE = re.compile(
    r'"https://great-expectations-web-assets\.s3\.[a-z0-9-]+\.amazonaws\.com/([^"?]+)(?:\?[^"]*)?"'
)
_IMAGE_STAND_INS = {"full_logo_dark.png": "logo-long.png"}
#: GX's own links to its static folder miscount the depth of a validation page (its favicon
#: points one folder too high); each is rewritten relative to the page.
_STATIC_LINK = re.compile(r'(?<=href=")(?:\./|(?:\.\./)+)static/images/')
_OUTSIDE_RESOURCE = re.compile(
    r"""<(?:script|link|img)\b[^>]*?\b(?:src|href)=["'](https?://(?!127\.0\.0\.1|localhost)[^"']+)["']"""
)
# Subresource-integrity attributes only guard a CDN download; on a page opened from disk
# (file://, an opaque origin) crossorigin="anonymous" would block the local script.
_SRI = re.compile(r'\s+(?:integrity="sha\d+-[^"]+"|crossorigin="anonymous")')


#: (rule name, severity "error" | "warn", what the rule checks) for each rule of a suite.
SuiteRules = Mapping[str, Sequence[tuple[str, str, str]]]
_BANNER_MARK = "<!-- govperf: run, suite, severity -->"


def localize(docs_dir: Path, suites: SuiteRules | None = None) -> list[Path]:
    """Copy the vendored assets into ``docs_dir`` and point every page at them; return the pages.

    With ``suites``, each validation page of those suites that has no banner yet gets one
    naming its run, its suite and each rule's severity — GX's own validation page shows the
    run only as a path and no severity at all.  Idempotent: a page already rewritten has no
    CDN URL left and keeps its banner, and the copy of the assets is refreshed.
    """
    docs_dir = Path(docs_dir)
    target = docs_dir / VENDOR
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(ASSETS_DIR, target, ignore=shutil.ignore_patterns("SOURCES.txt"))
    pages = sorted(docs_dir.rglob("*.html"))
    for page in pages:
        text = page.read_text(encoding="utf-8")
        rewritten = rewrite(text, page.parent, docs_dir)
        where = page.relative_to(docs_dir).parts
        if suites and len(where) >= 4 and where[0] == "validations" and where[1] in suites:
            rewritten = add_banner(rewritten, run=where[2], suite=where[1], rules=suites[where[1]])
        if rewritten != text:
            page.write_text(rewritten, encoding="utf-8")
    return pages


def rewrite(html: str, page_dir: Path, docs_dir: Path) -> str:
    """``html`` with each known CDN URL replaced by the relative path to its local copy."""
    to_root = Path(os.path.relpath(docs_dir, page_dir))
    for url, local in CDN_ASSETS.items():
        html = html.replace(f'"{url}"', f'"{(to_root / VENDOR / local).as_posix()}"')
    html = _SRI.sub("", html)
    images = (to_root / "static" / "images").as_posix()
    html = _STATIC_LINK.sub(images + "/", html)
    return _GX_IMAGE.sub(lambda m: f'"{images}/{_IMAGE_STAND_INS.get(m.group(1), m.group(1))}"', html)


def add_banner(html: str, *, run: str, suite: str, rules: Sequence[tuple[str, str, str]]) -> str:
    """``html`` with a note at the top of its body: run id, suite and each rule's severity."""
    if _BANNER_MARK in html or "<body>" not in html:
        return html
    errors = sum(1 for _, severity, _ in rules if severity == "error")
    effect = {"error": "隔离记录 quarantine", "warn": "仅标记 flag"}
    rows = "".join(
        f"<tr><td><code>{escape(name)}</code></td><td>{escape(severity)}</td>"
        f"<td>{effect.get(severity, '')}</td><td>{escape(text)}</td></tr>"
        for name, severity, text in rules
    )
    banner = (
        f'{_BANNER_MARK}<div class="container-fluid"><div class="alert alert-secondary mt-3" role="note">'
        f"<strong>运行 Run</strong> <code>{escape(run)}</code> · <strong>套件 Suite</strong> "
        f"<code>{escape(suite)}</code> · {len(rules)} 条规则 rules: {errors} error（隔离）, "
        f"{len(rules) - errors} warn（标记）"
        '<table class="table table-sm mt-2 mb-0"><thead><tr><th>规则 rule</th><th>严重程度 severity</th>'
        f"<th>未通过时 on failure</th><th>说明</th></tr></thead><tbody>{rows}</tbody></table></div></div>"
    )
    return html.replace("<body>", "<body>" + banner, 1)


def outside_resources(html: str) -> list[str]:
    """Every script, stylesheet or image ``html`` would load from off this machine."""
    return _OUTSIDE_RESOURCE.findall(html)
