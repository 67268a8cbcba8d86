"""Superset's dashboards, opened in a real browser on a warehouse built from the sample portal.

As a user would: ``python -m bi.superset setup`` (its own locked venv, SQLite metadata, the
dashboards imported from bi/superset/dashboards/), Superset served by gunicorn, headless
Chromium logs in and loads every dashboard.  The test checks that every chart rendered (no
chart left loading, none in error) and that the figures on the page are the warehouse's:
each big number equals the SQL answer over the marts.  Then a second night is crawled,
built and published while the same Superset process keeps running, and the budget dashboard,
reloaded, shows the new night's totals — the promise of extractors/publish.py's versioned
files.  Screenshots of each dashboard land in ``DATA_DIR/screenshots/``.
"""

from __future__ import annotations

import json
import os
import re
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb
import pytest

from bi.superset.manage import SupersetSettings, admin_password, serve, setup
from extractors.pipeline import run_all
from extractors.samples.portal import build_sample_portal, write_registry
from extractors.samples.server import running_sample_portal
from extractors.settings import Settings
from tests.bi.webdriver import Browser, browser_paths

pytestmark = pytest.mark.slow

DASHBOARDS = {"budget-execution": 8, "indicator-achievement": 6, "data-quality": 7}

# Every chart of a dashboard: its name, type, whether it is still loading or in error, its text.
CHARTS_SCRIPT = """
const charts = [...document.querySelectorAll('[data-test="chart-grid-component"]')];
return charts.map(chart => ({
  name: chart.getAttribute('data-test-chart-name'),
  viz: chart.getAttribute('data-test-viz-type'),
  loading: !!chart.querySelector('[data-test="loading-indicator"]'),
  rendered: !!chart.querySelector('[data-test="slice-container"]'),
  error: !!chart.querySelector('.ant-alert-error, [data-test="error-tooltip"], .error-message'),
  drawn: !!chart.querySelector('canvas, svg.main-svg, table, .header-line'),
  links: [...chart.querySelectorAll('a[href^="http"]')].map(a => a.href),
  text: chart.innerText,
}));
"""


# Charts that may rightly be empty on the sample portal, and the SQL that says whether they are.
EMPTY_UNLESS = {"无法读取的文件": "select count(*) from quality.extraction_errors"}
NO_DATA = "此查询没有数据返回"


@dataclass(frozen=True)
class Night:
    run_id: str
    seed: int
    reports: int


NIGHTS = (Night("night-1", 2023, 8), Night("night-2", 2031, 3))


def _crawl_and_publish(settings: Settings, root: Path, night: Night) -> None:
    """One nightly run (crawl, extract, stage, validate, build, publish) on a fresh sample site."""
    site = root / f"site-{night.run_id}"
    build_sample_portal(site, seed=night.seed, n_reports=night.reports)
    with running_sample_portal(site) as portal:
        write_registry(settings.sources_file, portal.base_url + "/")
        outcome = run_all(settings, night.run_id)
    assert outcome["warehouse"] == "published", outcome


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class RunningSuperset:
    settings: SupersetSettings
    warehouse: Settings
    root: Path
    timings: dict[str, float]
    pid: int


@pytest.fixture(scope="module")
def superset(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSuperset]:
    if browser_paths() is None:
        if os.environ.get("CI"):
            pytest.fail("chromium and chromedriver must be installed (apt-packages.txt, scripts/setup.sh)")
        pytest.skip("chromium and chromedriver are not installed (apt-packages.txt)")
    root = tmp_path_factory.mktemp("superset")
    warehouse = Settings(
        sources_file=root / "sources.yaml",
        data_dir=root / "data",
        warehouse_path=root / "warehouse" / "warehouse.duckdb",
    )
    timings: dict[str, float] = {}
    started = time.monotonic()
    _crawl_and_publish(warehouse, root, NIGHTS[0])
    timings["first_night_s"] = round(time.monotonic() - started, 1)
    settings = replace(
        SupersetSettings.from_env({}),
        warehouse_path=warehouse.warehouse_path,
        home=warehouse.data_dir / "superset",
        port=_free_port(),
    )
    report = setup(settings)
    timings["superset_setup_s"] = float(report["setup_s"])  # type: ignore[arg-type]
    timings["superset_metadata_from_template"] = float(bool(report["metadata_from_template"]))
    started = time.monotonic()
    process = serve(settings, log_file=root / "superset.log")
    timings["superset_start_s"] = round(time.monotonic() - started, 1)
    try:
        yield RunningSuperset(settings, warehouse, root, timings, process.pid)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except Exception:
            process.kill()
        out = warehouse.data_dir / "screenshots" / "timings.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(timings, indent=2))


def _login(browser: Browser, superset: RunningSuperset) -> None:
    browser.open(f"{superset.settings.url}/login/")
    browser.wait_for("return document.querySelector('#username')")
    browser.type("#username", superset.settings.admin_user)
    browser.type("#password", admin_password(superset.settings))
    browser.click("[data-test=login-button]")
    browser.wait_for("return !location.pathname.startsWith('/login')")


def _load(browser: Browser, superset: RunningSuperset, slug: str) -> list[dict]:
    """Open a dashboard and wait until each of its charts has rendered; return the charts."""
    browser.open(f"{superset.settings.url}/superset/dashboard/{slug}/")
    expected = DASHBOARDS[slug]
    browser.wait_for(
        CHARTS_SCRIPT.replace(
            "return charts.map", f"if (charts.length < {expected}) return null;\nconst out = charts.map"
        )
        + "\nreturn out.every(c => c.rendered && !c.loading) ? out : null;",
        timeout_s=120,
    )
    time.sleep(1)  # let ECharts finish its draw animation before a screenshot
    return browser.run(CHARTS_SCRIPT)


def _screenshot(browser: Browser, path: Path) -> None:
    """The whole dashboard: the window is fitted to its grid's height first."""
    height = browser.run("return document.querySelector('.grid-container')?.scrollHeight || 1400")
    browser.set_window(1600, int(height) + 260)
    time.sleep(0.5)
    browser.screenshot(path)
    browser.set_window(1600, 2600)


def _number(charts: list[dict], name: str) -> float:
    """The figure a big-number chart shows, as printed (e.g. '49,755.70')."""
    (chart,) = [c for c in charts if c["name"] == name]
    match = re.search(r"-?[\d,]+(?:\.\d+)?", chart["text"].split("\n", 1)[-1])
    assert match, f"{name}: no number in {chart['text']!r}"
    return float(match.group().replace(",", ""))


def _sql(warehouse: Path, query: str) -> tuple:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.execute(query).fetchone()


BUDGET_TOTALS = """
select round(sum(executed), 2), round(sum(adjusted_budget), 2),
       round(sum(executed) * 100 / sum(adjusted_budget), 2)
from marts.fct_budget_execution
where line = 'total' and item is null and executed is not null and adjusted_budget is not null
"""


def test_every_dashboard_renders_the_warehouses_numbers_and_follows_a_new_night(
    superset: RunningSuperset,
) -> None:
    warehouse = superset.warehouse.warehouse_path
    shots = superset.warehouse.data_dir / "screenshots"
    started = time.monotonic()
    with Browser(width=1600, height=2600, log_file=superset.root / "chromedriver.log") as browser:
        _login(browser, superset)
        for slug in DASHBOARDS:
            charts = _load(browser, superset, slug)
            assert len(charts) == DASHBOARDS[slug]
            for chart in charts:
                assert chart["rendered"] and not chart["error"], (
                    f"{slug}: {chart['name']} did not render: {chart}"
                )
                if chart["name"] in EMPTY_UNLESS:  # Superset's own "no data" panel, when SQL agrees
                    (rows,) = _sql(warehouse, EMPTY_UNLESS[chart["name"]])
                    assert chart["drawn"] if rows else NO_DATA in chart["text"], chart
                else:
                    assert chart["drawn"], f"{slug}: {chart['name']} drew nothing: {chart['text'][:300]}"
            _screenshot(browser, shots / f"{slug}.png")
            if slug == "budget-execution":
                executed, adjusted, rate = _sql(warehouse, BUDGET_TOTALS)
                assert _number(charts, "执行数合计（万元）") == pytest.approx(executed, abs=0.005)
                assert _number(charts, "全年预算数合计（万元）") == pytest.approx(adjusted, abs=0.005)
                assert _number(charts, "执行率（%）") == pytest.approx(rate, abs=0.005)
                (detail,) = [c for c in charts if c["name"] == "预算执行明细（可追溯原文）"]
                urls = {
                    row[0] for row in _rows(warehouse, "select source_url from marts.fct_budget_execution")
                }
                assert detail["links"] and set(detail["links"]) <= urls, (
                    "each fact links to its source document"
                )
                first_night = executed
            elif slug == "indicator-achievement":
                stated, missed = _sql(
                    warehouse,
                    "select count(*), count(*) filter (where achieved = false)"
                    " from marts.fct_indicator_achievement",
                )
                assert (_number(charts, "指标数"), _number(charts, "未达成指标数")) == (stated, missed)
            else:
                (failures,) = _sql(
                    warehouse, "select count(*) from quality.expectation_results where in_effect"
                )
                (unreadable,) = _sql(warehouse, "select count(*) from quality.extraction_errors")
                assert (_number(charts, "校验未通过（条）"), _number(charts, "无法读取文件（份）")) == (
                    failures,
                    unreadable,
                )
        superset.timings["browser_first_night_s"] = round(time.monotonic() - started, 1)

        # A second night is published while the same Superset process serves the dashboards.
        started = time.monotonic()
        _crawl_and_publish(superset.warehouse, superset.root, NIGHTS[1])
        superset.timings["second_night_s"] = round(time.monotonic() - started, 1)
        executed, adjusted, rate = _sql(warehouse, BUDGET_TOTALS)
        assert executed != pytest.approx(first_night, abs=0.005), "the second night adds reports"
        charts = _load(browser, superset, "budget-execution")
        assert _number(charts, "执行数合计（万元）") == pytest.approx(executed, abs=0.005)
        assert _number(charts, "全年预算数合计（万元）") == pytest.approx(adjusted, abs=0.005)
        assert _number(charts, "执行率（%）") == pytest.approx(rate, abs=0.005)
        _screenshot(browser, shots / "budget-execution-night-2.png")
    assert os.path.exists(f"/proc/{superset.pid}"), "the same Superset process served both nights"


def _rows(warehouse: Path, query: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.execute(query).fetchall()
