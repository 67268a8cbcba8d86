"""Which failures are worth retrying, for every step of the run.

Why one rule for the whole project: the orchestrator retries a failed task with
backoff (minutes apart).  That is right for a portal that timed out or answered
503 — it may answer in an hour — and wasted time for a registry with a typo, a
start URL the crawler may not fetch, or a page that does not exist: those fail
the same way on every attempt, and a night spent retrying them ends late and
reports nothing new.  An error says which kind it is; ``is_permanent`` reads it,
so the DAG (``extractors.orchestration``) and the CLI decide alike.
"""

from __future__ import annotations


class PermanentError(Exception):
    """A failure that retrying cannot fix: a configuration or a URL must change first."""

    permanent = True


class SourceUnreachableError(RuntimeError):
    """No start URL of a source could be fetched.

    ``permanent`` is true when every start URL failed for a reason that does not go
    away by waiting (refused, disallowed by robots.txt, HTTP 4xx); a timeout, a reset
    connection or a 5xx leaves it false, so the orchestrator retries later.
    """

    def __init__(self, source_id: str, reason: str, *, permanent: bool) -> None:
        super().__init__(f"source {source_id} is unreachable: {reason}")
        self.source_id = source_id
        self.reason = reason
        self.permanent = permanent


class NothingCrawledError(PermanentError):
    """A run in which no source could be crawled (or the registry could not be read).

    Permanent for the step that finds it: retrying the step crawls nothing more (the
    crawl tasks have had their retries), and publishing would present last night's
    warehouse, or an empty one, as this night's.
    """


def is_permanent(error: BaseException) -> bool:
    """True when ``error`` says that retrying cannot help (``permanent = True``)."""
    return getattr(error, "permanent", False) is True
