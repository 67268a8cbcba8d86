"""Failure notifications: off by default, configured from GOVPERF_NOTIFY_*, delivered to a
local SMTP server and a local HTTP receiver (both on 127.0.0.1) with the run's reasons."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from extractors import pipeline
from extractors.alerts import NotifyConfigError, failure_message, load_notify_settings
from extractors.notifiers import RunFailureMail, WebhookNotifier, failure_notifiers
from extractors.outcome import record_registry_error, start_run
from extractors.settings import Settings

RUN_ID = "scheduled__2026-12-01T02:00:00+00:00"
REFUSED = (
    "refused: 127.0.0.1 is a private address — "
    "set allow_private_addresses: true for a portal on your own network"
)


@pytest.fixture
def failed_run(isolated_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """A run whose one source was refused: what the crawl step leaves behind."""
    registry = tmp_path / "sources.yaml"
    registry.write_text(
        "sources:\n  - id: own-portal\n    start_urls: [http://127.0.0.1:9/]\n    include: [自评]\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("SOURCES_FILE", str(registry))
    from extractors.settings import load_settings

    settings = load_settings()
    run_id = pipeline.safe_run_id(RUN_ID)
    start_run(settings, run_id)
    stats = {"pages": 1, "errors": 1, "first_error": REFUSED, "start_urls_failed": 1}
    pipeline.write_json_atomic(
        pipeline.run_dir(settings, run_id) / "crawl" / "own-portal.json",
        {"source_id": "own-portal", "status": "unreachable", "stats": stats, "documents": []},
    )
    return settings


def _context(task_id: str = "sources_crawled", *, serialized: bool = False) -> dict:
    """A DAG callback's context; ``serialized``: as `airflow dags test` passes it (a scheduler DAG)."""
    from airflow.sdk import DAG

    dag = DAG("govperf_nightly", schedule=None)
    if serialized:
        from airflow.serialization.serialized_objects import DagSerialization

        dag = DagSerialization.deserialize_dag(DagSerialization.serialize_dag(dag))
    return {
        "dag": dag,
        "run_id": RUN_ID,
        "reason": "task_failure",
        "ti": SimpleNamespace(task_id=task_id, map_index=-1),
    }


def test_no_variable_no_notifier(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("GOVPERF_NOTIFY_SMTP_TO", "GOVPERF_NOTIFY_WEBHOOK_URL"):
        monkeypatch.delenv(name, raising=False)
    assert failure_notifiers() == []


def test_settings_from_the_environment() -> None:
    settings = load_notify_settings(
        {
            "GOVPERF_NOTIFY_SMTP_TO": "ops@example.org, data@example.org",
            "GOVPERF_NOTIFY_WEBHOOK_URL": "https://hooks.example.org/x",
            "GOVPERF_NOTIFY_WEBHOOK_FORMAT": "WeCom",
        }
    )
    assert settings.smtp_to == ("ops@example.org", "data@example.org")
    assert settings.smtp_conn_id == "smtp_default" and settings.webhook_format == "wecom"
    kinds = [type(notifier) for notifier in failure_notifiers(settings)]
    assert kinds == [RunFailureMail, WebhookNotifier]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("GOVPERF_NOTIFY_WEBHOOK_FORMAT", "slack"),
        ("GOVPERF_NOTIFY_WEBHOOK_URL", "hooks.example.org"),
        ("GOVPERF_NOTIFY_WEBHOOK_TIMEOUT_S", "soon"),
    ],
)
def test_unusable_values_are_refused_by_name(name: str, value: str) -> None:
    with pytest.raises(NotifyConfigError, match=name):
        load_notify_settings({name: value, "GOVPERF_NOTIFY_WEBHOOK_URL": "http://127.0.0.1/"} | {name: value})


def test_the_message_names_the_run_the_task_and_each_source_with_its_reason(failed_run: Settings) -> None:
    message = failure_message(_context())
    assert message.subject == f"[govperf] govperf_nightly run {RUN_ID} failed"
    assert "Failed task: sources_crawled" in message.text
    assert "FAILED — no source could be crawled" in message.text
    assert REFUSED in message.text
    assert message.sources == ({"source_id": "own-portal", "status": "unreachable", "first_error": REFUSED},)


def test_a_registry_error_is_the_message(failed_run: Settings) -> None:
    record_registry_error(failed_run, pipeline.safe_run_id(RUN_ID), "registry x: unknown key(s): max_page")
    assert (
        "the registry could not be read: registry x: unknown key(s): max_page"
        in failure_message(_context()).text
    )


def test_webhook_posts_json_to_the_receiver(failed_run: Settings, http_receiver) -> None:
    WebhookNotifier(http_receiver.url)(_context())
    ((path, headers, body),) = http_receiver.posts
    payload = json.loads(body)
    assert path == "/hook" and headers["Content-Type"] == "application/json"
    assert payload["event"] == "dag_run_failed" and payload["run_id"] == RUN_ID
    assert payload["failed_task"] == "sources_crawled" and payload["sources"][0]["first_error"] == REFUSED


def test_webhook_in_the_wecom_robot_format(failed_run: Settings, http_receiver) -> None:
    WebhookNotifier(http_receiver.url, payload_format="wecom")(_context(serialized=True))
    payload = json.loads(http_receiver.posts[0][2])
    assert payload["msgtype"] == "text" and REFUSED in payload["text"]["content"]


def test_mail_goes_through_the_airflow_smtp_connection(
    failed_run: Settings, smtp_receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    connection = {
        "conn_type": "smtp",
        "host": "127.0.0.1",
        "port": smtp_receiver.port,
        "extra": {
            "disable_ssl": True,
            "disable_tls": True,
            "from_email": "airflow@example.org",
            "timeout": 5,
        },
    }
    monkeypatch.setenv("AIRFLOW_CONN_GOVPERF_TEST_SMTP", json.dumps(connection))
    settings = load_notify_settings(
        {"GOVPERF_NOTIFY_SMTP_TO": "ops@example.org", "GOVPERF_NOTIFY_SMTP_CONN_ID": "govperf_test_smtp"}
    )
    (mail_notifier,) = failure_notifiers(settings)
    mail_notifier(_context("crawl", serialized=True))
    (mail,) = smtp_receiver.mails
    assert mail.sender == "airflow@example.org" and mail.recipients == ["ops@example.org"]
    assert mail.message["Subject"] == f"[govperf] govperf_nightly run {RUN_ID} failed"
    body = mail.body()
    assert "Failed task: crawl" in body and REFUSED in body
