"""GX Data Docs render with no internet, and each validation names its run, suite and severity.

A small synthetic run is validated with Data Docs on; every page must load its scripts,
styles and images from the docs folder itself (expectations/data_docs.py), every such file
must exist, and a validation page must show the pipeline's run id (not GX's "__none__"), its
suite and each expectation's severity.  Where Debian's chromium is installed, a page is opened
in a browser whose only network is loopback, and the libraries its tables and charts need
must be loaded.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bench.warehouse.generate import write_synthetic_run
from expectations import validate_run
from expectations.data_docs import ASSETS_DIR, CDN_ASSETS, outside_resources

RUN_ID = "docs-night"
_LOCAL_RESOURCE = re.compile(
    r"""<(?:script|link|img)\b[^>]*?\b(?:src|href)=["']((?!https?:|data:|#)[^"']+)["']"""
)


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("docs")
    staged = write_synthetic_run(
        root / "staging",
        RUN_ID,
        range(12),
        seed=3,
        extracted_at=datetime(2026, 11, 20, tzinfo=UTC),
        sources=2,
    )
    summary = validate_run(staged.path, run_id=RUN_ID, data_docs_dir=root / "data_docs")
    assert summary.data_docs_index is not None
    return root / "data_docs"


def test_every_cdn_asset_of_gx_templates_is_vendored() -> None:
    """A GX upgrade that loads another asset fails here: rerun scripts/vendor_data_docs_assets.sh."""
    import great_expectations

    templates = Path(great_expectations.__file__).parent / "render" / "view" / "templates"
    wanted = set()
    for template in templates.glob("*.j2"):
        wanted.update(outside_resources(template.read_text(encoding="utf-8")))
    wanted.discard("https://great-expectations-web-assets.s3.us-east-2.amazonaws.com/full_logo_dark.png")
    assert wanted <= set(CDN_ASSETS), sorted(wanted - set(CDN_ASSETS))
    for local in CDN_ASSETS.values():
        assert (ASSETS_DIR / local).is_file(), local


def test_no_page_loads_anything_from_outside(docs: Path) -> None:
    pages = list(docs.rglob("*.html"))
    assert len(pages) > 3
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert outside_resources(html) == [], page
        for resource in _LOCAL_RESOURCE.findall(html):
            target = (page.parent / resource.split("?")[0].split("#")[0]).resolve()
            assert target.is_file(), f"{page.relative_to(docs)} loads {resource}, which is missing"


def test_validation_pages_name_run_suite_and_severity(docs: Path) -> None:
    validations = list((docs / "validations").rglob("*.html"))
    assert validations
    suites = {page.relative_to(docs / "validations").parts[0] for page in validations}
    assert {"reports", "budget_facts", "indicators"} <= suites
    for page in validations:
        html = page.read_text(encoding="utf-8")
        assert "__none__" not in html, page
        assert RUN_ID in html, page
        assert "严重程度 severity" in html and ("隔离记录 quarantine" in html or "仅标记 flag" in html), page
    index = (docs / "index.html").read_text(encoding="utf-8")
    assert RUN_ID in index and "__none__" not in index


def test_a_page_renders_in_a_browser_with_no_internet(docs: Path, tmp_path: Path) -> None:
    from tests.bi.webdriver import Browser, browser_paths

    if browser_paths() is None:
        pytest.skip("chromium and chromedriver are not installed (apt-packages.txt)")
    page = next((docs / "validations").rglob("*.html"))
    with Browser(width=1400, height=1200, log_file=tmp_path / "chromedriver.log") as browser:
        browser.open(page.as_uri())
        loaded = browser.wait_for(
            "return document.readyState === 'complete' && window.jQuery && jQuery.fn.bootstrapTable"
            " && typeof vegaEmbed === 'function' && document.styleSheets.length > 3"
            " && getComputedStyle(document.body).fontFamily.includes('apple-system')",
            timeout_s=30,
        )
        assert loaded
        browser.screenshot(tmp_path / "data_docs.png")
