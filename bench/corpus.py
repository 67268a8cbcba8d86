"""Generated corpora, cached by (seed, n): sample portals for end to end, PDF files for extraction.

Why a cache: a 1,000-report portal takes minutes to render and is byte-identical
for one seed, so it is built once and reused by every later bench run.  A corpus
is built in a temporary folder and renamed into place, so an interrupted build
never leaves a half corpus that a later run would trust.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

from extractors.samples import build_sample_portal, random_report_spec, render_report
from extractors.samples.portal import PortalSettings
from extractors.samples.site_format import MANIFEST_NAME
from extractors.settings import PROJECT_ROOT

REPORT_KINDS_CYCLE = ("project", "department_overall")


def default_seeds_dir() -> Path:
    return PROJECT_ROOT.parent / "shared" / "corpus" / "seeds"


def default_real_dirs() -> tuple[Path, ...]:
    """The labelled real reports: the shared development corpus and this project's own."""
    return (PROJECT_ROOT.parent / "shared" / "corpus" / "real", PROJECT_ROOT / "tests" / "corpus" / "real")


def _build_once(final: Path, build) -> Path:  # type: ignore[no-untyped-def]
    """Run ``build(tmp_dir)`` unless ``final`` exists, then rename the result into place."""
    if final.exists():
        return final
    partial = final.with_name(final.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.parent.mkdir(parents=True, exist_ok=True)
    build(partial)
    partial.rename(final)
    return final


def cached_portal(cache_dir: Path, *, seed: int, n_reports: int) -> Path:
    """A built sample portal of ``n_reports`` reports (all formats), built on first use."""
    # generated reports only (no demo extras), so n reports serve n documents
    final = cache_dir / "portals" / f"seed={seed}-n={n_reports}-generated"

    def build(folder: Path) -> None:
        build_sample_portal(
            folder, seed=seed, n_reports=n_reports, settings=PortalSettings(demo_extras=False)
        )
        if not (folder / MANIFEST_NAME).is_file():
            raise RuntimeError(f"building the sample portal in {folder} wrote no manifest")

    return _build_once(final, build)


def cached_pdf_reports(cache_dir: Path, *, seed: int, n_reports: int) -> list[Path]:
    """``n_reports`` generated PDF reports (project and whole-unit alternating), built on first use."""
    final = cache_dir / "pdfs" / f"seed={seed}-n={n_reports}"

    def build(folder: Path) -> None:
        folder.mkdir(parents=True)
        rng = random.Random(seed)
        for number in range(n_reports):
            spec = random_report_spec(rng, REPORT_KINDS_CYCLE[number % len(REPORT_KINDS_CYCLE)])
            (folder / f"{number:05d}.pdf").write_bytes(render_report(spec, "pdf"))

    return sorted(_build_once(final, build).glob("*.pdf"))


def extraction_corpus(cache_dir: Path, *, seed: int, generated: int, seeds_dir: Path | None) -> list[Path]:
    """The fixed corpus of items 1 and 2: the seed PDFs (when present) plus generated PDF reports."""
    seeds = seeds_dir if seeds_dir is not None else default_seeds_dir()
    seed_pdfs = sorted(seeds.glob("*.pdf")) if seeds.is_dir() else []
    generated_pdfs = cached_pdf_reports(cache_dir, seed=seed, n_reports=generated) if generated else []
    corpus = seed_pdfs + generated_pdfs
    if not corpus:
        raise FileNotFoundError(f"no seed PDFs in {seeds} and no generated reports asked for")
    return corpus


def real_corpus(real_dirs: tuple[Path, ...] | None) -> list[Path]:
    """The real published reports' PDFs found in ``real_dirs`` (default: the shared corpus and
    ours), in name order; empty when none is present.

    Why a second corpus: generated reports are one template drawn by one renderer; real ones
    (LibreOffice's rendering of portal pages, wide tables, long narratives) cost differently
    per page, and the speed target holds on both.
    """
    folders = real_dirs if real_dirs is not None else default_real_dirs()
    return [pdf for folder in folders if folder.is_dir() for pdf in sorted(folder.glob("*.pdf"))]
