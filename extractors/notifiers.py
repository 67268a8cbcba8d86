"""Airflow notifiers that announce a failed nightly run: mail and a webhook.

Why Airflow's notifier mechanism: a ``BaseNotifier`` in the DAG's
``on_failure_callback`` is called by Airflow itself wherever DAG callbacks run —
the dag-processor for scheduled runs, the ``airflow dags test`` process for
``make run`` — with no task of ours that could itself fail or be skipped.  Mail
goes through the SMTP provider's ``SmtpNotifier`` and an Airflow SMTP connection
(host, port, login and TLS stay in Airflow's connections or secrets backend, e.g.
``AIRFLOW_CONN_SMTP_DEFAULT``); the webhook is a small notifier posting JSON.

Which channels are on, and the message, come from ``extractors.alerts``;
``failure_notifiers()`` returns none when no ``GOVPERF_NOTIFY_*`` variable is set.
"""

from __future__ import annotations

import logging
from typing import Any

import requests
from airflow.providers.smtp.notifications.smtp import SmtpNotifier
from airflow.sdk import BaseNotifier

from extractors.alerts import NotifySettings, failure_message, load_notify_settings

log = logging.getLogger(__name__)


class _AnyDagTemplates:
    """Render a notifier's fields with the DAG's template environment when the DAG has one.

    A DAG callback run by ``airflow dags test`` (``make run``) gets the scheduler's
    serialized DAG in ``context["dag"]``, which has no template environment; the
    notifier then renders with Airflow's default one instead of failing.
    """

    def get_template_env(self, dag: Any = None) -> Any:
        if dag is not None and not hasattr(dag, "get_template_env"):
            dag = None
        return super().get_template_env(dag=dag)  # type: ignore[misc]


class WebhookNotifier(_AnyDagTemplates, BaseNotifier):
    """POST the failed run as JSON to ``url`` (``payload_format``: json or wecom)."""

    template_fields = ()

    def __init__(self, url: str, *, payload_format: str = "json", timeout_s: float = 10.0) -> None:
        super().__init__()
        self.url = url
        self.payload_format = payload_format
        self.timeout_s = timeout_s

    def notify(self, context: Any) -> None:
        message = failure_message(context)
        response = requests.post(
            self.url, json=message.webhook_payload(self.payload_format), timeout=self.timeout_s
        )
        response.raise_for_status()  # the URL may hold a token: it is never logged
        log.info("failure of run %s posted to the webhook (HTTP %d)", message.run_id, response.status_code)


class RunFailureMail(_AnyDagTemplates, SmtpNotifier):
    """The provider's ``SmtpNotifier``, with the failed run's message as subject and body."""

    def notify(self, context: Any) -> None:
        message = failure_message(context)
        self.subject = message.subject
        self.html_content = message.html()
        super().notify(context)


def failure_notifiers(settings: NotifySettings | None = None) -> list[BaseNotifier]:
    """The notifiers the environment turns on, for a DAG's ``on_failure_callback`` (often none)."""
    settings = settings or load_notify_settings()
    notifiers: list[BaseNotifier] = []
    if settings.smtp_enabled:
        notifiers.append(
            RunFailureMail(
                to=list(settings.smtp_to), from_email=settings.smtp_from, smtp_conn_id=settings.smtp_conn_id
            )
        )
    if settings.webhook_enabled:
        assert settings.webhook_url is not None
        notifiers.append(
            WebhookNotifier(
                settings.webhook_url,
                payload_format=settings.webhook_format,
                timeout_s=settings.webhook_timeout_s,
            )
        )
    return notifiers
