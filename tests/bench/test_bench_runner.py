"""The bench runner works on a tiny corpus: every figure present and sane, none asserted against a clock."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from bench.corpus import cached_pdf_reports, cached_portal
from bench.end_to_end import ServedPortal, bench_registry, cli_run, run_environment
from bench.report import all_rows, dag_task_groups, format_table
from bench.runner import main, run_benchmarks, write_results
from bench.settings import BenchSettings
from extractors.samples import running_sample_portal
from extractors.settings import load_settings


def _tiny_settings(tmp_path: Path, **changes: object) -> BenchSettings:
    empty_seeds = tmp_path / "no-seeds"
    empty_seeds.mkdir(exist_ok=True)
    settings = BenchSettings(
        bench_dir=tmp_path / "bench",
        generated_pdfs=2,
        seeds_dir=empty_seeds,
        real_dirs=(),
        extraction_rounds=1,
    )
    return replace(settings, **changes)


def test_corpus_cache_is_keyed_by_seed_and_size_and_reused(tmp_path: Path) -> None:
    first = cached_pdf_reports(tmp_path, seed=5, n_reports=2)
    stamp = first[0].stat().st_mtime_ns
    assert [p.name for p in first] == ["00000.pdf", "00001.pdf"]
    assert cached_pdf_reports(tmp_path, seed=5, n_reports=2)[0].stat().st_mtime_ns == stamp
    other = cached_pdf_reports(tmp_path, seed=6, n_reports=2)
    assert other[0].parent != first[0].parent
    assert not list(tmp_path.rglob("*.partial"))


def test_extraction_and_scaling_items_give_rates_ratios_and_rss(tmp_path: Path) -> None:
    settings = _tiny_settings(tmp_path, items=("extraction", "scaling"))
    results = run_benchmarks(settings)
    assert results["errors"] == {}
    extraction = results["extraction"]
    assert extraction["files"] == 2 and extraction["pages"] >= 2
    assert extraction["extraction_errors"] == []
    for rate in extraction["rates"].values():
        assert rate["pages_per_s"] > 0 and rate["pages_per_cpu_s"] > 0
    assert extraction["full_vs_pdfplumber_cpu"] > 0
    runs = results["scaling"]["runs"]
    assert [run["workers"] for run in runs] == [1, 2]
    assert all(run["errors"] == 0 and run["documents"] == 2 for run in runs)
    assert all(0 < run["peak_rss_per_worker_mib"] < load_settings().document_memory_mb for run in runs)
    assert runs[0]["speedup"] == 1.0
    assert runs[1]["machine"]["speedup"] > 0 and runs[1]["efficiency_vs_machine"] > 0
    out = tmp_path / "results.json"
    table = write_results(results, settings, out)
    written = json.loads(out.read_text(encoding="utf-8"))
    assert written["table"] and "full ÷ bare pdfplumber (cpu)" in table
    assert "2 workers: speed-up over 1" in table
    assert "real" not in extraction and "1 extraction, real" not in table


def test_the_extraction_item_measures_a_folder_of_real_pdfs_as_a_second_corpus(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    for number, pdf in enumerate(cached_pdf_reports(tmp_path / "cache", seed=9, n_reports=2)):
        (real / f"r{number:02d}.pdf").write_bytes(pdf.read_bytes())
    (real / "r00.label.json").write_text("{}", encoding="utf-8")  # labels beside them are not read
    settings = _tiny_settings(
        tmp_path, items=("extraction",), real_dirs=(real, tmp_path / "absent"), extraction_rounds=2
    )
    results = run_benchmarks(settings)
    assert results["errors"] == {}
    second = results["extraction"]["real"]
    assert second["files"] == 2 and second["extraction_errors"] == []
    assert second["full_vs_pdfplumber_cpu"] > 0
    # Two interleaved rounds: each round's ratio, and their median judged.
    assert second["rounds"] == 2 and len(second["full_vs_pdfplumber_cpu_each"]) == 2
    table = write_results(results, settings, tmp_path / "results.json")
    assert "1 extraction, real" in table and "each round" in table and "(cpu, median)" in table


@pytest.mark.slow
def test_cli_hops_count_requests_and_a_rerun_downloads_nothing(tmp_path: Path) -> None:
    site = cached_portal(tmp_path / "cache", seed=11, n_reports=3)
    with running_sample_portal(site) as portal:
        served = ServedPortal(portal, site)
        data_dir = tmp_path / "data"
        env = run_environment(data_dir, bench_registry(tmp_path / "sources.yaml", served), 1, 2)
        hops = ("crawl", "plan", "extract")
        first = cli_run(served, env, "first", tmp_path / "logs", hops=hops)
        rerun = cli_run(served, env, "rerun", tmp_path / "logs", hops=hops)
    assert first.ok, first.failure
    assert [hop.hop for hop in first.hops] == list(hops)
    assert first.document_downloads == len(served.documents) == 3
    assert first.documents_planned == 3 and first.batches == 2
    assert first.hops[2].processes == 2  # one extract process per batch, as the DAG maps them
    assert all(hop.peak_rss_mib > 0 and hop.wall_s > 0 for hop in first.hops)
    assert rerun.ok and rerun.requests > 0
    assert rerun.document_downloads == 0  # planned again (never staged here), but read from the raw store


def test_table_verdicts_follow_the_targets() -> None:
    run = {"mode": "cli", "ok": True, "failure": None, "hops": [], "requests": 10, "peak_rss_mib": 100.0}
    results = {
        "end_to_end": [
            {
                "reports": 100,
                "documents_published": 100,
                "cli": {"first": run | {"wall_s": 100.0}, "rerun": None},
            },
            {
                "reports": 1000,
                "documents_published": 1000,
                "cli": {
                    "first": run | {"wall_s": 2000.0},
                    "rerun": run | {"wall_s": 20.0, "document_downloads": 0},
                },
            },
        ],
        "warehouse": {"available": False, "reason": "bench.warehouse is not in this checkout"},
    }
    rows = all_rows(results, BenchSettings().targets)
    verdicts = {row.measure: row.met for row in rows}
    assert verdicts["1000 reports, cli: wall s (per report)"] == "MISSED"
    assert verdicts["1000 reports, cli: rerun wall s"] == "met"
    assert verdicts["1000 reports, cli: rerun requests | document downloads"] == "met"
    assert ("5 warehouse", "not available") in {(row.item, row.measure) for row in rows}
    assert "MISSED" in format_table(rows)


def test_table_reprints_from_a_results_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    results = {"warehouse": {"available": False, "reason": "not built yet"}}
    path = tmp_path / "results.json"
    path.write_text(json.dumps(results), encoding="utf-8")
    assert main(["--table", str(path)]) == 0
    assert "not built yet" in capsys.readouterr().out


def test_a_dag_task_group_counts_as_one_hop_in_dag_order() -> None:
    tasks = {
        "publish": {"duration_s": 1.0},
        "dbt_build.stg_reports.run": {
            "duration_s": 2.0,
            "first_start": "2026-01-01 00:00:00.5",
            "last_end": "2026-01-01 00:00:03",
        },
        "dbt_build.stg_reports.test": {
            "duration_s": 1.0,
            "first_start": "2026-01-01 00:00:03",
            "last_end": "2026-01-01 00:00:05",
        },
        "extract": {"duration_s": 4.0},
    }
    assert dag_task_groups(tasks) == {"extract": 4.0, "dbt_build": 4.5, "publish": 1.0}
