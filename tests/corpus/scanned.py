"""Scanned versions of the real corpus PDFs, made when needed and cached, never committed.

Why: published self-evaluation reports are often scans of a signed, stamped printout, and the
OCR path must read their tables as well as their text.  The real corpus PDFs have a text layer;
rendering each page to a greyscale image as a flat-bed scanner would — a little tilted, a little
blurred, with sensor noise — and wrapping the images in a PDF without a text layer gives scans
whose labels are the text-layer versions' labels.  Everything is deterministic per document
(the tilt and noise are seeded by its name), so a floor measured once holds.

``python -m tests.corpus.scanned`` scans the corpora into the cache, extracts every scan and
prints the shared scorer's TOTAL lines for the shared corpus, our development set and the
held-out set separately (``--text`` scores the text-layer PDFs the same way).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from tests.corpus.real_corpus import OWN_REAL, ROOT, SCORER, SHARED_REAL

# Measured on, never tuned against (tests/corpus/real/INDEX.md).
HELD_OUT = frozenset(
    ["r42", "r44", "r47", "r51", "r53", "r56", "r59", "r62", "r65", "r67", "r69", "r93", "r95"]
)
DEFAULT_CACHE = ROOT / "data" / "cache" / "scanned"
# Bump when the way a scan is made changes, so cached scans of the old recipe are not reused.
RECIPE_VERSION = 1


@dataclass(frozen=True)
class ScanRecipe:
    """How a page is turned into a scan: resolution, tilt (degrees, sign chosen per document),
    blur radius (pixels) and noise (standard deviation in grey levels)."""

    dpi: int = 200
    tilt_degrees: float = 0.4
    blur_radius: float = 0.6
    noise_sigma: float = 6.0

    def key(self) -> str:
        tilt, blur, noise = self.tilt_degrees, self.blur_radius, self.noise_sigma
        return f"v{RECIPE_VERSION}-{self.dpi}dpi-t{tilt:g}-b{blur:g}-n{noise:g}"


DEFAULT_RECIPE = ScanRecipe()


def _seed(name: str) -> int:
    return int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:4], "big")


def scan_pdf(source: Path, target: Path, recipe: ScanRecipe = DEFAULT_RECIPE) -> Path:
    """Write ``source`` as an image-only PDF at ``target``: one greyscale scan per page."""
    import numpy as np
    import pypdfium2
    from PIL import Image, ImageFilter

    rng = np.random.default_rng(_seed(source.stem))
    document = pypdfium2.PdfDocument(str(source))
    images = []
    try:
        for page in document:
            image = page.render(scale=recipe.dpi / 72, grayscale=True).to_pil().convert("L")
            page.close()
            angle = recipe.tilt_degrees * float(rng.uniform(0.5, 1.0)) * (1 if rng.random() < 0.5 else -1)
            image = image.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
            if recipe.blur_radius:
                image = image.filter(ImageFilter.GaussianBlur(recipe.blur_radius))
            if recipe.noise_sigma:
                pixels = np.asarray(image, dtype=np.float32)
                pixels = pixels + rng.normal(0.0, recipe.noise_sigma, pixels.shape)
                image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "L")
            images.append(image)
    finally:
        document.close()
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    images[0].save(partial, "PDF", resolution=recipe.dpi, save_all=True, append_images=images[1:])
    partial.replace(target)
    return target


def cached_scan(source: Path, cache_dir: Path = DEFAULT_CACHE, recipe: ScanRecipe = DEFAULT_RECIPE) -> Path:
    """The scan of ``source`` in the cache, made on first use (keyed by recipe and source bytes)."""
    digest = hashlib.sha256(source.read_bytes()).hexdigest()[:12]
    target = cache_dir / recipe.key() / f"{source.stem}-{digest}.pdf"
    if not target.is_file():
        scan_pdf(source, target, recipe)
    return target


def corpus_pdfs() -> dict[str, list[Path]]:
    """The labelled real PDFs present, by set: shared, own development, own held-out."""
    sets: dict[str, list[Path]] = {"shared": [], "own_dev": [], "held_out": []}
    for folder, own in ((SHARED_REAL, False), (OWN_REAL, True)):
        if not folder.is_dir():
            continue
        for label in sorted(folder.glob("*.label.json")):
            name = label.name[: -len(".label.json")]
            pdf = folder / f"{name}.pdf"
            if not pdf.is_file():
                continue
            key = "shared" if not own else ("held_out" if name in HELD_OUT else "own_dev")
            sets[key].append(pdf)
    return sets


def _extract_lines(path: Path) -> str:
    from extractors.extraction import extract_document

    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in extract_document(path))


def _extract_one(job: tuple[str, str]) -> tuple[str, str]:
    name, path = job
    return name, _extract_lines(Path(path))


def score_set(pdfs: Iterable[Path], scanned: bool, cache_dir: Path, workers: int, out_dir: Path) -> str:
    """Extract each PDF (or its scan) into ``out_dir`` and return the scorer's TOTAL line."""
    pdfs = list(pdfs)
    labels = out_dir / "labels"
    predictions = out_dir / "predictions"
    labels.mkdir(parents=True, exist_ok=True)
    predictions.mkdir(parents=True, exist_ok=True)
    jobs = []
    for pdf in pdfs:
        shutil.copy(pdf.with_name(f"{pdf.stem}.label.json"), labels / f"{pdf.stem}.label.json")
        jobs.append((pdf.stem, str(cached_scan(pdf, cache_dir) if scanned else pdf)))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for name, lines in pool.map(_extract_one, jobs):
            (predictions / f"{name}.json").write_text(lines, encoding="utf-8")
    command = [sys.executable, str(SCORER), str(labels), str(predictions)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return next(line for line in done.stdout.splitlines() if line.startswith("TOTAL"))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--text", action="store_true", help="score the text-layer PDFs instead of scans")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--out", type=Path, help="keep labels and predictions here (default: a temp dir)")
    parser.add_argument("--only", action="append", choices=("shared", "own_dev", "held_out"))
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)
    if not SCORER.is_file():
        print(f"the shared scorer is not here ({SCORER}): nothing to score", file=sys.stderr)
        return 2
    out = args.out or Path(tempfile.mkdtemp(prefix="govperf-scanned-"))
    for name, pdfs in corpus_pdfs().items():
        if (args.only and name not in args.only) or not pdfs:
            continue
        total = score_set(pdfs, not args.text, args.cache, args.workers, out / name)
        print(f"{'text' if args.text else 'scanned'} {name}: {total}", flush=True)
    print(f"predictions in {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
