"""Item 1: pages per second of the full extract next to bare pdfplumber and bare pypdfium2.

All four readers run on the same files in the same process, one after the other,
so the ratios hold even when the machine is busy.  Rates are given per wall
second and per CPU second: on a shared machine the CPU rate is the honest cost
of one core, the wall rate what a run waits for.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench.measure import children_cpu_s


@dataclass(frozen=True)
class Rate:
    """One reader over the corpus."""

    reader: str
    pages: int
    wall_s: float
    cpu_s: float

    @property
    def pages_per_s(self) -> float:
        return self.pages / self.wall_s if self.wall_s else 0.0

    @property
    def pages_per_cpu_s(self) -> float:
        return self.pages / self.cpu_s if self.cpu_s else 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self) | {"pages_per_s": self.pages_per_s, "pages_per_cpu_s": self.pages_per_cpu_s}


def page_count(path: Path) -> int:
    import pypdfium2

    document = pypdfium2.PdfDocument(str(path))
    try:
        return len(document)
    finally:
        document.close()


def bare_pdfplumber(paths: Sequence[Path]) -> None:
    """What the issue calls bare pdfplumber: extract_text and extract_tables on every page."""
    import pdfplumber

    for path in paths:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.extract_text()
                page.extract_tables()


def bare_pypdfium2(paths: Sequence[Path]) -> None:
    """Text of every page through pypdfium2, nothing else: the floor of any PDF reading."""
    import pypdfium2

    for path in paths:
        document = pypdfium2.PdfDocument(str(path))
        try:
            for page in document:
                text_page = page.get_textpage()
                text_page.get_text_range()
                text_page.close()
                page.close()
        finally:
            document.close()


def full_in_process(paths: Sequence[Path]) -> list[dict[str, Any]]:
    """The full extract (text, tables, fields) in this process, without the worker machinery."""
    from extractors.extraction import extract_file

    return [extract_file(path) for path in paths]


def full_one_worker(paths: Sequence[Path]) -> list[dict[str, Any]]:
    """The full extract as the pipeline runs it: ``extract_files`` with one worker process (the
    first record of each document: it yields one per report, one error record for a failed file)."""
    from extractors.extraction import extract_files

    return [records[0] for records in extract_files(list(paths), workers=1)]


def _timed(reader: str, pages: int, run: Callable[[], object]) -> tuple[Rate, object]:
    wall_start, cpu_start, child_start = time.perf_counter(), time.process_time(), children_cpu_s()
    result = run()
    wall = time.perf_counter() - wall_start
    cpu = time.process_time() - cpu_start + children_cpu_s() - child_start
    return Rate(reader, pages, wall, cpu), result


def measure_extraction_rate(paths: Sequence[Path], rounds: int = 1) -> dict[str, Any]:
    """Rates of the four readers and the ratios the target is judged on.

    With ``rounds`` > 1 the four readers run that many times, interleaved (each round all four,
    one after another), and the ratio is the median of the rounds' ratios; each reader's rate is
    its median round.  Why: on a machine others share, the speed a core gives changes by a
    quarter from one minute to the next; a ratio measured within each round cancels that, and
    the median drops a round that was disturbed.
    """
    from extractors.extraction import _warm_up

    _warm_up()  # imports are not pages: load every reader before the first clock starts
    paths = list(paths)
    pages = sum(page_count(path) for path in paths)
    per_round: list[dict[str, Rate]] = []
    failures: list[str] = []
    for number in range(max(1, rounds)):
        rates: dict[str, Rate] = {}
        for name, run in (
            ("pypdfium2", lambda: bare_pypdfium2(paths)),
            ("pdfplumber", lambda: bare_pdfplumber(paths)),
            ("full_in_process", lambda: full_in_process(paths)),
            ("full_extract_files", lambda: full_one_worker(paths)),
        ):
            rates[name], result = _timed(name, pages, run)
            if number == 0 and isinstance(result, list):
                failures += [
                    f"{name}: {path.name}: {record['error']['kind']}"
                    for path, record in zip(paths, result, strict=True)
                    if record.get("error")
                ]
        per_round.append(rates)

    def ratio(rates: dict[str, Rate], basis: str) -> float | None:
        plumber, full = rates["pdfplumber"], rates["full_extract_files"]
        if basis == "cpu":
            return full.pages_per_cpu_s / plumber.pages_per_cpu_s if plumber.pages_per_cpu_s else None
        return full.pages_per_s / plumber.pages_per_s if plumber.pages_per_s else None

    def median(values: list[float | None]) -> float | None:
        known = sorted(v for v in values if v is not None)
        return statistics.median(known) if known else None

    names = per_round[0].keys()
    typical = {
        name: sorted((r[name] for r in per_round), key=lambda rate: rate.pages_per_cpu_s)[len(per_round) // 2]
        for name in names
    }
    return {
        "files": len(paths),
        "pages": pages,
        "rounds": len(per_round),
        "rates": {name: rate.to_dict() for name, rate in typical.items()},
        "full_vs_pdfplumber_wall": median([ratio(r, "wall") for r in per_round]),
        "full_vs_pdfplumber_cpu": median([ratio(r, "cpu") for r in per_round]),
        "full_vs_pdfplumber_cpu_each": [ratio(r, "cpu") for r in per_round],
        "extraction_errors": failures,
    }
