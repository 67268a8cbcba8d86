"""The dashboards kept as code hang together, checked without Superset (fast, no browser).

Every chart names a dataset of the bundle, every metric and column a chart uses is defined by
its dataset, every dashboard places only charts of the bundle and filters on columns of its
datasets, and the database is the warehouse read-only with no DML — so a hand edit of the
YAML that breaks a reference fails here rather than in a user's browser.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

BUNDLE = Path(__file__).resolve().parents[2] / "bi" / "superset" / "dashboards"


def _load(folder: str) -> list[dict]:
    return [
        yaml.safe_load(path.read_text(encoding="utf-8")) for path in sorted((BUNDLE / folder).rglob("*.yaml"))
    ]


@pytest.fixture(scope="module")
def bundle() -> dict[str, list[dict]]:
    return {folder: _load(folder) for folder in ("databases", "datasets", "charts", "dashboards")}


def test_the_database_is_the_warehouse_read_only(bundle: dict[str, list[dict]]) -> None:
    (database,) = bundle["databases"]
    assert database["sqlalchemy_uri"] == "duckdb:///WAREHOUSE_PATH"  # set by `setup`
    assert database["extra"]["engine_params"]["connect_args"] == {"read_only": True}
    assert not database["allow_dml"] and not database["allow_file_upload"]
    assert {d["database_uuid"] for d in bundle["datasets"]} == {database["uuid"]}


def test_charts_use_only_what_their_dataset_defines(bundle: dict[str, list[dict]]) -> None:
    datasets = {d["uuid"]: d for d in bundle["datasets"]}
    for chart in bundle["charts"]:
        dataset = datasets[chart["dataset_uuid"]]
        metrics = {m["metric_name"] for m in dataset["metrics"]}
        columns = {c["column_name"] for c in dataset["columns"]}
        params = chart["params"]
        used_metrics = [params["metric"]] if "metric" in params else list(params.get("metrics", []))
        used_metrics += [params["timeseries_limit_metric"]] if params.get("timeseries_limit_metric") else []
        assert set(used_metrics) <= metrics, (chart["slice_name"], set(used_metrics) - metrics)
        used_columns = set(params.get("groupby", [])) | set(params.get("all_columns", []))
        used_columns |= {params["x_axis"]} if "x_axis" in params else set()
        assert used_columns <= columns, (chart["slice_name"], used_columns - columns)
        assert params["datasource"] == f"{dataset['table_name']}__table"


def test_dashboards_place_bundle_charts_and_filter_on_dataset_columns(bundle: dict[str, list[dict]]) -> None:
    charts = {c["uuid"] for c in bundle["charts"]}
    datasets = {d["uuid"]: {c["column_name"] for c in d["columns"]} for d in bundle["datasets"]}
    placed: set[str] = set()
    for dashboard in bundle["dashboards"]:
        for item in dashboard["position"].values():
            if isinstance(item, dict) and item.get("type") == "CHART":
                assert item["meta"]["uuid"] in charts, (dashboard["slug"], item["meta"]["sliceName"])
                placed.add(item["meta"]["uuid"])
        names = {f["name"] for f in dashboard["metadata"]["native_filter_configuration"]}
        assert {"省", "市", "县", "年度"} <= names, dashboard["slug"]
        for native in dashboard["metadata"]["native_filter_configuration"]:
            for target in native["targets"]:
                assert target["column"]["name"] in datasets[target["datasetUuid"]], native["name"]
    assert placed == charts, "every chart of the bundle is on a dashboard"
    assert {d["slug"] for d in bundle["dashboards"]} == {
        "budget-execution",
        "indicator-achievement",
        "data-quality",
    }


def test_labels_are_chinese(bundle: dict[str, list[dict]]) -> None:
    def chinese(text: str | None) -> bool:
        return bool(text) and any("\u4e00" <= ch <= "\u9fff" for ch in text)

    assert all(chinese(d["dashboard_title"]) for d in bundle["dashboards"])
    assert all(chinese(c["slice_name"]) for c in bundle["charts"])
    for dataset in bundle["datasets"]:
        assert all(chinese(m["verbose_name"]) for m in dataset["metrics"]), dataset["table_name"]
        unlabelled = [c["column_name"] for c in dataset["columns"] if not chinese(c["verbose_name"])]
        assert not unlabelled, (dataset["table_name"], unlabelled)
