"""The real corpora as test material: which documents exist, their families, and how each scores.

Why a module: the regression tests (tests/reports/test_real_corpus.py) and the baseline writer
(``python -m tests.corpus.real_corpus --write``) must read the corpora and score a document the
same way.  Scoring is the shared scorer's (../shared/tools/score_extraction.py), so a floor here
means what the TOTAL lines in notes mean.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
SHARED_REAL = SHARED / "corpus" / "real"
OWN_REAL = ROOT / "tests" / "corpus" / "real"
SCORER = SHARED / "tools" / "score_extraction.py"
BASELINES = ROOT / "tests" / "corpus" / "baselines.json"
FORMATS = ("html", "docx", "pdf")


@dataclass(frozen=True)
class RealDocument:
    name: str
    folder: Path
    family: str

    def path(self, fmt: str) -> Path:
        return self.folder / f"{self.name}.{fmt}"

    def label(self) -> dict[str, Any]:
        return json.loads((self.folder / f"{self.name}.label.json").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class DocumentScore:
    """One document's counts under the shared scorer (true positives, predictions, truths)."""

    budget_tp: int
    budget_truth: int
    budget_pred: int
    indicators_matched: int
    indicators_truth: int
    indicators_pred: int
    fields_ok: int
    fields_n: int
    report_ok: int
    report_n: int


def available() -> bool:
    return SCORER.is_file()


def scorer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("score_extraction", SCORER)
    if spec is None or spec.loader is None:
        raise RuntimeError(f"cannot load the scorer at {SCORER}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def documents() -> list[RealDocument]:
    """Every labelled real document present: the shared ones (when ../shared is here) and ours."""
    shared_families = yaml.safe_load((ROOT / "tests" / "corpus" / "shared_families.yaml").read_text("utf-8"))
    out = []
    for folder in (SHARED_REAL, OWN_REAL):
        if not folder.is_dir():
            continue
        for label_path in sorted(folder.glob("*.label.json")):
            name = label_path.name[: -len(".label.json")]
            family = json.loads(label_path.read_text(encoding="utf-8")).get("family") or shared_families.get(
                name
            )
            out.append(RealDocument(name, folder, family or "unclassified"))
    return out


def score(
    document: RealDocument, records: list[dict[str, Any]], module: ModuleType | None = None
) -> DocumentScore:
    """The document's counts for the records extracted from one of its formats (a bundle's
    records are scored as their union with the first one's report fields, as the scorer does)."""
    module = module or scorer()
    truth = document.label()
    merged = dict(records[0]) if records else {}
    merged["budget_facts"] = [f for r in records for f in (r.get("budget_facts") or [])]
    merged["indicators"] = [i for r in records for i in (r.get("indicators") or [])]
    budget = module.score_budget(truth.get("budget_facts") or [], merged["budget_facts"])
    indicators = module.score_indicators(truth.get("indicators") or [], merged["indicators"])
    report = module.score_report(truth.get("report") or {}, merged.get("report") or {})
    return DocumentScore(*budget, *indicators, *report)


def summary(totals: dict[str, int]) -> dict[str, float]:
    """The scorer's TOTAL figures of summed DocumentScore counts."""
    module = scorer()
    bp, _, bf = module.prf(totals["budget_tp"], totals["budget_truth"], totals["budget_pred"])
    ip, _, iff = module.prf(
        totals["indicators_matched"], totals["indicators_truth"], totals["indicators_pred"]
    )
    return {
        "budget_p": bp,
        "budget_f1": bf,
        "indicators_p": ip,
        "indicators_f1": iff,
        "fields": totals["fields_ok"] / totals["fields_n"] if totals["fields_n"] else 0.0,
        "report": totals["report_ok"] / totals["report_n"] if totals["report_n"] else 0.0,
    }


def extract_records(path: Path) -> list[dict[str, Any]]:
    from extractors.extraction import extract_document as extract

    return extract(path)


def write_baselines() -> dict[str, dict[str, Any]]:
    """Score every document in every format now and write the floors the tests hold them to."""
    module = scorer()
    baselines: dict[str, dict[str, Any]] = {}
    for document in documents():
        for fmt in FORMATS:
            result = score(document, extract_records(document.path(fmt)), module)
            baselines[f"{document.name}.{fmt}"] = asdict(result)
    BASELINES.write_text(json.dumps(baselines, ensure_ascii=False, indent=1, sort_keys=True) + "\n", "utf-8")
    return baselines


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--write", action="store_true", help="re-score every document and write baselines.json"
    )
    args = parser.parse_args(argv)
    if not available():
        print(f"the shared scorer is not here ({SCORER}): nothing to score", file=sys.stderr)
        return 2
    if args.write:
        baselines = write_baselines()
        print(f"wrote {len(baselines)} floors to {BASELINES}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
