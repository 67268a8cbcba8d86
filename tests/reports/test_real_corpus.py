"""Every labelled real report, in every format, held to what the extractor already reads in it.

Why floors per document: the corpus totals can hide a regression on one template family behind a
gain on another.  Each document × format keeps its counts from tests/corpus/baselines.json (written
by ``python -m tests.corpus.real_corpus --write`` after a change that is an improvement): it may
find more and guess less, never fewer true values or more wrong ones.  The ids group documents by
template family (``pytest -k transfer_narrative``).  The shared corpus also has its own targets
(issue targets for ../shared/corpus/real as HTML and PDF), checked on the corpus totals.

Skipped when ../shared (its scorer and corpus) is absent.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

import pytest

from tests.corpus import real_corpus

pytestmark = pytest.mark.skipif(
    not real_corpus.available(), reason="../shared (the scorer and the shared real corpus) is absent"
)

_DOCUMENTS = real_corpus.documents() if real_corpus.available() else []
_CASES = [(document, fmt) for document in _DOCUMENTS for fmt in real_corpus.FORMATS]


@pytest.fixture(scope="module")
def baselines() -> dict[str, dict[str, int]]:
    if not real_corpus.BASELINES.is_file():
        pytest.fail(f"{real_corpus.BASELINES} is missing: run python -m tests.corpus.real_corpus --write")
    return json.loads(real_corpus.BASELINES.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def scorer() -> Any:
    return real_corpus.scorer()


@pytest.mark.parametrize(("document", "fmt"), _CASES, ids=[f"{d.family}/{d.name}.{fmt}" for d, fmt in _CASES])
def test_document_reads_no_worse_than_its_floor(
    document: real_corpus.RealDocument, fmt: str, baselines: dict[str, dict[str, int]], scorer: Any
) -> None:
    key = f"{document.name}.{fmt}"
    assert key in baselines, f"no floor for {key}: run python -m tests.corpus.real_corpus --write"
    floor = baselines[key]
    now = asdict(real_corpus.score(document, real_corpus.extract_records(document.path(fmt)), scorer))
    worse = []
    for found, guessed in (("budget_tp", "budget_pred"), ("indicators_matched", "indicators_pred")):
        if now[found] < floor[found]:
            worse.append(f"{found} {now[found]} < {floor[found]}")
        if now[guessed] - now[found] > floor[guessed] - floor[found]:
            wrong_now, wrong_then = now[guessed] - now[found], floor[guessed] - floor[found]
            worse.append(f"{guessed.split('_')[0]} values not in the label {wrong_now} > {wrong_then}")
    for right in ("fields_ok", "report_ok"):
        if now[right] < floor[right]:
            worse.append(f"{right} {now[right]} < {floor[right]}")
    assert not worse, f"{key} ({document.family}) reads worse than before: " + "; ".join(worse)


# The targets set for ../shared/corpus/real (HTML and PDF): F1 and precision on the corpus totals.
_TARGETS = {"budget_f1": 0.95, "indicators_f1": 0.90, "budget_p": 0.98, "indicators_p": 0.98, "report": 0.90}


@pytest.mark.parametrize("fmt", ["html", "pdf"])
def test_shared_corpus_meets_its_targets(fmt: str, scorer: Any) -> None:
    shared = [d for d in _DOCUMENTS if d.folder == real_corpus.SHARED_REAL]
    totals = real_corpus.DocumentScore(*[0] * 10)
    sums = asdict(totals)
    for document in shared:
        for key, value in asdict(
            real_corpus.score(document, real_corpus.extract_records(document.path(fmt)), scorer)
        ).items():
            sums[key] += value
    measured = real_corpus.summary(sums)
    missed = {name: round(measured[name], 3) for name, target in _TARGETS.items() if measured[name] < target}
    assert not missed, f"../shared/corpus/real as {fmt}: below target {missed} (measured {measured})"
