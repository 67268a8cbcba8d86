"""Check hand labels of the real corpus against the contract before anyone scores against them.

Usage: python tests/corpus/check_labels.py tests/corpus/real [NAME ...]

Why: a label is the judge of the extractor, so a typo in a stage name or an amount
that the page does not print would silently reward or punish it.  Errors (exit 1):
an unknown kind, line, stage, operator, origin or grade; a fact without an amount or
evidence; a project_item without its item; a missing rNN.txt / .html / .docx / .pdf.
Warnings: an amount whose printed form (in 万元, or in 元) is nowhere in the page text.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from extractors import contract

REPORT_KEYS = (
    "report_kind",
    "fiscal_year",
    "unit_name",
    "department_name",
    "project_name",
    "province",
    "city",
    "county",
    "self_score",
    "grade",
)


def _printed_forms(amount: float) -> set[str]:
    forms = set()
    for value in (amount, amount * 10000, amount / 10000 if amount >= 10000 else None):
        if value is None:
            continue
        for decimals in range(0, 5):
            text = f"{value:.{decimals}f}"
            if abs(float(text) - value) < 0.0051 * max(1, value / 10000 if value > amount else 1):
                forms.add(text)
                forms.add(f"{float(text):,.{decimals}f}")
    return forms


def check(label_path: Path) -> tuple[list[str], list[str]]:
    errors: list[str] = []
    warnings: list[str] = []
    name = label_path.name[: -len(".label.json")]
    folder = label_path.parent
    for suffix in (".txt", ".html", ".docx", ".pdf"):
        if not (folder / f"{name}{suffix}").is_file():
            errors.append(f"{name}{suffix} is missing")
    label = json.loads(label_path.read_text(encoding="utf-8"))
    report = label.get("report") or {}
    for key in REPORT_KEYS:
        if key not in report:
            errors.append(f"report.{key} is missing (null when not printed)")
    if report.get("report_kind") not in contract.REPORT_KINDS:
        errors.append(f"report_kind {report.get('report_kind')!r} is not one of {contract.REPORT_KINDS}")
    if report.get("grade") not in (None, *contract.GRADES):
        errors.append(f"grade {report.get('grade')!r} is not one of {contract.GRADES}")
    if not label.get("notes"):
        errors.append("notes are empty: every judgement call is written down")
    text_path = folder / f"{name}.txt"
    page_text = re.sub(r"\s", "", text_path.read_text(encoding="utf-8")) if text_path.is_file() else ""
    for i, fact in enumerate(label.get("budget_facts") or []):
        where = f"budget_facts[{i}]"
        if fact.get("line") not in contract.BUDGET_LINES:
            errors.append(f"{where}.line {fact.get('line')!r} is not a contract line")
        if fact.get("stage") not in contract.BUDGET_STAGES:
            errors.append(f"{where}.stage {fact.get('stage')!r} is not a contract stage")
        if not isinstance(fact.get("amount_wan_yuan"), int | float):
            errors.append(f"{where}.amount_wan_yuan is not a number")
            continue
        if fact.get("line") == "project_item" and not fact.get("item"):
            errors.append(f"{where} is a project_item without its item")
        if not fact.get("evidence"):
            errors.append(f"{where} has no evidence")
        flat = page_text.replace(",", "").replace("，", "")
        forms = _printed_forms(fact["amount_wan_yuan"])
        forms = _printed_forms(fact["amount_wan_yuan"])
        if page_text and not any(form.replace(",", "") in flat for form in forms):
            amount = fact["amount_wan_yuan"]
            warnings.append(f"{where} amount {amount} is not printed in {name}.txt as 万元 or 元")
            warnings.append(f"{where} amount {amount} is not printed in {name}.txt as 万元 or 元")
    for i, indicator in enumerate(label.get("indicators") or []):
        where = f"indicators[{i}]"
        if not indicator.get("name"):
            errors.append(f"{where} has no name")
        if indicator.get("target_op") not in (None, *contract.TARGET_OPS):
            errors.append(f"{where}.target_op {indicator.get('target_op')!r} is not a contract operator")
        if indicator.get("origin") not in contract.ORIGINS:
            errors.append(f"{where}.origin {indicator.get('origin')!r} is not table or prose")
    return errors, warnings


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    folder = Path(argv[0])
    names = argv[1:]
    paths = [folder / f"{n}.label.json" for n in names] if names else sorted(folder.glob("*.label.json"))
    failed = 0
    for path in paths:
        errors, warnings = check(path)
        for message in errors:
            print(f"ERROR {path.name}: {message}")
        for message in warnings:
            print(f"warn  {path.name}: {message}")
        failed += bool(errors)
    print(f"{len(paths)} labels checked, {failed} with errors")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
