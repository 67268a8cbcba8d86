"""What to tell whom when a nightly run fails: the settings and the message, without Airflow.

Why apart from the notifiers (``extractors.notifiers``): which channels are on is
configuration (environment variables, read here and nowhere else), and the message —
which run, which task, which sources failed and why in plain words, taken from the
run's own outcome (``extractors.outcome``) — is the same for mail and webhook.  Both
are plain functions, tested without an Airflow run.

Every channel is off unless its variable is set (``wecom``: the text message that WeCom
and DingTalk group robots accept):

| variable | meaning | default |
|---|---|---|
| ``GOVPERF_NOTIFY_SMTP_TO`` | recipients of the failure mail (comma-separated); turns mail on | off |
| ``GOVPERF_NOTIFY_SMTP_CONN_ID`` | the Airflow SMTP connection (host, port, login, TLS) | ``smtp_default`` |
| ``GOVPERF_NOTIFY_SMTP_FROM`` | sender address | the connection's ``from_email`` |
| ``GOVPERF_NOTIFY_WEBHOOK_URL`` | URL that receives a JSON POST per failed run; turns the webhook on | off |
| ``GOVPERF_NOTIFY_WEBHOOK_FORMAT`` | ``json`` (fields + ``text``) or ``wecom`` (robot text) | ``json`` |
| ``GOVPERF_NOTIFY_WEBHOOK_TIMEOUT_S`` | seconds to wait for the receiver | 10 |
"""

from __future__ import annotations

import html
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

WEBHOOK_FORMATS = ("json", "wecom")


class NotifyConfigError(ValueError):
    """A ``GOVPERF_NOTIFY_*`` variable holds a value the notifiers cannot use."""


@dataclass(frozen=True)
class NotifySettings:
    smtp_to: tuple[str, ...] = ()
    smtp_conn_id: str = "smtp_default"
    smtp_from: str | None = None
    webhook_url: str | None = None
    webhook_format: str = "json"
    webhook_timeout_s: float = 10.0

    @property
    def smtp_enabled(self) -> bool:
        return bool(self.smtp_to)

    @property
    def webhook_enabled(self) -> bool:
        return bool(self.webhook_url)


def load_notify_settings(environ: Mapping[str, str] | None = None) -> NotifySettings:
    """Read the ``GOVPERF_NOTIFY_*`` variables (``os.environ`` unless given)."""
    env = os.environ if environ is None else environ

    def value(name: str) -> str | None:
        text = env.get(name, "").strip()
        return text or None

    recipients = tuple(r.strip() for r in (value("GOVPERF_NOTIFY_SMTP_TO") or "").split(",") if r.strip())
    webhook_format = (value("GOVPERF_NOTIFY_WEBHOOK_FORMAT") or "json").lower()
    if webhook_format not in WEBHOOK_FORMATS:
        raise NotifyConfigError(
            f"GOVPERF_NOTIFY_WEBHOOK_FORMAT={webhook_format!r}: use one of {', '.join(WEBHOOK_FORMATS)}"
        )
    url = value("GOVPERF_NOTIFY_WEBHOOK_URL")
    if url is not None and not url.startswith(("http://", "https://")):
        raise NotifyConfigError("GOVPERF_NOTIFY_WEBHOOK_URL must be an http(s) URL")
    timeout = value("GOVPERF_NOTIFY_WEBHOOK_TIMEOUT_S") or "10"
    try:
        timeout_s = float(timeout)
    except ValueError:
        raise NotifyConfigError(f"GOVPERF_NOTIFY_WEBHOOK_TIMEOUT_S={timeout!r} is not a number") from None
    return NotifySettings(
        smtp_to=recipients,
        smtp_conn_id=value("GOVPERF_NOTIFY_SMTP_CONN_ID") or "smtp_default",
        smtp_from=value("GOVPERF_NOTIFY_SMTP_FROM"),
        webhook_url=url,
        webhook_format=webhook_format,
        webhook_timeout_s=timeout_s,
    )


@dataclass(frozen=True)
class FailureMessage:
    """One failed run, said once for every channel."""

    dag_id: str
    run_id: str
    reason: str
    failed_task: str | None
    outcome_lines: tuple[str, ...]
    sources: tuple[dict[str, Any], ...]

    @property
    def subject(self) -> str:
        return f"[govperf] {self.dag_id} run {self.run_id} failed"

    @property
    def text(self) -> str:
        lines = [f"The run {self.run_id} of {self.dag_id} failed ({self.reason})."]
        if self.failed_task:
            lines.append(f"Failed task: {self.failed_task}")
        lines.extend(["", *self.outcome_lines] if self.outcome_lines else [])
        lines += ["", f"Task logs: Airflow UI, DAG {self.dag_id}, run {self.run_id}."]
        return "\n".join(lines)

    def html(self) -> str:
        return f"<pre>{html.escape(self.text)}</pre>"

    def webhook_payload(self, payload_format: str = "json") -> dict[str, Any]:
        if payload_format == "wecom":  # WeCom and DingTalk group robots take this text message
            return {"msgtype": "text", "text": {"content": self.text}}
        return {
            "event": "dag_run_failed",
            "dag_id": self.dag_id,
            "run_id": self.run_id,
            "reason": self.reason,
            "failed_task": self.failed_task,
            "sources": list(self.sources),
            "summary": self.subject,
            "text": self.text,
        }


def failure_message(context: Mapping[str, Any]) -> FailureMessage:
    """The message for a failed run, from Airflow's callback context and the run's outcome files."""
    dag = context.get("dag")
    dag_run = context.get("dag_run")
    run_id = str(context.get("run_id") or getattr(dag_run, "run_id", None) or "?")
    ti = context.get("ti") or context.get("task_instance")
    failed_task = getattr(ti, "task_id", None)
    map_index = getattr(ti, "map_index", -1)
    if failed_task and isinstance(map_index, int) and map_index >= 0:
        failed_task = f"{failed_task}[{map_index}]"
    lines: tuple[str, ...] = ()
    sources: tuple[dict[str, Any], ...] = ()
    try:
        from extractors.outcome import load_outcome
        from extractors.pipeline import safe_run_id
        from extractors.settings import load_settings

        outcome = load_outcome(load_settings(), safe_run_id(run_id))
    except Exception as error:  # the message must go out even when the run's files cannot be read
        lines = (f"(the run's outcome could not be read: {type(error).__name__}: {error})",)
    else:
        if outcome is not None:
            lines = tuple(outcome.lines())
            sources = tuple(
                {"source_id": s.source_id, "status": s.status, "first_error": s.first_error}
                for s in outcome.sources
            )
    return FailureMessage(
        dag_id=str(getattr(dag, "dag_id", None) or context.get("dag_id") or "?"),
        run_id=run_id,
        reason=str(context.get("reason") or "failed"),
        failed_task=failed_task,
        outcome_lines=lines,
        sources=sources,
    )
