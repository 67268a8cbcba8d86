"""Scorer-level regression on the five labelled seeds, per format (skipped when the seeds are absent)."""

from __future__ import annotations

import importlib.util
import json

import pytest

from extractors.extraction import extract_file
from extractors.settings import PROJECT_ROOT

SEEDS = PROJECT_ROOT.parent / "shared" / "corpus" / "seeds"
SCORER = PROJECT_ROOT.parent / "shared" / "tools" / "score_extraction.py"
if not SEEDS.is_dir() or not SCORER.is_file():
    pytest.skip("seed corpus (../shared/corpus/seeds) not present", allow_module_level=True)

pytestmark = [pytest.mark.seeds, pytest.mark.slow]

# What the extractor reaches today (budget F1, indicator F1, indicator fields, report fields); a drop fails.
THRESHOLDS = {"budget": 0.99, "indicators": 0.99, "fields": 0.99, "report": 0.96}


def _scorer():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("score_extraction", SCORER)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


@pytest.mark.parametrize("fmt", ["pdf", "docx", "html"])
def test_seed_scores(fmt: str) -> None:
    scorer = _scorer()
    budget = [0, 0, 0]
    indicators = [0, 0, 0, 0, 0]
    report = [0, 0]
    for label_path in sorted(SEEDS.glob("*.label.json")):
        truth = json.loads(label_path.read_text(encoding="utf-8"))
        name = label_path.name[: -len(".label.json")]
        pred = extract_file(SEEDS / f"{name}.{fmt}")
        assert pred["error"] is None, pred["error"]
        for total, part in (
            (budget, scorer.score_budget(truth["budget_facts"], pred["budget_facts"])),
            (indicators, scorer.score_indicators(truth["indicators"], pred["indicators"])),
            (report, scorer.score_report(truth["report"], pred["report"])),
        ):
            for i, value in enumerate(part):
                total[i] += value
    assert scorer.prf(*budget)[2] >= THRESHOLDS["budget"]
    assert scorer.prf(*indicators[:3])[2] >= THRESHOLDS["indicators"]
    assert indicators[3] / indicators[4] >= THRESHOLDS["fields"]
    assert report[0] / report[1] >= THRESHOLDS["report"]
